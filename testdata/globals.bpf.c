// SPDX-License-Identifier: GPL-2.0
/*
 * Global data, .kconfig externs and map kinds.
 *
 * globals_run (SEC("syscall"), run it with BPF_PROG_TEST_RUN, no context
 * needed) reads every global and every extern, writes known values into
 * every map, fills `result` (.bss) and sends a copy of `result` to the ring
 * `odd_ring`. It returns rodata_int (42 unless rewritten before load).
 *
 * globals_getpgid (tp/syscalls/sys_enter_getpgid) counts getpgid(2) calls
 * of the process targ_tgid (all processes when 0) in bss_getpgid_calls.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

enum fixture_mode {
	FIXTURE_MODE_OFF = 0,
	FIXTURE_MODE_COUNT = 1,
	FIXTURE_MODE_ECHO = 7,
};

/* .rodata: read-only for the program, may be rewritten before load. */
const volatile int rodata_int = 42;
const volatile bool rodata_bool = true;
const volatile enum fixture_mode rodata_mode = FIXTURE_MODE_ECHO;
const volatile char rodata_name[16] = "fixture";
const volatile pid_t targ_tgid = 0;

/* .data: initialised, writable. */
int data_int = 1234;
__u64 data_array[4] = { 10, 20, 30, 40 };
char data_tag[8] = "data";

/* .kconfig: filled by the loader from the running kernel. */
extern int LINUX_KERNEL_VERSION __kconfig;
extern bool CONFIG_BPF_SYSCALL __kconfig;
extern enum libbpf_tristate CONFIG_TUN __kconfig __weak;
extern int CONFIG_HZ __kconfig __weak;
extern bool CONFIG_FIXTURE_NOT_A_REAL_OPTION __kconfig __weak;

/*
 * What globals_run saw, in .bss. All fields are naturally aligned; the
 * layout is in README.md.
 */
struct globals_result {
	__u64 runs;
	__s32 rodata_int;
	__u32 rodata_bool;
	__u32 rodata_mode;
	__s32 targ_tgid;
	char rodata_name[16];
	__s32 data_int;
	__u32 kernel_version;
	__u32 config_bpf_syscall;
	__u32 config_tun;
	__s32 config_hz;
	__u32 config_absent;
	__u64 data_array_sum;
	char message[32];
	__u64 inner_value;
};

/* .bss: zero-initialised, writable. */
__u64 bss_runs;
__u64 bss_getpgid_calls;
struct globals_result result;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16);
	__type(key, __u32);
	__type(value, __u64);
} hash_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} array_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} percpu_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} lru_map SEC(".maps");

/* Sizes only, no BTF key or value type. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__uint(key_size, 4);
	__uint(value_size, 8);
} sized_hash SEC(".maps");

/*
 * 10000 bytes is neither a page multiple nor a power of two: libbpf
 * creates the ring with the next page_size * 2^n above it (16384 with
 * 4 KiB pages).
 */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 10000);
} odd_ring SEC(".maps");

/* Pinned by name: libbpf reuses /sys/fs/bpf/fixture_pinned if it exists. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} fixture_pinned SEC(".maps");

/* An array of maps whose two slots are set up at load time. */
struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} inner_a SEC(".maps"), inner_b SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer_map SEC(".maps") = {
	.values = { &inner_a, &inner_b },
};

static void add(void *map, __u32 key, __u64 delta)
{
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, delta);
}

static void put(void *map, __u32 key, __u64 value)
{
	bpf_map_update_elem(map, &key, &value, BPF_ANY);
}

SEC("syscall")
int globals_run(void *ctx)
{
	__u64 sum = 0;
	void *inner;
	__u64 *v;
	int i;

	bss_runs++;
	result.runs = bss_runs;
	result.rodata_int = rodata_int;
	result.rodata_bool = rodata_bool;
	result.rodata_mode = rodata_mode;
	result.targ_tgid = targ_tgid;
	for (i = 0; i < sizeof(result.rodata_name); i++)
		result.rodata_name[i] = rodata_name[i];

	result.data_int = data_int;
	data_int += 1;
	for (i = 0; i < 4; i++)
		sum += data_array[i];
	result.data_array_sum = sum;

	result.kernel_version = LINUX_KERNEL_VERSION;
	result.config_bpf_syscall = CONFIG_BPF_SYSCALL;
	result.config_tun = CONFIG_TUN;
	result.config_hz = CONFIG_HZ;
	result.config_absent = CONFIG_FIXTURE_NOT_A_REAL_OPTION;

	/* A string literal: clang places it in .rodata.str1.1. */
	if (rodata_mode == FIXTURE_MODE_ECHO)
		bpf_probe_read_kernel_str(result.message, sizeof(result.message),
					  "hello from .rodata.str1.1");

	put(&hash_map, 1, rodata_int);
	put(&hash_map, 2, LINUX_KERNEL_VERSION);
	for (i = 0; i < 4; i++)
		put(&array_map, i, data_array[i] * 2);
	add(&percpu_map, 0, 1);
	put(&lru_map, 42, 4242);
	put(&sized_hash, 7, 77);
	add(&fixture_pinned, 0, 1);

	/* Slot 0 holds inner_a, slot 1 inner_b. */
	inner = bpf_map_lookup_elem(&outer_map, &(__u32){ 0 });
	if (inner)
		put(inner, 0, 11);
	inner = bpf_map_lookup_elem(&outer_map, &(__u32){ 1 });
	if (inner)
		put(inner, 0, 99);
	v = bpf_map_lookup_elem(&inner_b, &(__u32){ 0 });
	result.inner_value = v ? *v : 0;

	bpf_ringbuf_output(&odd_ring, &result, sizeof(result), 0);
	return rodata_int;
}

SEC("tp/syscalls/sys_enter_getpgid")
int globals_getpgid(void *ctx)
{
	pid_t tgid = bpf_get_current_pid_tgid() >> 32;

	if (targ_tgid && tgid != targ_tgid)
		return 0;
	if (!rodata_bool)
		return 0;
	__sync_fetch_and_add(&bss_getpgid_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
