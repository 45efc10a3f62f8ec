package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.Mounts;
import io.bpfring.bpf.ProgramType;
import io.bpfring.Errno;
import io.bpfring.sys.PerfEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A kprobe or kretprobe ({@code SEC("kprobe/...")}, {@code SEC("kretprobe/...")},
 * {@code SEC("ksyscall/...")}): a {@link ProgramType#KPROBE} program run when the kernel enters
 * a function, or returns from it. It uses the kprobe PMU (Linux 4.17+), then links the program
 * to the perf event. A kernel built without kprobes says so before anything is tried.
 *
 * <pre>{@code
 * Link link = Kprobe.of("do_nanosleep").returning().attach(program);
 * }</pre>
 */
public final class Kprobe {
    private final String function;
    private long offset;
    private boolean returning;
    private long cookie;

    private Kprobe(String function) {
        this.function = function;
    }

    /** A probe on the kernel function {@code function}, as /proc/kallsyms names it. */
    public static Kprobe of(String function) {
        if (function.isEmpty() || !function.matches("[\\w.]+")) {
            throw new IllegalArgumentException("'" + function + "' is no kernel function name");
        }
        return new Kprobe(function);
    }

    /** A probe from a section's target as libbpf writes it: {@code function} or {@code function+offset}. */
    public static Kprobe parse(String target) {
        int plus = target.indexOf('+');
        if (plus < 0) {
            return of(target);
        }
        try {
            return of(target.substring(0, plus)).plus(Long.decode(target.substring(plus + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("kprobe target '" + target + "': bad offset", e);
        }
    }

    /**
     * A probe on the entry of system call {@code name} (such as {@code getpgid}): the kernel
     * function behind it has an architecture's prefix ({@code __x64_sys_getpgid}) where the
     * kernel wraps its system calls, as /proc/kallsyms shows.
     */
    public static Kprobe syscall(String name) {
        String wrapped = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "__x64_sys_" + name;
            case "aarch64" -> "__arm64_sys_" + name;
            case "riscv64" -> "__riscv_sys_" + name;
            case "s390x" -> "__s390x_sys_" + name;
            default -> null;
        };
        return of(wrapped != null && !kallsymsLacks(wrapped) ? wrapped : "sys_" + name);
    }

    /** Probes {@code bytes} past the function's start. */
    public Kprobe plus(long bytes) {
        offset += bytes;
        return this;
    }

    /** Makes it a kretprobe: the program runs when the function returns. */
    public Kprobe returning() {
        returning = true;
        return this;
    }

    /** What {@code bpf_get_attach_cookie()} returns in the program. */
    public Kprobe cookie(long cookie) {
        this.cookie = cookie;
        return this;
    }

    /**
     * Attaches {@code program}.
     *
     * @throws AttachException when the kernel has no kprobes, no such function, or refuses
     */
    public Link attach(BpfProgram program) {
        String what = toString();
        Bpf.requireType(program, what, ProgramType.KPROBE);
        ProbePmu pmu = ProbePmu.find("kprobe")
                .orElseThrow(() -> new AttachException("attach " + Bpf.describe(program) + " to " + what,
                        Errno.EOPNOTSUPP, whyNoPmu()));
        int perfFd;
        try (Arena arena = Arena.ofConfined()) {
            long name = arena.allocateFrom(function).address();
            perfFd = PerfLink.open(program, attr -> {
                PerfEvent.Attr.TYPE.set(attr, pmu.type());
                PerfEvent.Attr.CONFIG.set(attr, pmu.config(returning));
                PerfEvent.Attr.CONFIG1.set(attr, name);
                PerfEvent.Attr.CONFIG2.set(attr, offset);
            }, -1, 0, what, errno -> switch (errno) {
                case Errno.ENOENT -> "the kernel has no function " + function + " to probe (see /proc/kallsyms;"
                        + " it may be inlined, or static with another name)";
                case Errno.EINVAL -> function + (offset != 0 ? "+" + offset : "") + " cannot be probed: the"
                        + " function is marked notrace or nokprobe, or the offset is not at an instruction";
                default -> null;
            });
        }
        return PerfLink.attach(program, perfFd, cookie, what);
    }

    /** Why there is no kprobe PMU, as precisely as the kernel's files tell. */
    private static String whyNoPmu() {
        String instead = "; trace with a tracepoint, a raw tracepoint or fentry instead";
        if (Files.exists(Mounts.tracefs().resolve("kprobe_events"))) {
            return "this kernel has kprobes but no kprobe PMU (Linux 4.17+), and bpfring makes no legacy kprobes"
                    + " through tracefs kprobe_events" + instead;
        }
        String config = kernelConfig();
        String option = config.isEmpty() ? "CONFIG_KPROBES or CONFIG_KPROBE_EVENTS"
                : !config.contains("\nCONFIG_KPROBES=y") ? "CONFIG_KPROBES" : "CONFIG_KPROBE_EVENTS";
        return "kprobes are not built into this kernel (" + option + " is off): "
                + ProbePmu.DEVICES.resolve("kprobe") + " is absent" + instead;
    }

    /** The running kernel's build configuration from /proc/config.gz, or "" where it is not readable. */
    private static String kernelConfig() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(Path.of("/proc/config.gz"))), StandardCharsets.UTF_8))) {
            StringBuilder text = new StringBuilder("\n");
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                text.append(line).append('\n');
            }
            return text.toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** Whether /proc/kallsyms is readable and has no symbol {@code name}. */
    private static boolean kallsymsLacks(String name) {
        try (var lines = Files.lines(Path.of("/proc/kallsyms"))) {
            return lines.noneMatch(line -> line.endsWith(" " + name) || line.contains(" " + name + "\t"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    /** What it probes, e.g. {@code kretprobe do_nanosleep+4}. */
    @Override
    public String toString() {
        return (returning ? "kretprobe " : "kprobe ") + function + (offset != 0 ? "+" + offset : "");
    }
}
