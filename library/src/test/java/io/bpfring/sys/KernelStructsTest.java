package io.bpfring.sys;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every kernel struct layout against the kernel's own description of it.
 *
 * <p>{@link #KERNEL} is the running kernel's BTF (Linux 6.18, x86_64), read with
 * {@code bpftool btf dump file /sys/kernel/btf/vmlinux format raw}: for each struct a
 * {@code sizeof} line with its {@code size=} in bytes, and a line for each member with its
 * {@code bits_offset=} (and, after a colon, the {@code bitfield_size=} of a bitfield). Members of
 * anonymous structs and unions are listed under their own names with the offsets added up,
 * members of named ones dotted ({@code link_create.perf_event.bpf_cookie} is
 * {@code perf_event.bpf_cookie} under {@code bpf_attr/link_create}). A member of
 * {@code union bpf_attr} is named after the slash: its name, or {@code #n}, counted from 0, for
 * an anonymous struct. Only the fields the layouts declare are listed: the test checks that
 * each has a row and each row a field.
 *
 * <p>Once bpfring reads BTF itself, the rows can come from {@code /sys/kernel/btf/vmlinux} at
 * test time instead: same keys, same field names, same bit offsets.
 */
class KernelStructsTest {
    private static final String KERNEL = """
            bpf_attr                     sizeof 168
            bpf_attr/#0                  sizeof 96
            bpf_attr/#0                  map_type 0
            bpf_attr/#0                  key_size 32
            bpf_attr/#0                  value_size 64
            bpf_attr/#0                  max_entries 96
            bpf_attr/#0                  map_flags 128
            bpf_attr/#0                  inner_map_fd 160
            bpf_attr/#0                  numa_node 192
            bpf_attr/#0                  map_name 224
            bpf_attr/#0                  map_ifindex 352
            bpf_attr/#0                  btf_fd 384
            bpf_attr/#0                  btf_key_type_id 416
            bpf_attr/#0                  btf_value_type_id 448
            bpf_attr/#0                  btf_vmlinux_value_type_id 480
            bpf_attr/#0                  map_extra 512
            bpf_attr/#0                  value_type_btf_obj_fd 576
            bpf_attr/#0                  map_token_fd 608
            bpf_attr/#0                  excl_prog_hash 640
            bpf_attr/#0                  excl_prog_hash_size 704
            bpf_attr/#1                  sizeof 32
            bpf_attr/#1                  map_fd 0
            bpf_attr/#1                  key 64
            bpf_attr/#1                  value 128
            bpf_attr/#1                  next_key 128
            bpf_attr/#1                  flags 192
            bpf_attr/#3                  sizeof 168
            bpf_attr/#3                  prog_type 0
            bpf_attr/#3                  insn_cnt 32
            bpf_attr/#3                  insns 64
            bpf_attr/#3                  license 128
            bpf_attr/#3                  log_level 192
            bpf_attr/#3                  log_size 224
            bpf_attr/#3                  log_buf 256
            bpf_attr/#3                  kern_version 320
            bpf_attr/#3                  prog_flags 352
            bpf_attr/#3                  prog_name 384
            bpf_attr/#3                  prog_ifindex 512
            bpf_attr/#3                  expected_attach_type 544
            bpf_attr/#3                  prog_btf_fd 576
            bpf_attr/#3                  func_info_rec_size 608
            bpf_attr/#3                  func_info 640
            bpf_attr/#3                  func_info_cnt 704
            bpf_attr/#3                  line_info_rec_size 736
            bpf_attr/#3                  line_info 768
            bpf_attr/#3                  line_info_cnt 832
            bpf_attr/#3                  attach_btf_id 864
            bpf_attr/#3                  attach_prog_fd 896
            bpf_attr/#3                  attach_btf_obj_fd 896
            bpf_attr/#3                  core_relo_cnt 928
            bpf_attr/#3                  fd_array 960
            bpf_attr/#3                  core_relos 1024
            bpf_attr/#3                  core_relo_rec_size 1088
            bpf_attr/#3                  log_true_size 1120
            bpf_attr/#3                  prog_token_fd 1152
            bpf_attr/#3                  fd_array_cnt 1184
            bpf_attr/#3                  signature 1216
            bpf_attr/#3                  signature_size 1280
            bpf_attr/#3                  keyring_id 1312
            bpf_attr/#4                  sizeof 24
            bpf_attr/#4                  pathname 0
            bpf_attr/#4                  bpf_fd 64
            bpf_attr/#4                  file_flags 96
            bpf_attr/#4                  path_fd 128
            bpf_attr/#5                  sizeof 32
            bpf_attr/#5                  target_fd 0
            bpf_attr/#5                  target_ifindex 0
            bpf_attr/#5                  attach_bpf_fd 32
            bpf_attr/#5                  attach_type 64
            bpf_attr/#5                  attach_flags 96
            bpf_attr/#5                  replace_bpf_fd 128
            bpf_attr/#5                  relative_fd 160
            bpf_attr/#5                  relative_id 160
            bpf_attr/#5                  expected_revision 192
            bpf_attr/test                sizeof 80
            bpf_attr/test                prog_fd 0
            bpf_attr/test                retval 32
            bpf_attr/test                data_size_in 64
            bpf_attr/test                data_size_out 96
            bpf_attr/test                data_in 128
            bpf_attr/test                data_out 192
            bpf_attr/test                repeat 256
            bpf_attr/test                duration 288
            bpf_attr/test                ctx_size_in 320
            bpf_attr/test                ctx_size_out 352
            bpf_attr/test                ctx_in 384
            bpf_attr/test                ctx_out 448
            bpf_attr/test                flags 512
            bpf_attr/test                cpu 544
            bpf_attr/test                batch_size 576
            bpf_attr/info                sizeof 16
            bpf_attr/info                bpf_fd 0
            bpf_attr/info                info_len 32
            bpf_attr/info                info 64
            bpf_attr/raw_tracepoint      sizeof 24
            bpf_attr/raw_tracepoint      name 0
            bpf_attr/raw_tracepoint      prog_fd 64
            bpf_attr/raw_tracepoint      cookie 128
            bpf_attr/#11                 sizeof 40
            bpf_attr/#11                 btf 0
            bpf_attr/#11                 btf_log_buf 64
            bpf_attr/#11                 btf_size 128
            bpf_attr/#11                 btf_log_size 160
            bpf_attr/#11                 btf_log_level 192
            bpf_attr/#11                 btf_log_true_size 224
            bpf_attr/#11                 btf_flags 256
            bpf_attr/#11                 btf_token_fd 288
            bpf_attr/link_create         sizeof 64
            bpf_attr/link_create         prog_fd 0
            bpf_attr/link_create         map_fd 0
            bpf_attr/link_create         target_fd 32
            bpf_attr/link_create         target_ifindex 32
            bpf_attr/link_create         attach_type 64
            bpf_attr/link_create         flags 96
            bpf_attr/link_create         target_btf_id 128
            bpf_attr/link_create         iter_info 128
            bpf_attr/link_create         iter_info_len 192
            bpf_attr/link_create         perf_event.bpf_cookie 128
            bpf_attr/link_create         kprobe_multi.flags 128
            bpf_attr/link_create         kprobe_multi.cnt 160
            bpf_attr/link_create         kprobe_multi.syms 192
            bpf_attr/link_create         kprobe_multi.addrs 256
            bpf_attr/link_create         kprobe_multi.cookies 320
            bpf_attr/link_create         tracing.target_btf_id 128
            bpf_attr/link_create         tracing.cookie 192
            bpf_attr/link_create         uprobe_multi.path 128
            bpf_attr/link_create         uprobe_multi.offsets 192
            bpf_attr/link_create         uprobe_multi.ref_ctr_offsets 256
            bpf_attr/link_create         uprobe_multi.cookies 320
            bpf_attr/link_create         uprobe_multi.cnt 384
            bpf_attr/link_create         uprobe_multi.flags 416
            bpf_attr/link_create         uprobe_multi.pid 448
            bpf_attr/iter_create         sizeof 8
            bpf_attr/iter_create         link_fd 0
            bpf_attr/iter_create         flags 32
            bpf_attr/prog_bind_map       sizeof 12
            bpf_attr/prog_bind_map       prog_fd 0
            bpf_attr/prog_bind_map       map_fd 32
            bpf_attr/prog_bind_map       flags 64
            bpf_insn                     sizeof 8
            bpf_insn                     code 0
            bpf_insn                     dst_reg 8 :4
            bpf_insn                     src_reg 12 :4
            bpf_insn                     off 16
            bpf_insn                     imm 32
            bpf_func_info                sizeof 8
            bpf_func_info                insn_off 0
            bpf_func_info                type_id 32
            bpf_line_info                sizeof 16
            bpf_line_info                insn_off 0
            bpf_line_info                file_name_off 32
            bpf_line_info                line_off 64
            bpf_line_info                line_col 96
            bpf_prog_info                sizeof 232
            bpf_prog_info                type 0
            bpf_prog_info                id 32
            bpf_prog_info                tag 64
            bpf_prog_info                jited_prog_len 128
            bpf_prog_info                xlated_prog_len 160
            bpf_prog_info                jited_prog_insns 192
            bpf_prog_info                xlated_prog_insns 256
            bpf_prog_info                load_time 320
            bpf_prog_info                created_by_uid 384
            bpf_prog_info                nr_map_ids 416
            bpf_prog_info                map_ids 448
            bpf_prog_info                name 512
            bpf_prog_info                ifindex 640
            bpf_prog_info                gpl_compatible 672 :1
            bpf_prog_info                netns_dev 704
            bpf_prog_info                netns_ino 768
            bpf_prog_info                nr_jited_ksyms 832
            bpf_prog_info                nr_jited_func_lens 864
            bpf_prog_info                jited_ksyms 896
            bpf_prog_info                jited_func_lens 960
            bpf_prog_info                btf_id 1024
            bpf_prog_info                func_info_rec_size 1056
            bpf_prog_info                func_info 1088
            bpf_prog_info                nr_func_info 1152
            bpf_prog_info                nr_line_info 1184
            bpf_prog_info                line_info 1216
            bpf_prog_info                jited_line_info 1280
            bpf_prog_info                nr_jited_line_info 1344
            bpf_prog_info                line_info_rec_size 1376
            bpf_prog_info                jited_line_info_rec_size 1408
            bpf_prog_info                nr_prog_tags 1440
            bpf_prog_info                prog_tags 1472
            bpf_prog_info                run_time_ns 1536
            bpf_prog_info                run_cnt 1600
            bpf_prog_info                recursion_misses 1664
            bpf_prog_info                verified_insns 1728
            bpf_prog_info                attach_btf_obj_id 1760
            bpf_prog_info                attach_btf_id 1792
            bpf_map_info                 sizeof 104
            bpf_map_info                 type 0
            bpf_map_info                 id 32
            bpf_map_info                 key_size 64
            bpf_map_info                 value_size 96
            bpf_map_info                 max_entries 128
            bpf_map_info                 map_flags 160
            bpf_map_info                 name 192
            bpf_map_info                 ifindex 320
            bpf_map_info                 btf_vmlinux_value_type_id 352
            bpf_map_info                 netns_dev 384
            bpf_map_info                 netns_ino 448
            bpf_map_info                 btf_id 512
            bpf_map_info                 btf_key_type_id 544
            bpf_map_info                 btf_value_type_id 576
            bpf_map_info                 btf_vmlinux_id 608
            bpf_map_info                 map_extra 640
            bpf_map_info                 hash 704
            bpf_map_info                 hash_size 768
            bpf_btf_info                 sizeof 32
            bpf_btf_info                 btf 0
            bpf_btf_info                 btf_size 64
            bpf_btf_info                 id 96
            bpf_btf_info                 name 128
            bpf_btf_info                 name_len 192
            bpf_btf_info                 kernel_btf 224
            bpf_link_info                sizeof 64
            bpf_link_info                type 0
            bpf_link_info                id 32
            bpf_link_info                prog_id 64
            bpf_link_info                raw_tracepoint.tp_name 128
            bpf_link_info                raw_tracepoint.tp_name_len 192
            bpf_link_info                raw_tracepoint.cookie 256
            bpf_link_info                tracing.attach_type 128
            bpf_link_info                tracing.target_obj_id 160
            bpf_link_info                tracing.target_btf_id 192
            bpf_link_info                tracing.cookie 256
            bpf_link_info                uprobe_multi.path 128
            bpf_link_info                uprobe_multi.offsets 192
            bpf_link_info                uprobe_multi.ref_ctr_offsets 256
            bpf_link_info                uprobe_multi.cookies 320
            bpf_link_info                uprobe_multi.path_size 384
            bpf_link_info                uprobe_multi.count 416
            bpf_link_info                uprobe_multi.flags 448
            bpf_link_info                uprobe_multi.pid 480
            bpf_link_info                perf_event.type 128
            bpf_link_info                perf_event.uprobe.file_name 192
            bpf_link_info                perf_event.uprobe.name_len 256
            bpf_link_info                perf_event.uprobe.offset 288
            bpf_link_info                perf_event.uprobe.cookie 320
            bpf_link_info                perf_event.uprobe.ref_ctr_offset 384
            bpf_link_info                perf_event.kprobe.func_name 192
            bpf_link_info                perf_event.kprobe.name_len 256
            bpf_link_info                perf_event.kprobe.offset 288
            bpf_link_info                perf_event.kprobe.addr 320
            bpf_link_info                perf_event.kprobe.missed 384
            bpf_link_info                perf_event.kprobe.cookie 448
            bpf_link_info                perf_event.tracepoint.tp_name 192
            bpf_link_info                perf_event.tracepoint.name_len 256
            bpf_link_info                perf_event.tracepoint.cookie 320
            bpf_link_info                perf_event.event.config 192
            bpf_link_info                perf_event.event.type 256
            bpf_link_info                perf_event.event.cookie 320
            perf_event_attr              sizeof 136
            perf_event_attr              type 0
            perf_event_attr              size 32
            perf_event_attr              config 64
            perf_event_attr              sample_period 128
            perf_event_attr              sample_freq 128
            perf_event_attr              sample_type 192
            perf_event_attr              read_format 256
            perf_event_attr              disabled 320 :1
            perf_event_attr              inherit 321 :1
            perf_event_attr              pinned 322 :1
            perf_event_attr              exclusive 323 :1
            perf_event_attr              exclude_user 324 :1
            perf_event_attr              exclude_kernel 325 :1
            perf_event_attr              exclude_hv 326 :1
            perf_event_attr              exclude_idle 327 :1
            perf_event_attr              mmap 328 :1
            perf_event_attr              comm 329 :1
            perf_event_attr              freq 330 :1
            perf_event_attr              inherit_stat 331 :1
            perf_event_attr              enable_on_exec 332 :1
            perf_event_attr              task 333 :1
            perf_event_attr              watermark 334 :1
            perf_event_attr              precise_ip 335 :2
            perf_event_attr              mmap_data 337 :1
            perf_event_attr              sample_id_all 338 :1
            perf_event_attr              exclude_host 339 :1
            perf_event_attr              exclude_guest 340 :1
            perf_event_attr              exclude_callchain_kernel 341 :1
            perf_event_attr              exclude_callchain_user 342 :1
            perf_event_attr              mmap2 343 :1
            perf_event_attr              comm_exec 344 :1
            perf_event_attr              use_clockid 345 :1
            perf_event_attr              context_switch 346 :1
            perf_event_attr              write_backward 347 :1
            perf_event_attr              namespaces 348 :1
            perf_event_attr              ksymbol 349 :1
            perf_event_attr              bpf_event 350 :1
            perf_event_attr              aux_output 351 :1
            perf_event_attr              cgroup 352 :1
            perf_event_attr              text_poke 353 :1
            perf_event_attr              build_id 354 :1
            perf_event_attr              inherit_thread 355 :1
            perf_event_attr              remove_on_exec 356 :1
            perf_event_attr              sigtrap 357 :1
            perf_event_attr              wakeup_events 384
            perf_event_attr              wakeup_watermark 384
            perf_event_attr              bp_type 416
            perf_event_attr              bp_addr 448
            perf_event_attr              kprobe_func 448
            perf_event_attr              uprobe_path 448
            perf_event_attr              config1 448
            perf_event_attr              bp_len 512
            perf_event_attr              kprobe_addr 512
            perf_event_attr              probe_offset 512
            perf_event_attr              config2 512
            perf_event_attr              branch_sample_type 576
            perf_event_attr              sample_regs_user 640
            perf_event_attr              sample_stack_user 704
            perf_event_attr              clockid 736
            perf_event_attr              sample_regs_intr 768
            perf_event_attr              aux_watermark 832
            perf_event_attr              sample_max_stack 864
            perf_event_attr              __reserved_2 880
            perf_event_attr              aux_sample_size 896
            perf_event_attr              aux_action 928
            perf_event_attr              aux_start_paused 928 :1
            perf_event_attr              aux_pause 929 :1
            perf_event_attr              aux_resume 930 :1
            perf_event_attr              sig_data 960
            perf_event_attr              config3 1024
            perf_event_mmap_page         sizeof 1088
            perf_event_mmap_page         version 0
            perf_event_mmap_page         compat_version 32
            perf_event_mmap_page         lock 64
            perf_event_mmap_page         index 96
            perf_event_mmap_page         offset 128
            perf_event_mmap_page         time_enabled 192
            perf_event_mmap_page         time_running 256
            perf_event_mmap_page         capabilities 320
            perf_event_mmap_page         pmc_width 384
            perf_event_mmap_page         time_shift 400
            perf_event_mmap_page         time_mult 416
            perf_event_mmap_page         time_offset 448
            perf_event_mmap_page         time_zero 512
            perf_event_mmap_page         size 576
            perf_event_mmap_page         __reserved_1 608
            perf_event_mmap_page         time_cycles 640
            perf_event_mmap_page         time_mask 704
            perf_event_mmap_page         __reserved 768
            perf_event_mmap_page         data_head 8192
            perf_event_mmap_page         data_tail 8256
            perf_event_mmap_page         data_offset 8320
            perf_event_mmap_page         data_size 8384
            perf_event_mmap_page         aux_head 8448
            perf_event_mmap_page         aux_tail 8512
            perf_event_mmap_page         aux_offset 8576
            perf_event_mmap_page         aux_size 8640
            perf_event_header            sizeof 8
            perf_event_header            type 0
            perf_event_header            misc 32
            perf_event_header            size 48
            epoll_event                  sizeof 12
            epoll_event                  events 0
            epoll_event                  data 32
            __kernel_timespec            sizeof 16
            __kernel_timespec            tv_sec 0
            __kernel_timespec            tv_nsec 64
            """;

    /** The layout each key of {@link #KERNEL} describes. */
    private static final Map<String, GroupLayout> LAYOUTS = new LinkedHashMap<>();

    static {
        LAYOUTS.put("bpf_attr", BpfAttr.LAYOUT);
        LAYOUTS.put("bpf_attr/#0", BpfAttr.MapCreate.LAYOUT);
        LAYOUTS.put("bpf_attr/#1", BpfAttr.MapElem.LAYOUT);
        LAYOUTS.put("bpf_attr/#3", BpfAttr.ProgLoad.LAYOUT);
        LAYOUTS.put("bpf_attr/#4", BpfAttr.Obj.LAYOUT);
        LAYOUTS.put("bpf_attr/#5", BpfAttr.ProgAttach.LAYOUT);
        LAYOUTS.put("bpf_attr/test", BpfAttr.TestRun.LAYOUT);
        LAYOUTS.put("bpf_attr/info", BpfAttr.Info.LAYOUT);
        LAYOUTS.put("bpf_attr/raw_tracepoint", BpfAttr.RawTracepoint.LAYOUT);
        LAYOUTS.put("bpf_attr/#11", BpfAttr.BtfLoad.LAYOUT);
        LAYOUTS.put("bpf_attr/link_create", BpfAttr.LinkCreate.LAYOUT);
        LAYOUTS.put("bpf_attr/iter_create", BpfAttr.IterCreate.LAYOUT);
        LAYOUTS.put("bpf_attr/prog_bind_map", BpfAttr.ProgBindMap.LAYOUT);
        LAYOUTS.put("bpf_insn", BpfAttr.Insn.LAYOUT);
        LAYOUTS.put("bpf_func_info", BpfAttr.FuncInfo.LAYOUT);
        LAYOUTS.put("bpf_line_info", BpfAttr.LineInfo.LAYOUT);
        LAYOUTS.put("bpf_prog_info", BpfInfo.Prog.LAYOUT);
        LAYOUTS.put("bpf_map_info", BpfInfo.Map.LAYOUT);
        LAYOUTS.put("bpf_btf_info", BpfInfo.Btf.LAYOUT);
        LAYOUTS.put("bpf_link_info", BpfInfo.Link.LAYOUT);
        LAYOUTS.put("perf_event_attr", PerfEvent.Attr.LAYOUT);
        LAYOUTS.put("perf_event_mmap_page", PerfEvent.MmapPage.LAYOUT);
        LAYOUTS.put("perf_event_header", PerfEvent.Header.LAYOUT);
        LAYOUTS.put("epoll_event", EpollEvent.LAYOUT);
        LAYOUTS.put("__kernel_timespec", Timespec.LAYOUT);
    }

    /** A bitfield: the layout's word that holds it and its mask there. */
    private record Bit(String word, long mask) {
    }

    private static final Map<String, Bit> BITS = new LinkedHashMap<>();

    private static void bit(String key, String bitfield, String word, long mask) {
        BITS.put(key + " " + bitfield, new Bit(word, mask));
    }

    static {
        bit("bpf_insn", "dst_reg", "regs", 0xfL << BpfAttr.Insn.DST_REG_SHIFT);
        bit("bpf_insn", "src_reg", "regs", 0xfL << BpfAttr.Insn.SRC_REG_SHIFT);
        bit("bpf_prog_info", "gpl_compatible", "flags", BpfInfo.Prog.GPL_COMPATIBLE);
        String attr = "perf_event_attr";
        bit(attr, "disabled", "flags", PerfEvent.Attr.DISABLED);
        bit(attr, "inherit", "flags", PerfEvent.Attr.INHERIT);
        bit(attr, "pinned", "flags", PerfEvent.Attr.PINNED);
        bit(attr, "exclusive", "flags", PerfEvent.Attr.EXCLUSIVE);
        bit(attr, "exclude_user", "flags", PerfEvent.Attr.EXCLUDE_USER);
        bit(attr, "exclude_kernel", "flags", PerfEvent.Attr.EXCLUDE_KERNEL);
        bit(attr, "exclude_hv", "flags", PerfEvent.Attr.EXCLUDE_HV);
        bit(attr, "exclude_idle", "flags", PerfEvent.Attr.EXCLUDE_IDLE);
        bit(attr, "mmap", "flags", PerfEvent.Attr.MMAP);
        bit(attr, "comm", "flags", PerfEvent.Attr.COMM);
        bit(attr, "freq", "flags", PerfEvent.Attr.FREQ);
        bit(attr, "inherit_stat", "flags", PerfEvent.Attr.INHERIT_STAT);
        bit(attr, "enable_on_exec", "flags", PerfEvent.Attr.ENABLE_ON_EXEC);
        bit(attr, "task", "flags", PerfEvent.Attr.TASK);
        bit(attr, "watermark", "flags", PerfEvent.Attr.WATERMARK);
        bit(attr, "precise_ip", "flags", PerfEvent.Attr.PRECISE_IP_MASK);
        bit(attr, "mmap_data", "flags", PerfEvent.Attr.MMAP_DATA);
        bit(attr, "sample_id_all", "flags", PerfEvent.Attr.SAMPLE_ID_ALL);
        bit(attr, "exclude_host", "flags", PerfEvent.Attr.EXCLUDE_HOST);
        bit(attr, "exclude_guest", "flags", PerfEvent.Attr.EXCLUDE_GUEST);
        bit(attr, "exclude_callchain_kernel", "flags", PerfEvent.Attr.EXCLUDE_CALLCHAIN_KERNEL);
        bit(attr, "exclude_callchain_user", "flags", PerfEvent.Attr.EXCLUDE_CALLCHAIN_USER);
        bit(attr, "mmap2", "flags", PerfEvent.Attr.MMAP2);
        bit(attr, "comm_exec", "flags", PerfEvent.Attr.COMM_EXEC);
        bit(attr, "use_clockid", "flags", PerfEvent.Attr.USE_CLOCKID);
        bit(attr, "context_switch", "flags", PerfEvent.Attr.CONTEXT_SWITCH);
        bit(attr, "write_backward", "flags", PerfEvent.Attr.WRITE_BACKWARD);
        bit(attr, "namespaces", "flags", PerfEvent.Attr.NAMESPACES);
        bit(attr, "ksymbol", "flags", PerfEvent.Attr.KSYMBOL);
        bit(attr, "bpf_event", "flags", PerfEvent.Attr.BPF_EVENT);
        bit(attr, "aux_output", "flags", PerfEvent.Attr.AUX_OUTPUT);
        bit(attr, "cgroup", "flags", PerfEvent.Attr.CGROUP);
        bit(attr, "text_poke", "flags", PerfEvent.Attr.TEXT_POKE);
        bit(attr, "build_id", "flags", PerfEvent.Attr.BUILD_ID);
        bit(attr, "inherit_thread", "flags", PerfEvent.Attr.INHERIT_THREAD);
        bit(attr, "remove_on_exec", "flags", PerfEvent.Attr.REMOVE_ON_EXEC);
        bit(attr, "sigtrap", "flags", PerfEvent.Attr.SIGTRAP);
        bit(attr, "aux_start_paused", "aux_action", PerfEvent.Attr.AUX_START_PAUSED);
        bit(attr, "aux_pause", "aux_action", PerfEvent.Attr.AUX_PAUSE);
        bit(attr, "aux_resume", "aux_action", PerfEvent.Attr.AUX_RESUME);
    }

    /** One line of {@link #KERNEL}: a size in bytes, or a field's offset in bits (and a bitfield's width). */
    private record Row(String key, String field, long value, int bitfieldSize) {
        static Row parse(String line) {
            String[] words = line.trim().split("\\s+");
            int width = words.length > 3 ? Integer.parseInt(words[3].substring(1)) : 0;
            return new Row(words[0], words[1], Long.parseLong(words[2]), width);
        }

        boolean isSize() {
            return field.equals("sizeof");
        }
    }

    /**
     * The rows this architecture's layouts must match: {@code struct epoll_event} is packed on
     * x86_64 alone, where the rows come from; every other struct here is laid out the same on
     * every 64-bit architecture.
     */
    private static List<Row> rows() {
        boolean x86 = System.getProperty("os.arch").matches("amd64|x86_64");
        List<Row> rows = new ArrayList<>();
        for (String line : KERNEL.strip().split("\n")) {
            Row row = Row.parse(line);
            if (x86 || !row.key().equals("epoll_event")) {
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void everyRowOfTheKernelsBtfMatchesItsLayout() {
        List<String> wrong = new ArrayList<>();
        for (Row row : rows()) {
            GroupLayout layout = LAYOUTS.get(row.key());
            assertTrue(layout != null, "no layout for " + row.key());
            long actual;
            if (row.isSize()) {
                actual = layout.byteSize();
            } else if (row.bitfieldSize() > 0) {
                Bit bit = BITS.get(row.key() + " " + row.field());
                assertTrue(bit != null, "no mask for the bitfield " + row.key() + " " + row.field());
                actual = 8 * Layouts.offset(layout, bit.word()) + Long.numberOfTrailingZeros(bit.mask());
                if (Long.bitCount(bit.mask()) != row.bitfieldSize()
                        || Long.bitCount(bit.mask() >>> Long.numberOfTrailingZeros(bit.mask()) + 1) != row.bitfieldSize() - 1) {
                    wrong.add(row.key() + " " + row.field() + ": mask " + Long.toHexString(bit.mask()) + ", kernel "
                            + row.bitfieldSize() + " bits");
                }
            } else {
                actual = 8 * Layouts.offset(layout, row.field());
            }
            if (actual != row.value()) {
                wrong.add(row.key() + " " + row.field() + ": " + actual + ", kernel " + row.value());
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyFieldOfEveryLayoutHasARow() {
        List<Row> rows = rows();
        Set<String> listed = new HashSet<>();
        for (Row row : rows) {
            listed.add(row.key() + " " + row.field());
        }
        for (Map.Entry<String, Bit> bit : BITS.entrySet()) {
            listed.add(bit.getKey().substring(0, bit.getKey().indexOf(' ')) + " " + bit.getValue().word());
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, GroupLayout> entry : LAYOUTS.entrySet()) {
            if (rows.stream().noneMatch(r -> r.key().equals(entry.getKey()))) {
                continue; // epoll_event off x86_64
            }
            if (!listed.contains(entry.getKey() + " sizeof")) {
                missing.add(entry.getKey() + " sizeof");
            }
            if (entry.getValue() == BpfAttr.LAYOUT) {
                continue; // its members are the commands, each with rows of its own
            }
            for (String field : Layouts.fields(entry.getValue())) {
                if (!listed.contains(entry.getKey() + " " + field)) {
                    missing.add(entry.getKey() + " " + field);
                }
            }
        }
        for (MemoryLayout command : BpfAttr.LAYOUT.memberLayouts()) {
            if (command instanceof GroupLayout group && !LAYOUTS.containsValue(group.withoutName())) {
                missing.add("bpf_attr " + command.name().orElseThrow());
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void epollEventIsPackedOnX86AndAlignedElsewhere() {
        boolean x86 = System.getProperty("os.arch").matches("amd64|x86_64");
        assertEquals(x86 ? 12 : 16, EpollEvent.LAYOUT.byteSize());
        assertEquals(x86 ? 4 : 8, Layouts.offset(EpollEvent.LAYOUT, "data"));
    }

    /** Record bodies have no struct in BTF: these follow the comment on {@code enum perf_event_type}. */
    @Test
    void perfRecordBodiesFollowTheHeadersComment() {
        assertEquals(6, PerfEvent.Header.SIZE);
        assertEquals(8, PerfEvent.RawSample.SIZE); // struct perf_event_header header; u32 size;
        assertEquals(12, PerfEvent.RawSample.DATA); // char data[size];
        assertEquals(8, PerfEvent.Lost.ID); // u64 id;
        assertEquals(16, PerfEvent.Lost.LOST); // u64 lost;
        assertEquals(24, PerfEvent.Lost.LAYOUT.byteSize());
    }

    @Test
    void handlesWriteTheirFieldsAndNoOther() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            assertEquals(168, attr.byteSize());
            BpfAttr.ProgLoad.LOG_TRUE_SIZE.set(attr, 0x11223344);
            BpfAttr.LinkCreate.PERF_EVENT_BPF_COOKIE.set(attr, 0x5566778899aabbccL);
            assertEquals(0x11223344, attr.get(JAVA_INT, 140));
            assertEquals(0x5566778899aabbccL, attr.get(JAVA_LONG, 16));
            long nonZero = 0;
            for (long i = 0; i < attr.byteSize(); i++) {
                nonZero += attr.get(JAVA_BYTE, i) != 0 ? 1 : 0;
            }
            assertEquals(12, nonZero, "4 + 8 bytes written");

            MemorySegment events = arena.allocate(EpollEvent.LAYOUT, 3);
            EpollEvent.DATA.set(events, 2L, -1L);
            assertEquals(-1L, (long) EpollEvent.DATA.get(events, 2L));
            assertEquals(0, (int) EpollEvent.EVENTS.get(events, 2L));
            assertEquals(0, (long) EpollEvent.DATA.get(events, 1L));
        }
    }

    @Test
    void nameFieldsHoldATerminatedString() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.MapCreate.MAP_NAME.setString(attr, "fifteen_chars_x");
            assertEquals("fifteen_chars_x", BpfAttr.MapCreate.MAP_NAME.getString(attr));
            assertEquals(0, attr.get(JAVA_BYTE, 28 + 15));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> BpfAttr.MapCreate.MAP_NAME.setString(attr, "sixteen_chars_xx"));
            assertTrue(e.getMessage().contains("holds 15 and a NUL"), e.getMessage());

            MemorySegment full = arena.allocate(BpfInfo.Map.LAYOUT);
            BpfInfo.Map.NAME.in(full).fill((byte) 'a');
            assertEquals("a".repeat(16), BpfInfo.Map.NAME.getString(full), "no NUL: all 16 bytes");
        }
    }

    @Test
    void anUnknownFieldIsNamedInTheError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Layouts.offset(BpfAttr.LinkCreate.LAYOUT, "perf_event.no_such"));
        assertTrue(e.getMessage().contains("perf_event.no_such"), e.getMessage());
    }
}
