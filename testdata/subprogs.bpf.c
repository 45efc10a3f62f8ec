// SPDX-License-Identifier: GPL-2.0
/*
 * Subprograms, global functions, several programs in one section, and a
 * bpf_loop callback. Every program can be run with BPF_PROG_TEST_RUN and
 * writes what it computed into `results` (slot -> value, see README.md).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define SUM_TO_MAX 64

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} results SEC(".maps");

/* Static subprograms: appended to each program that calls them. */
static __noinline __u64 mix(__u64 a, __u64 b)
{
	return a * 31 + b;
}

/* A subprogram that calls another one. */
static __noinline __u64 mix_both_ways(__u64 a, __u64 b)
{
	return mix(a, b) + mix(b, a);
}

/*
 * Global functions: verified on their own, once, with only the types of
 * their arguments known (BTF FUNC with global linkage).
 */
__noinline int record(__u32 slot, __u64 value)
{
	return bpf_map_update_elem(&results, &slot, &value, BPF_ANY);
}

__noinline __u64 sum_to(__u32 n)
{
	__u64 sum = 0;
	__u32 i;

	for (i = 1; i <= n && i <= SUM_TO_MAX; i++)
		sum += i;
	return sum;
}

/* In .text but called by no program: a loader must leave it out. */
__noinline int never_called(int x)
{
	return x * 3;
}

struct squares {
	__u64 acc;
};

/* bpf_loop callback: its address is loaded with ld_imm64 (BPF_PSEUDO_FUNC). */
static int add_square(__u32 index, void *data)
{
	struct squares *s = data;

	s->acc += (__u64)index * index;
	return 0;
}

/* Slots 0..2: sum_to(10) = 55, mix_both_ways(3, 4) = 224, squares 0..9 = 285. */
SEC("syscall")
int subprogs_syscall(void *ctx)
{
	struct squares s = {};

	record(0, sum_to(10));
	record(1, mix_both_ways(3, 4));
	bpf_loop(10, add_square, &s, 0);
	record(2, s.acc);
	return 7;
}

/* Two programs in one section. */

/* Slot 3: sum_to(4) = 10. Returns XDP_PASS (2). */
SEC("xdp")
int subprogs_xdp_pass(struct xdp_md *ctx)
{
	record(3, sum_to(4));
	return XDP_PASS;
}

/* Slot 4: mix(2, 3) = 65. Returns XDP_DROP (1). */
SEC("xdp")
int subprogs_xdp_drop(struct xdp_md *ctx)
{
	record(4, mix(2, 3));
	return XDP_DROP;
}

/*
 * Slot 5: sum_to(args[1]) (the syscall number when attached to sys_enter;
 * with BPF_PROG_TEST_RUN and ctx_in = { 0, 7 } it is 28). Returns 0.
 */
SEC("raw_tp/sys_enter")
int subprogs_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	record(5, sum_to(ctx->args[1]));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
