package io.bpfring.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.invoke.VarHandle;

import static io.bpfring.sys.Layouts.bytes;
import static io.bpfring.sys.Layouts.bytesField;
import static io.bpfring.sys.Layouts.elementHandle;
import static io.bpfring.sys.Layouts.handle;
import static io.bpfring.sys.Layouts.s16;
import static io.bpfring.sys.Layouts.s32;
import static io.bpfring.sys.Layouts.struct;
import static io.bpfring.sys.Layouts.u32;
import static io.bpfring.sys.Layouts.u64;
import static io.bpfring.sys.Layouts.u8;
import static io.bpfring.sys.Layouts.union;

/**
 * {@code union bpf_attr}, the argument of bpf(2), one nested class per command family, with the
 * records its commands point at ({@code struct bpf_insn}, {@code bpf_func_info},
 * {@code bpf_line_info}). As in include/uapi/linux/bpf.h of Linux 6.18; fields are named as
 * there, handles in upper case ({@code log_buf} is {@code LOG_BUF}).
 *
 * <p>The kernel reads {@code min(size, its own sizeof)} bytes and refuses a larger attribute
 * whose bytes past its own end are not zero, so {@link #allocate} (zeroed, the 6.18 size) is
 * right for older kernels too as long as the fields they lack stay zero.
 *
 * <p>Pointers are {@code __aligned_u64} fields: pass {@link MemorySegment#address()}.
 */
public final class BpfAttr {
    private BpfAttr() {
    }

    /** {@code BPF_MAP_CREATE}. */
    public static final class MapCreate {
        public static final StructLayout LAYOUT = struct(
                u32("map_type"), // enum bpf_map_type
                u32("key_size"),
                u32("value_size"),
                u32("max_entries"),
                u32("map_flags"),
                u32("inner_map_fd"),
                u32("numa_node"),
                bytes("map_name", 16),
                u32("map_ifindex"),
                u32("btf_fd"),
                u32("btf_key_type_id"),
                u32("btf_value_type_id"),
                u32("btf_vmlinux_value_type_id"),
                u64("map_extra"),
                s32("value_type_btf_obj_fd"),
                s32("map_token_fd"),
                u64("excl_prog_hash"),
                u32("excl_prog_hash_size"));
        public static final VarHandle MAP_TYPE = handle(LAYOUT, "map_type");
        public static final VarHandle KEY_SIZE = handle(LAYOUT, "key_size");
        public static final VarHandle VALUE_SIZE = handle(LAYOUT, "value_size");
        public static final VarHandle MAX_ENTRIES = handle(LAYOUT, "max_entries");
        public static final VarHandle MAP_FLAGS = handle(LAYOUT, "map_flags");
        public static final VarHandle INNER_MAP_FD = handle(LAYOUT, "inner_map_fd");
        public static final VarHandle NUMA_NODE = handle(LAYOUT, "numa_node");
        public static final Layouts.Bytes MAP_NAME = bytesField(LAYOUT, "map_name");
        public static final VarHandle BTF_FD = handle(LAYOUT, "btf_fd");
        public static final VarHandle BTF_KEY_TYPE_ID = handle(LAYOUT, "btf_key_type_id");
        public static final VarHandle BTF_VALUE_TYPE_ID = handle(LAYOUT, "btf_value_type_id");
        public static final VarHandle MAP_EXTRA = handle(LAYOUT, "map_extra");

        private MapCreate() {
        }
    }

    /**
     * {@code BPF_MAP_LOOKUP_ELEM}, {@code BPF_MAP_UPDATE_ELEM}, {@code BPF_MAP_DELETE_ELEM},
     * {@code BPF_MAP_LOOKUP_AND_DELETE_ELEM}, {@code BPF_MAP_GET_NEXT_KEY} ({@code next_key} shares
     * its place with {@code value}) and {@code BPF_MAP_FREEZE} (only {@code map_fd}).
     */
    public static final class MapElem {
        public static final StructLayout LAYOUT = struct(
                u32("map_fd"),
                u64("key"),
                union(u64("value"), u64("next_key")),
                u64("flags"));
        public static final VarHandle MAP_FD = handle(LAYOUT, "map_fd");
        public static final VarHandle KEY = handle(LAYOUT, "key");
        public static final VarHandle VALUE = handle(LAYOUT, "value");
        public static final VarHandle NEXT_KEY = handle(LAYOUT, "next_key");
        public static final VarHandle FLAGS = handle(LAYOUT, "flags");

        private MapElem() {
        }
    }

    /** {@code BPF_PROG_LOAD}. */
    public static final class ProgLoad {
        public static final StructLayout LAYOUT = struct(
                u32("prog_type"), // enum bpf_prog_type
                u32("insn_cnt"),
                u64("insns"),
                u64("license"),
                u32("log_level"), // verbosity of the verifier's log
                u32("log_size"), // size of the user buffer
                u64("log_buf"), // user-supplied buffer
                u32("kern_version"),
                u32("prog_flags"),
                bytes("prog_name", 16),
                u32("prog_ifindex"),
                u32("expected_attach_type"), // enum bpf_attach_type
                u32("prog_btf_fd"),
                u32("func_info_rec_size"),
                u64("func_info"),
                u32("func_info_cnt"),
                u32("line_info_rec_size"),
                u64("line_info"),
                u32("line_info_cnt"),
                u32("attach_btf_id"), // in-kernel BTF type id to attach to
                union(u32("attach_prog_fd"), u32("attach_btf_obj_fd")),
                u32("core_relo_cnt"),
                u64("fd_array"),
                u64("core_relos"),
                u32("core_relo_rec_size"),
                u32("log_true_size"), // output: the log size the whole log needs
                s32("prog_token_fd"),
                u32("fd_array_cnt"),
                u64("signature"),
                u32("signature_size"),
                s32("keyring_id"));
        public static final VarHandle PROG_TYPE = handle(LAYOUT, "prog_type");
        public static final VarHandle INSN_CNT = handle(LAYOUT, "insn_cnt");
        public static final VarHandle INSNS = handle(LAYOUT, "insns");
        public static final VarHandle LICENSE = handle(LAYOUT, "license");
        public static final VarHandle LOG_LEVEL = handle(LAYOUT, "log_level");
        public static final VarHandle LOG_SIZE = handle(LAYOUT, "log_size");
        public static final VarHandle LOG_BUF = handle(LAYOUT, "log_buf");
        public static final VarHandle KERN_VERSION = handle(LAYOUT, "kern_version");
        public static final VarHandle PROG_FLAGS = handle(LAYOUT, "prog_flags");
        public static final Layouts.Bytes PROG_NAME = bytesField(LAYOUT, "prog_name");
        public static final VarHandle EXPECTED_ATTACH_TYPE = handle(LAYOUT, "expected_attach_type");
        public static final VarHandle PROG_BTF_FD = handle(LAYOUT, "prog_btf_fd");
        public static final VarHandle FUNC_INFO_REC_SIZE = handle(LAYOUT, "func_info_rec_size");
        public static final VarHandle FUNC_INFO = handle(LAYOUT, "func_info");
        public static final VarHandle FUNC_INFO_CNT = handle(LAYOUT, "func_info_cnt");
        public static final VarHandle LINE_INFO_REC_SIZE = handle(LAYOUT, "line_info_rec_size");
        public static final VarHandle LINE_INFO = handle(LAYOUT, "line_info");
        public static final VarHandle LINE_INFO_CNT = handle(LAYOUT, "line_info_cnt");
        public static final VarHandle ATTACH_BTF_ID = handle(LAYOUT, "attach_btf_id");
        public static final VarHandle ATTACH_PROG_FD = handle(LAYOUT, "attach_prog_fd");
        public static final VarHandle ATTACH_BTF_OBJ_FD = handle(LAYOUT, "attach_btf_obj_fd");
        public static final VarHandle FD_ARRAY = handle(LAYOUT, "fd_array");
        public static final VarHandle FD_ARRAY_CNT = handle(LAYOUT, "fd_array_cnt");
        public static final VarHandle LOG_TRUE_SIZE = handle(LAYOUT, "log_true_size");

        private ProgLoad() {
        }
    }

    /** {@code BPF_OBJ_PIN} and {@code BPF_OBJ_GET}. */
    public static final class Obj {
        public static final StructLayout LAYOUT = struct(
                u64("pathname"),
                u32("bpf_fd"),
                u32("file_flags"),
                s32("path_fd")); // a dirfd for pathname, with BPF_F_PATH_FD in file_flags
        public static final VarHandle PATHNAME = handle(LAYOUT, "pathname");
        public static final VarHandle BPF_FD = handle(LAYOUT, "bpf_fd");
        public static final VarHandle FILE_FLAGS = handle(LAYOUT, "file_flags");

        private Obj() {
        }
    }

    /** {@code BPF_PROG_ATTACH} and {@code BPF_PROG_DETACH}. */
    public static final class ProgAttach {
        public static final StructLayout LAYOUT = struct(
                union(u32("target_fd"), u32("target_ifindex")),
                u32("attach_bpf_fd"),
                u32("attach_type"),
                u32("attach_flags"),
                u32("replace_bpf_fd"),
                union(u32("relative_fd"), u32("relative_id")),
                u64("expected_revision"));
        public static final VarHandle TARGET_FD = handle(LAYOUT, "target_fd");
        public static final VarHandle ATTACH_BPF_FD = handle(LAYOUT, "attach_bpf_fd");
        public static final VarHandle ATTACH_TYPE = handle(LAYOUT, "attach_type");
        public static final VarHandle ATTACH_FLAGS = handle(LAYOUT, "attach_flags");

        private ProgAttach() {
        }
    }

    /** {@code BPF_PROG_TEST_RUN} (member {@code test}). */
    public static final class TestRun {
        public static final StructLayout LAYOUT = struct(
                u32("prog_fd"),
                u32("retval"),
                u32("data_size_in"), // input: len of data_in
                u32("data_size_out"), // input/output: len of data_out
                u64("data_in"),
                u64("data_out"),
                u32("repeat"),
                u32("duration"),
                u32("ctx_size_in"), // input: len of ctx_in
                u32("ctx_size_out"), // input/output: len of ctx_out
                u64("ctx_in"),
                u64("ctx_out"),
                u32("flags"),
                u32("cpu"),
                u32("batch_size"));
        public static final VarHandle PROG_FD = handle(LAYOUT, "prog_fd");
        public static final VarHandle RETVAL = handle(LAYOUT, "retval");
        public static final VarHandle DATA_SIZE_IN = handle(LAYOUT, "data_size_in");
        public static final VarHandle DATA_IN = handle(LAYOUT, "data_in");
        public static final VarHandle REPEAT = handle(LAYOUT, "repeat");
        public static final VarHandle CTX_SIZE_IN = handle(LAYOUT, "ctx_size_in");
        public static final VarHandle CTX_IN = handle(LAYOUT, "ctx_in");
        public static final VarHandle FLAGS = handle(LAYOUT, "flags");
        public static final VarHandle CPU = handle(LAYOUT, "cpu");
        /** {@code flags}: run on {@code cpu}, not on the calling CPU. */
        public static final int F_TEST_RUN_ON_CPU = 1 << 0;

        private TestRun() {
        }
    }

    /** {@code BPF_OBJ_GET_INFO_BY_FD} (member {@code info}); the info structs are in {@link BpfInfo}. */
    public static final class Info {
        public static final StructLayout LAYOUT = struct(
                u32("bpf_fd"),
                u32("info_len"),
                u64("info"));
        public static final VarHandle BPF_FD = handle(LAYOUT, "bpf_fd");
        public static final VarHandle INFO_LEN = handle(LAYOUT, "info_len");
        public static final VarHandle INFO = handle(LAYOUT, "info");

        private Info() {
        }
    }

    /** {@code BPF_RAW_TRACEPOINT_OPEN} (member {@code raw_tracepoint}). */
    public static final class RawTracepoint {
        public static final StructLayout LAYOUT = struct(
                u64("name"),
                u32("prog_fd"),
                u64("cookie"));
        public static final VarHandle NAME = handle(LAYOUT, "name");
        public static final VarHandle PROG_FD = handle(LAYOUT, "prog_fd");
        public static final VarHandle COOKIE = handle(LAYOUT, "cookie");

        private RawTracepoint() {
        }
    }

    /** {@code BPF_BTF_LOAD}. */
    public static final class BtfLoad {
        public static final StructLayout LAYOUT = struct(
                u64("btf"),
                u64("btf_log_buf"),
                u32("btf_size"),
                u32("btf_log_size"),
                u32("btf_log_level"),
                u32("btf_log_true_size"), // output: the log size the whole log needs
                u32("btf_flags"),
                s32("btf_token_fd"));
        public static final VarHandle BTF = handle(LAYOUT, "btf");
        public static final VarHandle BTF_LOG_BUF = handle(LAYOUT, "btf_log_buf");
        public static final VarHandle BTF_SIZE = handle(LAYOUT, "btf_size");
        public static final VarHandle BTF_LOG_SIZE = handle(LAYOUT, "btf_log_size");
        public static final VarHandle BTF_LOG_LEVEL = handle(LAYOUT, "btf_log_level");
        public static final VarHandle BTF_LOG_TRUE_SIZE = handle(LAYOUT, "btf_log_true_size");

        private BtfLoad() {
        }
    }

    /**
     * {@code BPF_LINK_CREATE} (member {@code link_create}), with the per-attach-type parts bpfring
     * has a use for: {@code perf_event}, {@code kprobe_multi}, {@code tracing},
     * {@code uprobe_multi}. The per-type union is as large as its largest member, uprobe_multi,
     * so the others the header lists change nothing here.
     */
    public static final class LinkCreate {
        public static final StructLayout LAYOUT = struct(
                union(u32("prog_fd"), u32("map_fd")),
                union(u32("target_fd"), u32("target_ifindex")),
                u32("attach_type"),
                u32("flags"),
                union(
                        u32("target_btf_id"), // BTF type id inside the object to attach to
                        struct(u64("iter_info"), u32("iter_info_len")),
                        struct(u64("bpf_cookie")).withName("perf_event"),
                        struct(u32("flags"), u32("cnt"), u64("syms"), u64("addrs"), u64("cookies"))
                                .withName("kprobe_multi"),
                        struct(u32("target_btf_id"), u64("cookie")).withName("tracing"),
                        struct(u64("path"), u64("offsets"), u64("ref_ctr_offsets"), u64("cookies"),
                                u32("cnt"), u32("flags"), u32("pid")).withName("uprobe_multi")));
        public static final VarHandle PROG_FD = handle(LAYOUT, "prog_fd");
        public static final VarHandle TARGET_FD = handle(LAYOUT, "target_fd");
        public static final VarHandle TARGET_IFINDEX = handle(LAYOUT, "target_ifindex");
        public static final VarHandle ATTACH_TYPE = handle(LAYOUT, "attach_type");
        public static final VarHandle FLAGS = handle(LAYOUT, "flags");
        public static final VarHandle TARGET_BTF_ID = handle(LAYOUT, "target_btf_id");
        public static final VarHandle PERF_EVENT_BPF_COOKIE = handle(LAYOUT, "perf_event.bpf_cookie");
        public static final VarHandle TRACING_TARGET_BTF_ID = handle(LAYOUT, "tracing.target_btf_id");
        public static final VarHandle TRACING_COOKIE = handle(LAYOUT, "tracing.cookie");
        public static final VarHandle UPROBE_MULTI_PATH = handle(LAYOUT, "uprobe_multi.path");
        public static final VarHandle UPROBE_MULTI_OFFSETS = handle(LAYOUT, "uprobe_multi.offsets");
        public static final VarHandle UPROBE_MULTI_COOKIES = handle(LAYOUT, "uprobe_multi.cookies");
        public static final VarHandle UPROBE_MULTI_CNT = handle(LAYOUT, "uprobe_multi.cnt");
        public static final VarHandle UPROBE_MULTI_FLAGS = handle(LAYOUT, "uprobe_multi.flags");
        public static final VarHandle UPROBE_MULTI_PID = handle(LAYOUT, "uprobe_multi.pid");

        private LinkCreate() {
        }
    }

    /** {@code BPF_ITER_CREATE} (member {@code iter_create}): a readable fd of an iterator link. */
    public static final class IterCreate {
        public static final StructLayout LAYOUT = struct(
                u32("link_fd"),
                u32("flags"));
        public static final VarHandle LINK_FD = handle(LAYOUT, "link_fd");

        private IterCreate() {
        }
    }

    /** {@code BPF_PROG_BIND_MAP} (member {@code prog_bind_map}): a program holds a map it does not use. */
    public static final class ProgBindMap {
        public static final StructLayout LAYOUT = struct(
                u32("prog_fd"),
                u32("map_fd"),
                u32("flags")); // none defined: 0
        public static final VarHandle PROG_FD = handle(LAYOUT, "prog_fd");
        public static final VarHandle MAP_FD = handle(LAYOUT, "map_fd");

        private ProgBindMap() {
        }
    }

    /**
     * The union itself: as large as its largest command, {@code BPF_PROG_LOAD} (168 bytes in
     * 6.18). Only the commands above are members; the others are no larger.
     */
    public static final UnionLayout LAYOUT = union(
            MapCreate.LAYOUT.withName("map_create"),
            MapElem.LAYOUT.withName("map_elem"),
            ProgLoad.LAYOUT.withName("prog_load"),
            Obj.LAYOUT.withName("obj"),
            ProgAttach.LAYOUT.withName("prog_attach"),
            TestRun.LAYOUT.withName("test"),
            Info.LAYOUT.withName("info"),
            RawTracepoint.LAYOUT.withName("raw_tracepoint"),
            BtfLoad.LAYOUT.withName("btf_load"),
            LinkCreate.LAYOUT.withName("link_create"),
            IterCreate.LAYOUT.withName("iter_create"),
            ProgBindMap.LAYOUT.withName("prog_bind_map"));

    /** A zeroed {@code union bpf_attr}. */
    public static MemorySegment allocate(Arena arena) {
        return arena.allocate(LAYOUT);
    }

    /** {@code struct bpf_insn}: one instruction; a 64-bit immediate load takes two. Handles index an array. */
    public static final class Insn {
        public static final StructLayout LAYOUT = struct(
                u8("code"), // opcode
                u8("regs"), // dst_reg:4 (low bits), src_reg:4
                s16("off"), // signed offset
                s32("imm")); // signed immediate constant
        public static final VarHandle CODE = elementHandle(LAYOUT, "code");
        public static final VarHandle REGS = elementHandle(LAYOUT, "regs");
        public static final VarHandle OFF = elementHandle(LAYOUT, "off");
        public static final VarHandle IMM = elementHandle(LAYOUT, "imm");
        /** {@code dst_reg} is the low nibble of {@code regs}, {@code src_reg} the high one. */
        public static final int DST_REG_SHIFT = 0;
        public static final int SRC_REG_SHIFT = 4;

        private Insn() {
        }
    }

    /** {@code struct bpf_func_info}: a function's first instruction and BTF FUNC type. Handles index an array. */
    public static final class FuncInfo {
        public static final StructLayout LAYOUT = struct(
                u32("insn_off"),
                u32("type_id"));
        public static final VarHandle INSN_OFF = elementHandle(LAYOUT, "insn_off");
        public static final VarHandle TYPE_ID = elementHandle(LAYOUT, "type_id");

        private FuncInfo() {
        }
    }

    /** {@code struct bpf_line_info}: where an instruction comes from in the source. Handles index an array. */
    public static final class LineInfo {
        public static final StructLayout LAYOUT = struct(
                u32("insn_off"),
                u32("file_name_off"),
                u32("line_off"),
                u32("line_col")); // line number << 10 | column
        public static final VarHandle INSN_OFF = elementHandle(LAYOUT, "insn_off");
        public static final VarHandle FILE_NAME_OFF = elementHandle(LAYOUT, "file_name_off");
        public static final VarHandle LINE_OFF = elementHandle(LAYOUT, "line_off");
        public static final VarHandle LINE_COL = elementHandle(LAYOUT, "line_col");

        private LineInfo() {
        }
    }
}
