package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.elf.ElfBinary;
import io.bpfring.ElfException;
import io.bpfring.Errno;
import io.bpfring.sys.PerfEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A uprobe or uretprobe ({@code SEC("uprobe/...")}, {@code SEC("uretprobe/...")}): a
 * {@link ProgramType#KPROBE} program run when a process executes a function of a binary or
 * shared library, or returns from it. The kernel takes the file and an offset in it; this class
 * finds both from a name such as {@code libc.so.6} and a function such as {@code getpid}. It uses
 * the uprobe PMU (Linux 4.17+), then links the program to the perf event.
 *
 * <pre>{@code
 * Link link = Uprobe.of("libc.so.6", "getpid").returning().pid(pid).attach(program);
 * }</pre>
 */
public final class Uprobe {
    private static final List<String> LIBRARY_DIRS = List.of("/lib64", "/usr/lib64", "/lib", "/usr/lib");

    private final String binary;
    private final String function;
    private long offset;
    private boolean returning;
    private int pid = -1;
    private long cookie;

    private Uprobe(String binary, String function, long offset) {
        this.binary = binary;
        this.function = function;
        this.offset = offset;
    }

    /**
     * A probe on {@code function} of {@code binary}: a path, or a file name such as
     * {@code libc.so.6} that is looked up in what the traced process maps, then in the library
     * directories (for a name with {@code .so}) or {@code PATH}.
     */
    public static Uprobe of(String binary, String function) {
        if (function.isEmpty() || function.contains("@")) {
            throw new IllegalArgumentException("uprobe on " + binary + ": '" + function + "' is no function name"
                    + (function.contains("@") ? " (symbol versions are not supported: name it without @...)" : ""));
        }
        return new Uprobe(binary, function, 0);
    }

    /** A probe at byte {@code offset} of {@code binary}'s file. */
    public static Uprobe at(String binary, long offset) {
        return new Uprobe(binary, null, offset);
    }

    /**
     * A probe from a section's target as libbpf writes it: {@code binary:function},
     * {@code binary:function+offset} or {@code binary:offset}, e.g. {@code libc.so.6:getpid}.
     */
    public static Uprobe parse(String target) {
        int colon = target.indexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IllegalArgumentException("uprobe target '" + target + "' is not binary:function[+offset]"
                    + " or binary:offset");
        }
        String binary = target.substring(0, colon);
        String spec = target.substring(colon + 1);
        try {
            if (Character.isDigit(spec.charAt(0))) {
                return at(binary, Long.decode(spec));
            }
            int plus = spec.indexOf('+');
            return plus < 0 ? of(binary, spec)
                    : of(binary, spec.substring(0, plus)).plus(Long.decode(spec.substring(plus + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("uprobe target '" + target + "': bad offset in '" + spec + "'", e);
        }
    }

    /** Probes {@code bytes} past the function's start. */
    public Uprobe plus(long bytes) {
        offset += bytes;
        return this;
    }

    /** Makes it a uretprobe: the program runs when the function returns, and sees its return value. */
    public Uprobe returning() {
        returning = true;
        return this;
    }

    /** Fires in process {@code pid} only (by default: in every process that runs the code). */
    public Uprobe pid(int pid) {
        this.pid = pid;
        return this;
    }

    /** What {@code bpf_get_attach_cookie()} returns in the program. */
    public Uprobe cookie(long cookie) {
        this.cookie = cookie;
        return this;
    }

    /**
     * Attaches {@code program}.
     *
     * @throws IllegalArgumentException when the binary or the function cannot be found
     * @throws AttachException          when the kernel refuses, or has no uprobes
     */
    public Link attach(BpfProgram program) {
        Path path = resolve(binary, pid);
        long fileOffset = fileOffset(path);
        String what = (returning ? "uretprobe " : "uprobe ") + path + ":" + (function != null ? function
                + (offset != 0 ? "+" + offset : "") + " (offset 0x" + Long.toHexString(fileOffset) + ")"
                : "0x" + Long.toHexString(fileOffset)) + (pid >= 0 ? " in pid " + pid : "");
        Bpf.requireType(program, what, ProgramType.KPROBE);
        ProbePmu pmu = ProbePmu.find("uprobe").orElseThrow(() -> new AttachException(
                "attach " + Bpf.describe(program) + " to " + what, Errno.EOPNOTSUPP,
                "uprobes are not built into this kernel (CONFIG_UPROBE_EVENTS is off, or the kernel predates the"
                        + " uprobe PMU of Linux 4.17): " + ProbePmu.DEVICES.resolve("uprobe") + " is absent"));
        int perfFd;
        try (Arena arena = Arena.ofConfined()) {
            long pathAddress = arena.allocateFrom(path.toString()).address();
            perfFd = PerfLink.open(program, attr -> {
                PerfEvent.Attr.TYPE.set(attr, pmu.type());
                PerfEvent.Attr.CONFIG.set(attr, pmu.config(returning));
                PerfEvent.Attr.CONFIG1.set(attr, pathAddress);
                PerfEvent.Attr.CONFIG2.set(attr, fileOffset);
            }, pid, pid < 0 ? 0 : -1, what, errno -> switch (errno) {
                case Errno.ENOENT -> "the kernel cannot open " + path;
                case Errno.EINVAL -> "the kernel refused the probe: offset 0x" + Long.toHexString(fileOffset)
                        + " must lie in the file's code (the binary may have changed since its symbols were read)";
                default -> null;
            });
        }
        return PerfLink.attach(program, perfFd, cookie, what);
    }

    private long fileOffset(Path path) {
        if (function == null) {
            return offset;
        }
        try {
            return ElfBinary.read(path).functionOffset(function) + offset;
        } catch (ElfException e) {
            throw new IllegalArgumentException("uprobe on " + function + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " for the uprobe on " + function, e);
        }
    }

    /**
     * The file a uprobe on {@code binary} goes into: a path as it is; a file name as process
     * {@code pid} (-1: this one) maps it, else from the library directories for a name with
     * {@code .so}, else from {@code PATH}.
     */
    static Path resolve(String binary, int pid) {
        if (binary.contains("/")) {
            Path path = Path.of(binary);
            if (!Files.isRegularFile(path)) {
                throw new IllegalArgumentException("uprobe target " + binary + " is not a file");
            }
            return path;
        }
        Path mapped = mapped(binary, pid);
        if (mapped != null) {
            return mapped;
        }
        List<String> dirs = new ArrayList<>();
        String searchPath = System.getenv(binary.contains(".so") ? "LD_LIBRARY_PATH" : "PATH");
        if (searchPath != null) {
            dirs.addAll(List.of(searchPath.split(":")));
        }
        if (binary.contains(".so")) {
            String triplet = System.getProperty("os.arch").replace("amd64", "x86_64") + "-linux-gnu";
            dirs.addAll(List.of("/lib/" + triplet, "/usr/lib/" + triplet));
            dirs.addAll(LIBRARY_DIRS);
        }
        for (String dir : dirs) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, binary);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalArgumentException("cannot find " + binary + " for a uprobe: "
                + (pid < 0 ? "this process does" : "process " + pid + " does") + " not map it, and it is in none of "
                + dirs + "; give its path");
    }

    /** The path of the file named {@code name} that {@code /proc/<pid>/maps} lists as code, or null. */
    private static Path mapped(String name, int pid) {
        Path maps = Path.of("/proc", pid < 0 ? "self" : Integer.toString(pid), "maps");
        try {
            for (String line : Files.readAllLines(maps)) {
                String[] fields = line.split("\\s+", 6);
                // Executable mappings only: a reader may map any file of that name as data.
                if (fields.length == 6 && fields[1].contains("x") && fields[5].endsWith("/" + name)) {
                    return Path.of(fields[5]);
                }
            }
            return null;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no process " + pid + " to probe: " + maps + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + maps, e);
        }
    }

    /** What it probes, before the binary is found, e.g. {@code uretprobe libc.so.6:getpid}. */
    @Override
    public String toString() {
        return (returning ? "uretprobe " : "uprobe ") + binary + ":" + (function != null
                ? function + (offset != 0 ? "+" + offset : "") : "0x" + Long.toHexString(offset))
                + (pid >= 0 ? " in pid " + pid : "");
    }
}
