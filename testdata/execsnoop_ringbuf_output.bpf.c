// SPDX-License-Identifier: GPL-2.0
/*
 * Exec tracer, ring buffer output variant: the event is built in a one-slot
 * per-CPU array, exactly as in the perf buffer variant, then copied into the
 * ring with bpf_ringbuf_output. Failed outputs are counted in `drops`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "exec_event.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} heap SEC(".maps");

/* 256 KiB: a power of two and a multiple of the page size, as the kernel wants. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

/* drops[0]: events the ring had no room for. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int execsnoop_ringbuf_output(struct trace_event_raw_sys_enter *ctx)
{
	__u32 zero = 0;
	struct event *e;
	__u64 *dropped;

	e = bpf_map_lookup_elem(&heap, &zero);
	if (!e)
		return 0;

	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename),
				(const char *)ctx->args[0]);

	if (bpf_ringbuf_output(&events, e, sizeof(*e), 0)) {
		dropped = bpf_map_lookup_elem(&drops, &zero);
		if (dropped)
			__sync_fetch_and_add(dropped, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
