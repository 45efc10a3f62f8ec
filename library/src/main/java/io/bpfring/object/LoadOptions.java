package io.bpfring.object;

import io.bpfring.bpf.Mounts;
import io.bpfring.btf.TargetBtf;

import java.nio.file.Path;

/**
 * How an object is loaded.
 *
 * @param pinRoot where maps with {@code LIBBPF_PIN_BY_NAME} are pinned and looked for (libbpf's
 *                {@code pin_root_path}); {@code /sys/fs/bpf} by default
 * @param kconfig what {@code __kconfig} externs are filled from
 * @param coreTarget the types CO-RE relocates against; null for the running kernel's
 */
public record LoadOptions(Path pinRoot, Kconfig kconfig, TargetBtf coreTarget) {
    public static LoadOptions defaults() {
        return new LoadOptions(Mounts.BPFFS, null, null);
    }

    public LoadOptions withPinRoot(Path pinRoot) {
        return new LoadOptions(pinRoot, kconfig, coreTarget);
    }

    public LoadOptions withKconfig(Kconfig kconfig) {
        return new LoadOptions(pinRoot, kconfig, coreTarget);
    }

    /** CO-RE against other types than the running kernel's, as libbpf's {@code btf_custom_path}. */
    public LoadOptions withCoreTarget(TargetBtf coreTarget) {
        return new LoadOptions(pinRoot, kconfig, coreTarget);
    }

    /** The configuration to use: the one given, else the running kernel's (read only when needed). */
    Kconfig kconfigOrSystem() {
        return kconfig != null ? kconfig : Kconfig.system();
    }
}
