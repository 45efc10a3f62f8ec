package io.bpfring.sys;

import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static io.bpfring.sys.Layouts.bytes;
import static io.bpfring.sys.Layouts.bytesField;
import static io.bpfring.sys.Layouts.handle;
import static io.bpfring.sys.Layouts.struct;
import static io.bpfring.sys.Layouts.u32;
import static io.bpfring.sys.Layouts.u64;
import static io.bpfring.sys.Layouts.union;

/**
 * What {@code BPF_OBJ_GET_INFO_BY_FD} fills in: {@code struct bpf_prog_info}, {@code bpf_map_info},
 * {@code bpf_btf_info} and {@code bpf_link_info}, as in include/uapi/linux/bpf.h of Linux 6.18.
 *
 * <p>Pass a zeroed struct ({@code arena.allocate(LAYOUT)}) with {@code info_len} its size: the
 * kernel writes at most that many bytes and sets {@code info_len} to what it wrote, so an older
 * kernel leaves the newer fields zero.
 */
public final class BpfInfo {
    private BpfInfo() {
    }

    /** {@code struct bpf_prog_info}. */
    public static final class Prog {
        public static final StructLayout LAYOUT = struct(
                u32("type"),
                u32("id"),
                bytes("tag", 8),
                u32("jited_prog_len"),
                u32("xlated_prog_len"),
                u64("jited_prog_insns"),
                u64("xlated_prog_insns"),
                u64("load_time"), // ns since boottime
                u32("created_by_uid"),
                u32("nr_map_ids"),
                u64("map_ids"),
                bytes("name", 16),
                u32("ifindex"),
                u32("flags"), // the word of the bitfield gpl_compatible:1
                u64("netns_dev"),
                u64("netns_ino"),
                u32("nr_jited_ksyms"),
                u32("nr_jited_func_lens"),
                u64("jited_ksyms"),
                u64("jited_func_lens"),
                u32("btf_id"),
                u32("func_info_rec_size"),
                u64("func_info"),
                u32("nr_func_info"),
                u32("nr_line_info"),
                u64("line_info"),
                u64("jited_line_info"),
                u32("nr_jited_line_info"),
                u32("line_info_rec_size"),
                u32("jited_line_info_rec_size"),
                u32("nr_prog_tags"),
                u64("prog_tags"),
                u64("run_time_ns"),
                u64("run_cnt"),
                u64("recursion_misses"),
                u32("verified_insns"),
                u32("attach_btf_obj_id"),
                u32("attach_btf_id"));
        public static final VarHandle TYPE = handle(LAYOUT, "type");
        public static final VarHandle ID = handle(LAYOUT, "id");
        public static final Layouts.Bytes NAME = bytesField(LAYOUT, "name");
        public static final VarHandle FLAGS = handle(LAYOUT, "flags");
        /** {@code flags}: {@code gpl_compatible:1}. */
        public static final int GPL_COMPATIBLE = 1 << 0;
        public static final VarHandle BTF_ID = handle(LAYOUT, "btf_id");
        public static final VarHandle NR_MAP_IDS = handle(LAYOUT, "nr_map_ids");
        public static final VarHandle MAP_IDS = handle(LAYOUT, "map_ids");
        public static final VarHandle VERIFIED_INSNS = handle(LAYOUT, "verified_insns");
        public static final VarHandle RUN_TIME_NS = handle(LAYOUT, "run_time_ns");
        public static final VarHandle RUN_CNT = handle(LAYOUT, "run_cnt");
        public static final VarHandle ATTACH_BTF_OBJ_ID = handle(LAYOUT, "attach_btf_obj_id");
        public static final VarHandle ATTACH_BTF_ID = handle(LAYOUT, "attach_btf_id");

        private Prog() {
        }
    }

    /** {@code struct bpf_map_info}. */
    public static final class Map {
        public static final StructLayout LAYOUT = struct(
                u32("type"),
                u32("id"),
                u32("key_size"),
                u32("value_size"),
                u32("max_entries"),
                u32("map_flags"),
                bytes("name", 16),
                u32("ifindex"),
                u32("btf_vmlinux_value_type_id"),
                u64("netns_dev"),
                u64("netns_ino"),
                u32("btf_id"),
                u32("btf_key_type_id"),
                u32("btf_value_type_id"),
                u32("btf_vmlinux_id"),
                u64("map_extra"),
                u64("hash"),
                u32("hash_size"));
        public static final VarHandle TYPE = handle(LAYOUT, "type");
        public static final VarHandle ID = handle(LAYOUT, "id");
        public static final VarHandle KEY_SIZE = handle(LAYOUT, "key_size");
        public static final VarHandle VALUE_SIZE = handle(LAYOUT, "value_size");
        public static final VarHandle MAX_ENTRIES = handle(LAYOUT, "max_entries");
        public static final VarHandle MAP_FLAGS = handle(LAYOUT, "map_flags");
        public static final Layouts.Bytes NAME = bytesField(LAYOUT, "name");
        public static final VarHandle BTF_ID = handle(LAYOUT, "btf_id");
        public static final VarHandle MAP_EXTRA = handle(LAYOUT, "map_extra");

        private Map() {
        }
    }

    /** {@code struct bpf_btf_info}. */
    public static final class Btf {
        public static final StructLayout LAYOUT = struct(
                u64("btf"),
                u32("btf_size"),
                u32("id"),
                u64("name"),
                u32("name_len"),
                u32("kernel_btf"));
        public static final VarHandle BTF = handle(LAYOUT, "btf");
        public static final VarHandle BTF_SIZE = handle(LAYOUT, "btf_size");
        public static final VarHandle ID = handle(LAYOUT, "id");
        public static final VarHandle NAME = handle(LAYOUT, "name");
        public static final VarHandle NAME_LEN = handle(LAYOUT, "name_len");
        public static final VarHandle KERNEL_BTF = handle(LAYOUT, "kernel_btf");

        private Btf() {
        }
    }

    /**
     * {@code struct bpf_link_info}, with the per-link-type parts of the links bpfring makes:
     * {@code raw_tracepoint}, {@code tracing}, {@code perf_event}, {@code uprobe_multi}. The
     * per-type union is as large as its largest member (uprobe_multi and perf_event, 48 bytes),
     * so the others the header lists change nothing here.
     */
    public static final class Link {
        public static final StructLayout LAYOUT = struct(
                u32("type"), // enum bpf_link_type
                u32("id"),
                u32("prog_id"),
                union(
                        struct(u64("tp_name"), u32("tp_name_len"), u64("cookie")).withName("raw_tracepoint"),
                        struct(u32("attach_type"), u32("target_obj_id"), u32("target_btf_id"), u64("cookie"))
                                .withName("tracing"),
                        struct(
                                u32("type"), // enum bpf_perf_event_type
                                union(
                                        struct(u64("file_name"), u32("name_len"), u32("offset"), u64("cookie"),
                                                u64("ref_ctr_offset")).withName("uprobe"),
                                        struct(u64("func_name"), u32("name_len"), u32("offset"), u64("addr"),
                                                u64("missed"), u64("cookie")).withName("kprobe"),
                                        struct(u64("tp_name"), u32("name_len"), u64("cookie")).withName("tracepoint"),
                                        struct(u64("config"), u32("type"), u64("cookie")).withName("event")))
                                .withName("perf_event"),
                        struct(u64("path"), u64("offsets"), u64("ref_ctr_offsets"), u64("cookies"),
                                u32("path_size"), u32("count"), u32("flags"), u32("pid")).withName("uprobe_multi")));
        public static final VarHandle TYPE = handle(LAYOUT, "type");
        public static final VarHandle ID = handle(LAYOUT, "id");
        public static final VarHandle PROG_ID = handle(LAYOUT, "prog_id");
        public static final VarHandle PERF_EVENT_TYPE = handle(LAYOUT, "perf_event.type");
        public static final VarHandle PERF_EVENT_TRACEPOINT_TP_NAME = handle(LAYOUT, "perf_event.tracepoint.tp_name");
        public static final VarHandle PERF_EVENT_TRACEPOINT_NAME_LEN = handle(LAYOUT, "perf_event.tracepoint.name_len");
        public static final VarHandle PERF_EVENT_TRACEPOINT_COOKIE = handle(LAYOUT, "perf_event.tracepoint.cookie");

        private Link() {
        }
    }
}
