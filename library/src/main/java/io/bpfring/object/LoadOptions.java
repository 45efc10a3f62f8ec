package io.bpfring.object;

import io.bpfring.bpf.Mounts;

import java.nio.file.Path;

/**
 * How an object is loaded.
 *
 * @param pinRoot where maps with {@code LIBBPF_PIN_BY_NAME} are pinned and looked for (libbpf's
 *                {@code pin_root_path}); {@code /sys/fs/bpf} by default
 * @param kconfig what {@code __kconfig} externs are filled from
 * @param core    applies CO-RE relocations
 */
public record LoadOptions(Path pinRoot, Kconfig kconfig, CoreRelocator core) {
    public static LoadOptions defaults() {
        return new LoadOptions(Mounts.BPFFS, null, CoreRelocator.unsupported());
    }

    public LoadOptions withPinRoot(Path pinRoot) {
        return new LoadOptions(pinRoot, kconfig, core);
    }

    public LoadOptions withKconfig(Kconfig kconfig) {
        return new LoadOptions(pinRoot, kconfig, core);
    }

    public LoadOptions withCore(CoreRelocator core) {
        return new LoadOptions(pinRoot, kconfig, core);
    }

    /** The configuration to use: the one given, else the running kernel's (read only when needed). */
    Kconfig kconfigOrSystem() {
        return kconfig != null ? kconfig : Kconfig.system();
    }
}
