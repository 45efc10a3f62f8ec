package io.bpfring.object;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * What {@code __kconfig} externs are filled from: the kernel's build configuration
 * ({@code CONFIG_FOO=y} lines) and version. {@link #system()} reads the running kernel's as libbpf
 * does: {@code /boot/config-$(uname -r)}, else {@code /proc/config.gz}; the version from Ubuntu's
 * {@code /proc/version_signature}, Debian's {@code uname -v}, else {@code uname -r}.
 */
public final class Kconfig {
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)");
    private static volatile Kconfig system;

    private final Supplier<Map<String, String>> source;
    private final int kernelVersion;
    private volatile Map<String, String> values;

    private Kconfig(Supplier<Map<String, String>> source, int kernelVersion) {
        this.source = source;
        this.kernelVersion = kernelVersion;
    }

    /** The running kernel's configuration, read once. */
    public static Kconfig system() {
        Kconfig k = system;
        if (k == null) {
            k = readSystem();
            system = k;
        }
        return k;
    }

    /** A configuration given as text ({@code CONFIG_X=value} lines) and a version from {@link #version}. */
    public static Kconfig of(String config, int kernelVersion) {
        Map<String, String> values = parse(new BufferedReader(new java.io.StringReader(config)));
        return new Kconfig(() -> values, kernelVersion);
    }

    /** {@code KERNEL_VERSION(major, minor, patch)}, the patch capped at 255 as the kernel caps it. */
    public static int version(int major, int minor, int patch) {
        return (major << 16) + (minor << 8) + Math.min(patch, 255);
    }

    /** The value of option {@code name} as written after the {@code =}; empty when it is not set. */
    public Optional<String> value(String name) {
        Map<String, String> v = values;
        if (v == null) {
            v = source.get();
            values = v;
        }
        return Optional.ofNullable(v.get(name));
    }

    /** {@code LINUX_KERNEL_VERSION}. */
    public int kernelVersion() {
        return kernelVersion;
    }

    /**
     * libbpf's {@code LINUX_HAS_SYSCALL_WRAPPER}: whether system calls enter through
     * {@code __<arch>_sys_*} wrappers. libbpf finds out by opening a kprobe on one, so a kernel
     * without kprobes says no.
     */
    boolean hasSyscallWrapper() {
        return Files.exists(Path.of("/sys/bus/event_source/devices/kprobe/type"))
                && value("CONFIG_ARCH_HAS_SYSCALL_WRAPPER").filter("y"::equals).isPresent();
    }

    /** The running kernel's: the version now, the configuration when a value is first asked for. */
    private static Kconfig readSystem() {
        String release = read(Path.of("/proc/sys/kernel/osrelease")).strip();
        return new Kconfig(() -> readConfig(release), runningVersion(release));
    }

    private static Map<String, String> readConfig(String release) {
        Map<String, String> values = Map.of();
        Path boot = Path.of("/boot/config-" + release);
        Path proc = Path.of("/proc/config.gz");
        try {
            if (Files.isReadable(boot)) {
                values = parse(Files.newBufferedReader(boot, StandardCharsets.UTF_8));
            } else if (Files.isReadable(proc)) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(proc))) {
                    values = parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel configuration", e);
        }
        return values;
    }

    private static int runningVersion(String release) {
        Path ubuntu = Path.of("/proc/version_signature");
        if (Files.isReadable(ubuntu)) {
            String[] fields = read(ubuntu).strip().split("\\s+");
            Matcher m = fields.length >= 3 ? VERSION.matcher(fields[2]) : null;
            if (m != null && m.lookingAt()) {
                return version(m);
            }
        }
        String uname = read(Path.of("/proc/sys/kernel/version"));
        int debian = uname.indexOf("Debian ");
        if (debian >= 0) {
            Matcher m = VERSION.matcher(uname.substring(debian + 7));
            if (m.lookingAt()) {
                return version(m);
            }
        }
        Matcher m = VERSION.matcher(release);
        if (!m.lookingAt()) {
            throw new ObjectException("cannot tell the kernel version from its release '" + release + "'");
        }
        return version(m);
    }

    private static int version(Matcher m) {
        return version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    private static Map<String, String> parse(BufferedReader reader) {
        Map<String, String> values = new HashMap<>();
        try (reader) {
            for (String line; (line = reader.readLine()) != null; ) {
                int eq = line.indexOf('=');
                if (line.startsWith("CONFIG_") && eq > 0 && eq < line.length() - 1) {
                    values.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the kernel configuration", e);
        }
        return Map.copyOf(values);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
