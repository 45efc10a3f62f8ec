// SPDX-License-Identifier: GPL-2.0
/*
 * Exec tracer, perf buffer variant: the event is built in a one-slot
 * per-CPU array (it does not fit on the stack) and copied out with
 * bpf_perf_event_output. Failed outputs are counted in `drops`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "exec_event.h"

/* One scratch event per CPU. Its value type puts struct event into .BTF. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct event);
} heap SEC(".maps");

/* max_entries left 0: the loader sets it to the number of possible CPUs. */
struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

/* drops[0]: events that could not be written to the perf buffer. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} drops SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int execsnoop_perfbuf(struct trace_event_raw_sys_enter *ctx)
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

	if (bpf_perf_event_output(ctx, &events, BPF_F_CURRENT_CPU, e, sizeof(*e))) {
		dropped = bpf_map_lookup_elem(&drops, &zero);
		if (dropped)
			__sync_fetch_and_add(dropped, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
