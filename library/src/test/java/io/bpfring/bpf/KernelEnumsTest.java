package io.bpfring.bpf;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MapType}, {@link ProgramType} and {@link AttachType} against the kernel's enums.
 *
 * <p>The tables are the running kernel's BTF (Linux 6.18), read with
 * {@code bpftool btf dump file /sys/kernel/btf/vmlinux format raw}: the {@code 'NAME' val=N}
 * lines of {@code ENUM 'bpf_map_type'}, {@code 'bpf_prog_type'} and {@code 'bpf_attach_type'},
 * without their {@code __MAX_*} ends. Once bpfring reads BTF itself, they can come from
 * {@code /sys/kernel/btf/vmlinux} at test time instead.
 */
class KernelEnumsTest {
    private static final String BPF_MAP_TYPE = """
            BPF_MAP_TYPE_UNSPEC 0
            BPF_MAP_TYPE_HASH 1
            BPF_MAP_TYPE_ARRAY 2
            BPF_MAP_TYPE_PROG_ARRAY 3
            BPF_MAP_TYPE_PERF_EVENT_ARRAY 4
            BPF_MAP_TYPE_PERCPU_HASH 5
            BPF_MAP_TYPE_PERCPU_ARRAY 6
            BPF_MAP_TYPE_STACK_TRACE 7
            BPF_MAP_TYPE_CGROUP_ARRAY 8
            BPF_MAP_TYPE_LRU_HASH 9
            BPF_MAP_TYPE_LRU_PERCPU_HASH 10
            BPF_MAP_TYPE_LPM_TRIE 11
            BPF_MAP_TYPE_ARRAY_OF_MAPS 12
            BPF_MAP_TYPE_HASH_OF_MAPS 13
            BPF_MAP_TYPE_DEVMAP 14
            BPF_MAP_TYPE_SOCKMAP 15
            BPF_MAP_TYPE_CPUMAP 16
            BPF_MAP_TYPE_XSKMAP 17
            BPF_MAP_TYPE_SOCKHASH 18
            BPF_MAP_TYPE_CGROUP_STORAGE_DEPRECATED 19
            BPF_MAP_TYPE_CGROUP_STORAGE 19
            BPF_MAP_TYPE_REUSEPORT_SOCKARRAY 20
            BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE_DEPRECATED 21
            BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE 21
            BPF_MAP_TYPE_QUEUE 22
            BPF_MAP_TYPE_STACK 23
            BPF_MAP_TYPE_SK_STORAGE 24
            BPF_MAP_TYPE_DEVMAP_HASH 25
            BPF_MAP_TYPE_STRUCT_OPS 26
            BPF_MAP_TYPE_RINGBUF 27
            BPF_MAP_TYPE_INODE_STORAGE 28
            BPF_MAP_TYPE_TASK_STORAGE 29
            BPF_MAP_TYPE_BLOOM_FILTER 30
            BPF_MAP_TYPE_USER_RINGBUF 31
            BPF_MAP_TYPE_CGRP_STORAGE 32
            BPF_MAP_TYPE_ARENA 33
            """;

    private static final String BPF_PROG_TYPE = """
            BPF_PROG_TYPE_UNSPEC 0
            BPF_PROG_TYPE_SOCKET_FILTER 1
            BPF_PROG_TYPE_KPROBE 2
            BPF_PROG_TYPE_SCHED_CLS 3
            BPF_PROG_TYPE_SCHED_ACT 4
            BPF_PROG_TYPE_TRACEPOINT 5
            BPF_PROG_TYPE_XDP 6
            BPF_PROG_TYPE_PERF_EVENT 7
            BPF_PROG_TYPE_CGROUP_SKB 8
            BPF_PROG_TYPE_CGROUP_SOCK 9
            BPF_PROG_TYPE_LWT_IN 10
            BPF_PROG_TYPE_LWT_OUT 11
            BPF_PROG_TYPE_LWT_XMIT 12
            BPF_PROG_TYPE_SOCK_OPS 13
            BPF_PROG_TYPE_SK_SKB 14
            BPF_PROG_TYPE_CGROUP_DEVICE 15
            BPF_PROG_TYPE_SK_MSG 16
            BPF_PROG_TYPE_RAW_TRACEPOINT 17
            BPF_PROG_TYPE_CGROUP_SOCK_ADDR 18
            BPF_PROG_TYPE_LWT_SEG6LOCAL 19
            BPF_PROG_TYPE_LIRC_MODE2 20
            BPF_PROG_TYPE_SK_REUSEPORT 21
            BPF_PROG_TYPE_FLOW_DISSECTOR 22
            BPF_PROG_TYPE_CGROUP_SYSCTL 23
            BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE 24
            BPF_PROG_TYPE_CGROUP_SOCKOPT 25
            BPF_PROG_TYPE_TRACING 26
            BPF_PROG_TYPE_STRUCT_OPS 27
            BPF_PROG_TYPE_EXT 28
            BPF_PROG_TYPE_LSM 29
            BPF_PROG_TYPE_SK_LOOKUP 30
            BPF_PROG_TYPE_SYSCALL 31
            BPF_PROG_TYPE_NETFILTER 32
            """;

    private static final String BPF_ATTACH_TYPE = """
            BPF_CGROUP_INET_INGRESS 0
            BPF_CGROUP_INET_EGRESS 1
            BPF_CGROUP_INET_SOCK_CREATE 2
            BPF_CGROUP_SOCK_OPS 3
            BPF_SK_SKB_STREAM_PARSER 4
            BPF_SK_SKB_STREAM_VERDICT 5
            BPF_CGROUP_DEVICE 6
            BPF_SK_MSG_VERDICT 7
            BPF_CGROUP_INET4_BIND 8
            BPF_CGROUP_INET6_BIND 9
            BPF_CGROUP_INET4_CONNECT 10
            BPF_CGROUP_INET6_CONNECT 11
            BPF_CGROUP_INET4_POST_BIND 12
            BPF_CGROUP_INET6_POST_BIND 13
            BPF_CGROUP_UDP4_SENDMSG 14
            BPF_CGROUP_UDP6_SENDMSG 15
            BPF_LIRC_MODE2 16
            BPF_FLOW_DISSECTOR 17
            BPF_CGROUP_SYSCTL 18
            BPF_CGROUP_UDP4_RECVMSG 19
            BPF_CGROUP_UDP6_RECVMSG 20
            BPF_CGROUP_GETSOCKOPT 21
            BPF_CGROUP_SETSOCKOPT 22
            BPF_TRACE_RAW_TP 23
            BPF_TRACE_FENTRY 24
            BPF_TRACE_FEXIT 25
            BPF_MODIFY_RETURN 26
            BPF_LSM_MAC 27
            BPF_TRACE_ITER 28
            BPF_CGROUP_INET4_GETPEERNAME 29
            BPF_CGROUP_INET6_GETPEERNAME 30
            BPF_CGROUP_INET4_GETSOCKNAME 31
            BPF_CGROUP_INET6_GETSOCKNAME 32
            BPF_XDP_DEVMAP 33
            BPF_CGROUP_INET_SOCK_RELEASE 34
            BPF_XDP_CPUMAP 35
            BPF_SK_LOOKUP 36
            BPF_XDP 37
            BPF_SK_SKB_VERDICT 38
            BPF_SK_REUSEPORT_SELECT 39
            BPF_SK_REUSEPORT_SELECT_OR_MIGRATE 40
            BPF_PERF_EVENT 41
            BPF_TRACE_KPROBE_MULTI 42
            BPF_LSM_CGROUP 43
            BPF_STRUCT_OPS 44
            BPF_NETFILTER 45
            BPF_TCX_INGRESS 46
            BPF_TCX_EGRESS 47
            BPF_TRACE_UPROBE_MULTI 48
            BPF_CGROUP_UNIX_CONNECT 49
            BPF_CGROUP_UNIX_SENDMSG 50
            BPF_CGROUP_UNIX_RECVMSG 51
            BPF_CGROUP_UNIX_GETPEERNAME 52
            BPF_CGROUP_UNIX_GETSOCKNAME 53
            BPF_NETKIT_PRIMARY 54
            BPF_NETKIT_PEER 55
            BPF_TRACE_KPROBE_SESSION 56
            BPF_TRACE_UPROBE_SESSION 57
            """;

    /** Name to value; a value with two names (a deprecated alias) keeps both. */
    private static Map<String, Integer> parse(String table) {
        Map<String, Integer> values = new HashMap<>();
        for (String line : table.strip().split("\n")) {
            String[] words = line.trim().split("\\s+");
            values.put(words[0], Integer.parseInt(words[1]));
        }
        return values;
    }

    /** Every known constant is in the kernel's enum under its name and value, and every value of the enum is known. */
    private static <T> void check(String table, String prefix, List<T> known, ToIntFunction<T> id, IntFunction<T> of) {
        Map<String, Integer> kernel = parse(table);
        List<String> wrong = new ArrayList<>();
        for (T type : known) {
            Integer value = kernel.get(prefix + type);
            if (value == null || value != id.applyAsInt(type)) {
                wrong.add(type + " = " + id.applyAsInt(type) + ", kernel " + prefix + type + " = " + value);
            }
        }
        for (Map.Entry<String, Integer> entry : kernel.entrySet()) {
            T type = of.apply(entry.getValue());
            if (!known.contains(type)) {
                wrong.add(entry.getKey() + " = " + entry.getValue() + " is not known");
            }
            assertSame(type, of.apply(entry.getValue()), "a known value is always the same constant");
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void mapTypesAreTheKernels() {
        check(BPF_MAP_TYPE, "BPF_MAP_TYPE_", MapType.known(), MapType::id, MapType::of);
    }

    @Test
    void programTypesAreTheKernels() {
        check(BPF_PROG_TYPE, "BPF_PROG_TYPE_", ProgramType.known(), ProgramType::id, ProgramType::of);
    }

    @Test
    void attachTypesAreTheKernels() {
        check(BPF_ATTACH_TYPE, "BPF_", AttachType.known(), AttachType::id, AttachType::of);
    }

    @Test
    void anUnknownValueIsKeptAndNamedByItsNumber() {
        MapType map = MapType.of(1000);
        assertEquals(1000, map.id());
        assertFalse(map.isKnown());
        assertEquals("unknown(1000)", map.toString());
        assertEquals(MapType.of(1000), map);
        assertEquals(MapType.of(1000).hashCode(), map.hashCode());
        assertNotEquals(MapType.of(1001), map);
        assertFalse(map.isPerCpu());
        assertTrue(MapType.RINGBUF.isKnown());
        assertEquals("RINGBUF", MapType.of(27).toString());

        ProgramType program = ProgramType.of(1000);
        assertEquals("unknown(1000)", program.toString());
        assertEquals(ProgramType.of(1000), program);
        assertEquals(0, program.loadFlags());
        assertNotEquals(0, ProgramType.SYSCALL.loadFlags());

        AttachType attach = AttachType.of(1000);
        assertEquals("unknown(1000)", attach.toString());
        assertEquals(1000, attach.id());
        assertNotEquals(AttachType.PERF_EVENT, attach);
        assertNotEquals(MapType.of(5), ProgramType.of(5), "the same number in two enums is two values");
    }
}
