package io.bpfring.sys;

import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static io.bpfring.sys.Layouts.bytes;
import static io.bpfring.sys.Layouts.handle;
import static io.bpfring.sys.Layouts.offset;
import static io.bpfring.sys.Layouts.s32;
import static io.bpfring.sys.Layouts.s64;
import static io.bpfring.sys.Layouts.struct;
import static io.bpfring.sys.Layouts.u16;
import static io.bpfring.sys.Layouts.u32;
import static io.bpfring.sys.Layouts.u64;
import static io.bpfring.sys.Layouts.union;

/**
 * The structs of perf_event_open(2) and its mmap ring, as in include/uapi/linux/perf_event.h of
 * Linux 6.18: {@code struct perf_event_attr}, {@code perf_event_mmap_page},
 * {@code perf_event_header}, and the two record bodies the perf buffer reads.
 */
public final class PerfEvent {
    private PerfEvent() {
    }

    /**
     * {@code struct perf_event_attr} ({@code PERF_ATTR_SIZE_VER8}, 136 bytes). Its bitfields
     * ({@code disabled:1} ... {@code sigtrap:1}, then reserved bits) share one u64, declared here
     * as {@code flags}, with each bit a named mask below.
     *
     * <p>The kernel refuses a larger attribute whose bytes past its own end are not zero, so the
     * 6.18 size does for older kernels as long as the fields they lack stay zero.
     */
    public static final class Attr {
        public static final StructLayout LAYOUT = struct(
                u32("type"), // major type: hardware/software/tracepoint/etc.
                u32("size"), // size of the attr structure, for fwd/bwd compat
                u64("config"), // type-specific configuration information
                union(u64("sample_period"), u64("sample_freq")),
                u64("sample_type"),
                u64("read_format"),
                u64("flags"), // the bitfields, masks below
                union(u32("wakeup_events"), u32("wakeup_watermark")), // wake up every n events, or bytes before wakeup
                u32("bp_type"),
                union(u64("bp_addr"), u64("kprobe_func"), u64("uprobe_path"), u64("config1")),
                union(u64("bp_len"), u64("kprobe_addr"), u64("probe_offset"), u64("config2")),
                u64("branch_sample_type"), // enum perf_branch_sample_type
                u64("sample_regs_user"),
                u32("sample_stack_user"),
                s32("clockid"),
                u64("sample_regs_intr"),
                u32("aux_watermark"),
                u16("sample_max_stack"),
                u16("__reserved_2"),
                u32("aux_sample_size"),
                u32("aux_action"), // in a union with the bitfields aux_start_paused:1, aux_pause:1, aux_resume:1
                u64("sig_data"),
                u64("config3")); // extension of config2
        public static final VarHandle TYPE = handle(LAYOUT, "type");
        public static final VarHandle SIZE = handle(LAYOUT, "size");
        public static final VarHandle CONFIG = handle(LAYOUT, "config");
        public static final VarHandle SAMPLE_PERIOD = handle(LAYOUT, "sample_period");
        public static final VarHandle SAMPLE_TYPE = handle(LAYOUT, "sample_type");
        public static final VarHandle READ_FORMAT = handle(LAYOUT, "read_format");
        public static final VarHandle FLAGS = handle(LAYOUT, "flags");
        public static final VarHandle WAKEUP_EVENTS = handle(LAYOUT, "wakeup_events");
        public static final VarHandle WAKEUP_WATERMARK = handle(LAYOUT, "wakeup_watermark");
        public static final VarHandle CONFIG1 = handle(LAYOUT, "config1");
        public static final VarHandle CONFIG2 = handle(LAYOUT, "config2");

        /** {@code flags} bits, in declaration order from bit 0. */
        public static final long DISABLED = 1L << 0; // off by default
        public static final long INHERIT = 1L << 1; // children inherit it
        public static final long PINNED = 1L << 2; // must always be on PMU
        public static final long EXCLUSIVE = 1L << 3; // only group on PMU
        public static final long EXCLUDE_USER = 1L << 4; // don't count user
        public static final long EXCLUDE_KERNEL = 1L << 5; // ditto kernel
        public static final long EXCLUDE_HV = 1L << 6; // ditto hypervisor
        public static final long EXCLUDE_IDLE = 1L << 7; // don't count when idle
        public static final long MMAP = 1L << 8; // include mmap data
        public static final long COMM = 1L << 9; // include comm data
        public static final long FREQ = 1L << 10; // use freq, not period
        public static final long INHERIT_STAT = 1L << 11; // per task counts
        public static final long ENABLE_ON_EXEC = 1L << 12; // next exec enables
        public static final long TASK = 1L << 13; // trace fork/exit
        public static final long WATERMARK = 1L << 14; // wakeup_watermark, not wakeup_events
        /** {@code precise_ip:2}: skid constraint, 0 to 3. */
        public static final int PRECISE_IP_SHIFT = 15;
        public static final long PRECISE_IP_MASK = 3L << PRECISE_IP_SHIFT;
        public static final long MMAP_DATA = 1L << 17; // non-exec mmap data
        public static final long SAMPLE_ID_ALL = 1L << 18; // sample_type all events
        public static final long EXCLUDE_HOST = 1L << 19; // don't count in host
        public static final long EXCLUDE_GUEST = 1L << 20; // don't count in guest
        public static final long EXCLUDE_CALLCHAIN_KERNEL = 1L << 21; // exclude kernel callchains
        public static final long EXCLUDE_CALLCHAIN_USER = 1L << 22; // exclude user callchains
        public static final long MMAP2 = 1L << 23; // include mmap with inode data
        public static final long COMM_EXEC = 1L << 24; // flag comm events that are due to an exec
        public static final long USE_CLOCKID = 1L << 25; // use @clockid for time fields
        public static final long CONTEXT_SWITCH = 1L << 26; // context switch data
        public static final long WRITE_BACKWARD = 1L << 27; // write ring buffer from end to beginning
        public static final long NAMESPACES = 1L << 28; // include namespaces data
        public static final long KSYMBOL = 1L << 29; // include ksymbol events
        public static final long BPF_EVENT = 1L << 30; // include BPF events
        public static final long AUX_OUTPUT = 1L << 31; // generate AUX records instead of events
        public static final long CGROUP = 1L << 32; // include cgroup events
        public static final long TEXT_POKE = 1L << 33; // include text poke events
        public static final long BUILD_ID = 1L << 34; // use build id in mmap2 events
        public static final long INHERIT_THREAD = 1L << 35; // children only inherit if cloned with CLONE_THREAD
        public static final long REMOVE_ON_EXEC = 1L << 36; // event is removed from task on exec
        public static final long SIGTRAP = 1L << 37; // send synchronous SIGTRAP on event
        /** {@code aux_action} bits. */
        public static final int AUX_START_PAUSED = 1 << 0; // start AUX area tracing paused
        public static final int AUX_PAUSE = 1 << 1; // on overflow, pause AUX area tracing
        public static final int AUX_RESUME = 1 << 2; // on overflow, resume AUX area tracing

        private Attr() {
        }
    }

    /**
     * {@code struct perf_event_mmap_page}: the first page of a perf event's mapping. The data area
     * follows at {@code data_offset}, {@code data_size} bytes; the kernel moves {@code data_head}
     * (read it with acquire) and the reader {@code data_tail} (write it with release).
     */
    public static final class MmapPage {
        public static final StructLayout LAYOUT = struct(
                u32("version"),
                u32("compat_version"),
                u32("lock"), // seqlock for synchronization
                u32("index"), // hardware event identifier
                s64("offset"), // add to hardware event value
                u64("time_enabled"),
                u64("time_running"),
                u64("capabilities"), // in a union with the bitfields cap_bit0:1 ... cap_____res:58
                u16("pmc_width"),
                u16("time_shift"),
                u32("time_mult"),
                u64("time_offset"),
                u64("time_zero"),
                u32("size"), // header size
                u32("__reserved_1"),
                u64("time_cycles"),
                u64("time_mask"),
                bytes("__reserved", 116 * 8), // hole for extension; aligns data_head to 1 KiB
                u64("data_head"),
                u64("data_tail"),
                u64("data_offset"),
                u64("data_size"),
                u64("aux_head"),
                u64("aux_tail"),
                u64("aux_offset"),
                u64("aux_size"));
        public static final long DATA_HEAD = offset(LAYOUT, "data_head");
        public static final long DATA_TAIL = offset(LAYOUT, "data_tail");
        public static final long DATA_OFFSET = offset(LAYOUT, "data_offset");
        public static final long DATA_SIZE = offset(LAYOUT, "data_size");

        private MmapPage() {
        }
    }

    /** {@code PERF_RECORD_LOST} and {@code PERF_RECORD_SAMPLE} of {@code enum perf_event_type}. */
    public static final int RECORD_LOST = 2;
    public static final int RECORD_SAMPLE = 9;

    /** {@code struct perf_event_header}: the start of every record in the ring. */
    public static final class Header {
        public static final StructLayout LAYOUT = struct(
                u32("type"), // PERF_RECORD_*
                u16("misc"),
                u16("size")); // of the whole record, header included
        public static final long TYPE = offset(LAYOUT, "type");
        public static final long MISC = offset(LAYOUT, "misc");
        public static final long SIZE = offset(LAYOUT, "size");

        private Header() {
        }
    }

    /**
     * A {@code PERF_RECORD_SAMPLE} of an event whose {@code sample_type} is {@code PERF_SAMPLE_RAW}
     * alone, as the comment on {@code enum perf_event_type} lays it out: the header, {@code u32 size},
     * then {@code size} raw bytes (and padding to 8 bytes).
     */
    public static final class RawSample {
        public static final StructLayout LAYOUT = struct(
                Header.LAYOUT.withName("header"),
                u32("size"));
        public static final long SIZE = offset(LAYOUT, "size");
        /** Where the raw bytes start. */
        public static final long DATA = LAYOUT.byteSize();

        private RawSample() {
        }
    }

    /** A {@code PERF_RECORD_LOST}, as the comment on {@code enum perf_event_type} lays it out. */
    public static final class Lost {
        public static final StructLayout LAYOUT = struct(
                Header.LAYOUT.withName("header"),
                u64("id"),
                u64("lost")); // then the sample_id fields when sample_id_all is set
        public static final long ID = offset(LAYOUT, "id");
        public static final long LOST = offset(LAYOUT, "lost");

        private Lost() {
        }
    }
}
