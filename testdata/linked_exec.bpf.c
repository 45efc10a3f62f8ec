// SPDX-License-Identifier: GPL-2.0
/*
 * First half of linked.bpf.o: the reserve/submit exec tracer, counting
 * through linked_count(), which is defined in linked_counter.bpf.c and
 * resolved when `bpftool gen object` links the two.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "exec_event.h"
#include "linked.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

SEC("tp/syscalls/sys_enter_execve")
int linked_execve(struct trace_event_raw_sys_enter *ctx)
{
	struct event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		linked_count(LINKED_SLOT_DROPS);
		return 0;
	}

	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename),
				(const char *)ctx->args[0]);
	bpf_ringbuf_submit(e, 0);
	linked_count(LINKED_SLOT_EXECS);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
