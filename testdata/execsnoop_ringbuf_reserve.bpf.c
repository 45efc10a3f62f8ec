// SPDX-License-Identifier: GPL-2.0
/*
 * Exec tracer, ring buffer reserve/submit variant: the event is written
 * straight into space reserved in the ring, then submitted. No scratch map.
 *
 * struct event is used only through a local pointer here, never as a map
 * key or value, so clang describes it in DWARF (.debug_info) but not in
 * .BTF: a loader that wants its layout has to read DWARF.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "exec_event.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* drops[0]: reservations that failed because the ring was full. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int execsnoop_ringbuf_reserve(struct trace_event_raw_sys_enter *ctx)
{
	__u32 zero = 0;
	struct event *e;
	__u64 *dropped;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		dropped = bpf_map_lookup_elem(&drops, &zero);
		if (dropped)
			__sync_fetch_and_add(dropped, 1);
		return 0;
	}

	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename),
				(const char *)ctx->args[0]);

	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
