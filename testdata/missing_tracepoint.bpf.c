// SPDX-License-Identifier: GPL-2.0
/*
 * Two programs, one ring: missing_tp is on a tracepoint that no kernel has,
 * so it loads but cannot attach; exec_tp, on sys_enter_execve, sends each
 * exec to `events`. A loader that attaches what it can runs with exec_tp
 * alone.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include "exec_event.h"

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

/* sys_enter_execve's context, declared here so that reading it needs no CO-RE relocation. */
struct execve_args {
	__u64 common;
	long id;
	unsigned long args[6];
};

SEC("tp/bpfring/no_such_event")
int missing_tp(void *ctx)
{
	return 0;
}

SEC("tp/syscalls/sys_enter_execve")
int exec_tp(struct execve_args *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->filename, sizeof(e->filename),
				(const char *)ctx->args[0]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* Keeps struct event in .BTF: a type only a pointer cast names gets none. */
struct event *unused_event __attribute__((unused));

char LICENSE[] SEC("license") = "GPL";
