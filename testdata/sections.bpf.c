// SPDX-License-Identifier: GPL-2.0
/*
 * One program per section family a loader has to map to a program type,
 * all of which load on a kernel without kprobes, fentry or BPF LSM (those
 * are in unsupported.bpf.c). Each program adds 1 to its own slot of
 * `counts` when it runs; see README.md for the slots and triggers.
 *
 * Programs on events every process sees count only the process
 * targ_tgid (any process when it is 0).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define TC_ACT_OK 0

enum slot {
	SLOT_TP,		/* tp/syscalls/sys_enter_getppid */
	SLOT_TRACEPOINT,	/* tracepoint/syscalls/sys_exit_getppid */
	SLOT_RAW_TP,		/* raw_tp/sys_enter, getppid only */
	SLOT_RAW_TRACEPOINT,	/* raw_tracepoint/sys_exit, getppid only */
	SLOT_TP_BTF,		/* tp_btf/sched_process_exec, children of targ_tgid */
	SLOT_UPROBE,		/* uprobe/libc.so.6:getpid */
	SLOT_URETPROBE,		/* uretprobe/libc.so.6:getpid */
	SLOT_UPROBE_MANUAL,	/* uprobe, attached by the caller */
	SLOT_UPROBE_SLEEPABLE,	/* uprobe.s/libc.so.6:getpid */
	SLOT_PERF_EVENT,	/* perf_event */
	SLOT_SOCKET,		/* socket */
	SLOT_XDP,		/* xdp */
	SLOT_TC,		/* tc */
	SLOT_CGROUP_SKB,	/* cgroup_skb/ingress */
	SLOT_SYSCALL,		/* syscall */
	SLOT_ITER,		/* iter/task, once per task shown */
	SLOT_COUNT,
};

/* Filter for events every process sees: 0 = no filter. */
const volatile pid_t targ_tgid = 0;
/* The syscall the raw tracepoints count: getppid on x86-64. */
const volatile long syscall_nr = 110;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

/* getpid's return value as the uretprobe saw it last. */
__s64 last_getpid_ret;

static void count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static bool wanted(void)
{
	return !targ_tgid || (bpf_get_current_pid_tgid() >> 32) == targ_tgid;
}

SEC("tp/syscalls/sys_enter_getppid")
int sec_tp(struct trace_event_raw_sys_enter *ctx)
{
	if (wanted())
		count(SLOT_TP);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_getppid")
int sec_tracepoint(struct trace_event_raw_sys_exit *ctx)
{
	if (wanted())
		count(SLOT_TRACEPOINT);
	return 0;
}

/* sys_enter(struct pt_regs *regs, long id) */
SEC("raw_tp/sys_enter")
int sec_raw_tp(struct bpf_raw_tracepoint_args *ctx)
{
	if (ctx->args[1] == syscall_nr && wanted())
		count(SLOT_RAW_TP);
	return 0;
}

/* sys_exit(struct pt_regs *regs, long ret): the number is in the registers. */
SEC("raw_tracepoint/sys_exit")
int sec_raw_tracepoint(struct bpf_raw_tracepoint_args *ctx)
{
	struct pt_regs *regs = (struct pt_regs *)ctx->args[0];

	if (BPF_CORE_READ(regs, orig_ax) == syscall_nr && wanted())
		count(SLOT_RAW_TRACEPOINT);
	return 0;
}

/* Typed arguments, read without helpers (BTF-typed pointers). */
SEC("tp_btf/sched_process_exec")
int BPF_PROG(sec_tp_btf, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	if (!targ_tgid || p->real_parent->tgid == targ_tgid)
		count(SLOT_TP_BTF);
	return 0;
}

SEC("uprobe/libc.so.6:getpid")
int BPF_KPROBE(sec_uprobe)
{
	if (wanted())
		count(SLOT_UPROBE);
	return 0;
}

SEC("uretprobe/libc.so.6:getpid")
int BPF_KRETPROBE(sec_uretprobe, int ret)
{
	if (wanted()) {
		count(SLOT_URETPROBE);
		last_getpid_ret = ret;
	}
	return 0;
}

/* No target in the section name: the caller attaches it where it likes. */
SEC("uprobe")
int BPF_KPROBE(sec_uprobe_manual)
{
	if (wanted())
		count(SLOT_UPROBE_MANUAL);
	return 0;
}

SEC("uprobe.s/libc.so.6:getpid")
int BPF_KPROBE(sec_uprobe_sleepable)
{
	if (wanted())
		count(SLOT_UPROBE_SLEEPABLE);
	return 0;
}

SEC("perf_event")
int sec_perf_event(struct bpf_perf_event_data *ctx)
{
	count(SLOT_PERF_EVENT);
	return 0;
}

/* Socket filter: keeps the whole packet. */
SEC("socket")
int sec_socket(struct __sk_buff *skb)
{
	count(SLOT_SOCKET);
	return skb->len;
}

SEC("xdp")
int sec_xdp(struct xdp_md *ctx)
{
	count(SLOT_XDP);
	return XDP_PASS;
}

SEC("tc")
int sec_tc(struct __sk_buff *skb)
{
	count(SLOT_TC);
	return TC_ACT_OK;
}

/* 1 lets the packet in. */
SEC("cgroup_skb/ingress")
int sec_cgroup_skb(struct __sk_buff *skb)
{
	count(SLOT_CGROUP_SKB);
	return 1;
}

SEC("syscall")
int sec_syscall(void *ctx)
{
	count(SLOT_SYSCALL);
	return SLOT_SYSCALL;
}

/* One line "<tgid> <tid> <comm>" per task, through a seq_file. */
SEC("iter/task")
int sec_iter(struct bpf_iter__task *ctx)
{
	struct task_struct *task = ctx->task;

	if (!task)
		return 0;
	count(SLOT_ITER);
	BPF_SEQ_PRINTF(ctx->meta->seq, "%d %d %s\n", task->tgid, task->pid, task->comm);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
