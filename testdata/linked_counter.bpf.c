// SPDX-License-Identifier: GPL-2.0
/*
 * Second half of linked.bpf.o: the counters, the function that bumps
 * them (used by both halves) and a program of its own on getpgid(2).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "linked.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LINKED_SLOT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} linked_counts SEC(".maps");

/* Hidden: visible to the other object file, static once linked. */
__hidden int linked_count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&linked_counts, &slot);

	if (!v)
		return -1;
	__sync_fetch_and_add(v, 1);
	return 0;
}

const volatile pid_t targ_tgid = 0;

SEC("tp/syscalls/sys_enter_getpgid")
int linked_getpgid(void *ctx)
{
	if (targ_tgid && (bpf_get_current_pid_tgid() >> 32) != targ_tgid)
		return 0;
	linked_count(LINKED_SLOT_GETPGID);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
