// SPDX-License-Identifier: GPL-2.0
/*
 * tcx sections (SCHED_CLS programs with expected attach type
 * BPF_TCX_INGRESS / BPF_TCX_EGRESS, attached through a BPF link, Linux 6.6+).
 * Kept apart from sections.bpf.c because libbpf only knows these section
 * names from 1.3 on. Each program counts packets in its slot of `counts`
 * (0 ingress, 1 egress) and lets them through.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

#define TCX_NEXT -1

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static void count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tcx/ingress")
int sec_tcx_ingress(struct __sk_buff *skb)
{
	count(0);
	return TCX_NEXT;
}

SEC("tcx/egress")
int sec_tcx_egress(struct __sk_buff *skb)
{
	count(1);
	return TCX_NEXT;
}

char LICENSE[] SEC("license") = "GPL";
