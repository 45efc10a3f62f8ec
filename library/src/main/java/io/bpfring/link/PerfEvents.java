package io.bpfring.link;

import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.Cpus;
import io.bpfring.bpf.ProgramType;
import io.bpfring.Errno;
import io.bpfring.sys.PerfEvent;
import io.bpfring.sys.Sys;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Perf events ({@code SEC("perf_event")}): a {@link ProgramType#PERF_EVENT} program run on
 * every sample of a counting event, such as a timer for a profiler. The event is opened on
 * every online CPU, each one linked to the program; the one {@link Link} holds them all.
 *
 * <pre>{@code
 * Link link = PerfEvents.attach(program, PerfEvents.Software.CPU_CLOCK, PerfEvents.Sampling.hz(99));
 * }</pre>
 */
public final class PerfEvents {
    /** {@code enum perf_type_id}. */
    public static final int TYPE_HARDWARE = 0;
    public static final int TYPE_SOFTWARE = 1;

    /** {@code enum perf_sw_ids}: events the kernel counts itself, present on every machine. */
    public enum Software {
        CPU_CLOCK, TASK_CLOCK, PAGE_FAULTS, CONTEXT_SWITCHES, CPU_MIGRATIONS, PAGE_FAULTS_MIN, PAGE_FAULTS_MAJ,
        ALIGNMENT_FAULTS, EMULATION_FAULTS, DUMMY, BPF_OUTPUT, CGROUP_SWITCHES
    }

    /** {@code enum perf_hw_id}: the CPU's counters, which a virtual machine may not have. */
    public enum Hardware {
        CPU_CYCLES, INSTRUCTIONS, CACHE_REFERENCES, CACHE_MISSES, BRANCH_INSTRUCTIONS, BRANCH_MISSES, BUS_CYCLES,
        STALLED_CYCLES_FRONTEND, STALLED_CYCLES_BACKEND, REF_CPU_CYCLES
    }

    /** How often the program runs: {@link #hz} times a second, or once {@link #every} so many events. */
    public record Sampling(long value, boolean frequency) {
        public Sampling {
            if (value <= 0) {
                throw new IllegalArgumentException("a sampling " + (frequency ? "frequency" : "period")
                        + " must be positive, not " + value);
            }
        }

        public static Sampling hz(long frequency) {
            return new Sampling(frequency, true);
        }

        public static Sampling every(long events) {
            return new Sampling(events, false);
        }

        @Override
        public String toString() {
            return frequency ? value + " Hz" : "every " + value + " events";
        }
    }

    private PerfEvents() {
    }

    /** Attaches {@code program} to the software event {@code event} on every online CPU. */
    public static Link attach(BpfProgram program, Software event, Sampling sampling) {
        return attach(program, TYPE_SOFTWARE, event.ordinal(), sampling,
                "software event " + event.name().toLowerCase());
    }

    /** Attaches {@code program} to the hardware event {@code event} on every online CPU. */
    public static Link attach(BpfProgram program, Hardware event, Sampling sampling) {
        return attach(program, TYPE_HARDWARE, event.ordinal(), sampling,
                "hardware event " + event.name().toLowerCase());
    }

    /**
     * Attaches {@code program} to the event of perf {@code type} and {@code config} on every
     * online CPU: any event perf_event_open(2) knows, such as a PMU's from
     * {@code /sys/bus/event_source/devices/<pmu>/type}.
     */
    public static Link attach(BpfProgram program, int type, long config, Sampling sampling) {
        return attach(program, type, config, sampling, "perf event type " + type + " config " + config);
    }

    private static Link attach(BpfProgram program, int type, long config, Sampling sampling, String event) {
        String what = event + " at " + sampling + " on every CPU";
        Bpf.requireType(program, what, ProgramType.PERF_EVENT);
        BitSet online = Cpus.online();
        List<Integer> fds = new ArrayList<>(); // each CPU's link, then its event
        try {
            for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
                String onCpu = event + " at " + sampling + " on CPU " + cpu;
                int perfFd;
                try {
                    perfFd = PerfLink.open(program, attr -> {
                        PerfEvent.Attr.TYPE.set(attr, type);
                        PerfEvent.Attr.CONFIG.set(attr, config);
                        PerfEvent.Attr.SAMPLE_PERIOD.set(attr, sampling.value()); // sample_freq with FREQ
                        PerfEvent.Attr.FLAGS.set(attr, sampling.frequency() ? PerfEvent.Attr.FREQ : 0L);
                    }, -1, cpu, onCpu, errno -> advice(errno, type));
                } catch (AttachException e) {
                    if (e.errno() == Errno.ENODEV) {
                        continue; // went offline since the list was read
                    }
                    throw e;
                }
                fds.add(PerfLink.link(program, perfFd, 0, onCpu));
                fds.add(perfFd);
            }
        } catch (RuntimeException e) {
            fds.forEach(Sys::close);
            throw e;
        }
        if (fds.isEmpty()) {
            throw new AttachException("attach " + Bpf.describe(program) + " to " + what, Errno.ENODEV,
                    "no CPU is online");
        }
        int[] held = fds.stream().mapToInt(Integer::intValue).toArray();
        return fds.size() == 2 ? new Link(program.name(), what, held[0], held[1])
                : new Link(program.name(), what, -1, held);
    }

    private static String advice(int errno, int type) {
        return switch (errno) {
            case Errno.ENOENT, Errno.EOPNOTSUPP -> type == TYPE_HARDWARE
                    ? "this CPU (or virtual machine) does not count that hardware event; sample a software event"
                    + " such as CPU_CLOCK instead"
                    : "the kernel has no such event";
            case Errno.EINVAL -> "the kernel refused the event: a sampling frequency above"
                    + " /proc/sys/kernel/perf_event_max_sample_rate, or an unknown type or config";
            default -> null;
        };
    }
}
