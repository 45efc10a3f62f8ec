// SPDX-License-Identifier: GPL-2.0
/*
 * A process lifecycle tracer sized like a mid-size libbpf-tools tool, for
 * load-time benchmarks and for a loader test on a realistic object:
 * several programs, maps of several kinds, filters in .rodata, CO-RE reads
 * with flavours, unrolled loops.
 *
 *   exec:  argv of every execve, sent at its exit (execsnoop-like)
 *   exit:  exit code, lifetime and CPU times of each process (exitsnoop-like)
 *   fork:  parent and child of every fork
 *   open:  openat(2) with its result and latency (opensnoop-like)
 *   runq:  run-queue latency histogram per process (runqlat-like)
 *
 * Records go to the ring `events` (layouts in lifecycle.h); the histogram
 * stays in the map `hists`.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>
#include "lifecycle.h"

#define MAX_ENTRIES 1024
#define TASK_RUNNING 0
#define NSEC_PER_USEC 1000ULL

/* Filters, set before load; 0 / false means off. */
const volatile pid_t targ_tgid = 0;
const volatile uid_t targ_uid = (uid_t)-1;
const volatile bool targ_failed = false;
const volatile bool trace_threads = false;
const volatile bool filter_cg = false;
const volatile bool hist_per_process = true;
const volatile __u64 min_open_ns = 0;
const volatile int max_args = LC_MAX_ARGS;

static const struct lc_exec empty_exec = {};
static const struct lc_hist empty_hist = {};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1024 * 1024);
} events SEC(".maps");

/* Cgroup to trace when filter_cg is set, at index 0. */
struct {
	__uint(type, BPF_MAP_TYPE_CGROUP_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} cgroup_map SEC(".maps");

/* execve in flight, by thread id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct lc_exec);
} execs SEC(".maps");

struct open_args {
	const char *fname;
	__u64 ts_ns;
	__s32 dfd;
	__s32 flags;
	__u32 mode;
	__u32 pad;
};

/* openat in flight, by thread id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct open_args);
} opens SEC(".maps");

/* Forks per parent process. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} forks SEC(".maps");

/* When each thread was woken, for run-queue latency. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} wakeups SEC(".maps");

/* Run-queue latency, per process or all in key 0. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct lc_hist);
} hists SEC(".maps");

/* Records lost for want of ring space, by kind (index = enum lc_kind). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* task_struct before Linux 5.14, when __state was still state. */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

/* sched_process_fork before Linux 6.x moved the comms to __data_loc. */
struct trace_event_raw_sched_process_fork___old {
	char parent_comm[16];
	pid_t parent_pid;
	char child_comm[16];
	pid_t child_pid;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *task)
{
	struct task_struct___pre514 *old = (void *)task;

	if (bpf_core_field_exists(task->__state))
		return BPF_CORE_READ(task, __state);
	return BPF_CORE_READ(old, state);
}

static __always_inline void count_lost(__u32 kind)
{
	__u64 *v = bpf_map_lookup_elem(&lost, &kind);

	if (v)
		*v += 1;
}

static __always_inline bool wanted(pid_t tgid, uid_t uid)
{
	if (filter_cg && !bpf_current_task_under_cgroup(&cgroup_map, 0))
		return false;
	if (targ_tgid && tgid != targ_tgid)
		return false;
	if (targ_uid != (uid_t)-1 && uid != targ_uid)
		return false;
	return true;
}

static __always_inline void fill_header(struct lc_header *h, __u32 kind)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();

	h->kind = kind;
	h->pid = id >> 32;
	h->tid = (__u32)id;
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	h->uid = (__u32)bpf_get_current_uid_gid();
	h->cpu = bpf_get_smp_processor_id();
	h->ts_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 r, shift;

	r = (v > 0xFFFF) << 4; v >>= r;
	shift = (v > 0xFF) << 3; v >>= shift; r |= shift;
	shift = (v > 0xF) << 2; v >>= shift; r |= shift;
	shift = (v > 0x3) << 1; v >>= shift; r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 32 : log2_u32(v);
}

/* exec */

SEC("tp/syscalls/sys_enter_execve")
int lifecycle_exec_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	const char **argv;
	const char *arg;
	struct lc_exec *e;
	int ret, i;

	if (!wanted(id >> 32, (__u32)bpf_get_current_uid_gid()))
		return 0;
	if (bpf_map_update_elem(&execs, &tid, &empty_exec, BPF_NOEXIST))
		return 0;
	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;

	fill_header(&e->h, LC_EXEC);
	argv = (const char **)BPF_CORE_READ(ctx, args[1]);

	ret = bpf_probe_read_user_str(e->args, LC_ARGSIZE, (const char *)ctx->args[0]);
	if (ret < 0)
		return 0;
	if (ret <= LC_ARGSIZE) {
		e->args_size += ret;
	} else {
		e->args[0] = '\0';
		e->args_size++;
	}
	e->args_count++;

	#pragma unroll
	for (i = 1; i < LC_MAX_ARGS; i++) {
		if (i >= max_args)
			break;
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			return 0;
		if (e->args_size > LC_LAST_ARG)
			return 0;
		ret = bpf_probe_read_user_str(&e->args[e->args_size], LC_ARGSIZE, arg);
		if (ret < 0)
			return 0;
		e->args_count++;
		e->args_size += ret;
	}

	/* Count one more when argv goes on past what was copied. */
	if (bpf_probe_read_user(&arg, sizeof(arg), &argv[LC_MAX_ARGS]) || !arg)
		return 0;
	e->args_count++;
	return 0;
}

SEC("tp/syscalls/sys_exit_execve")
int lifecycle_exec_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct lc_exec *e;
	__u64 len;
	int ret;

	e = bpf_map_lookup_elem(&execs, &tid);
	if (!e)
		return 0;
	ret = ctx->ret;
	if (targ_failed && ret >= 0)
		goto out;
	e->retval = ret;
	/* comm after exec is the new program's name. */
	bpf_get_current_comm(e->h.comm, sizeof(e->h.comm));

	len = offsetof(struct lc_exec, args) + e->args_size;
	if (len > sizeof(*e))
		len = sizeof(*e);
	if (bpf_ringbuf_output(&events, e, len, 0))
		count_lost(LC_EXEC);
out:
	bpf_map_delete_elem(&execs, &tid);
	return 0;
}

/* exit */

SEC("tp/sched/sched_process_exit")
int lifecycle_exit(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = bpf_get_current_pid_tgid();
	pid_t tgid = id >> 32, tid = (__u32)id;
	struct lc_exit *e;
	int exit_code;

	if (!trace_threads && tgid != tid)
		return 0;
	if (!wanted(tgid, (__u32)bpf_get_current_uid_gid()))
		return 0;
	exit_code = BPF_CORE_READ(task, exit_code);
	if (targ_failed && exit_code == 0)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(LC_EXIT);
		return 0;
	}
	fill_header(&e->h, LC_EXIT);
	e->exit_code = exit_code;
	e->signal = exit_code & 0x7f;
	e->lifetime_ns = e->h.ts_ns - BPF_CORE_READ(task, start_time);
	e->utime_ns = BPF_CORE_READ(task, utime);
	e->stime_ns = BPF_CORE_READ(task, stime);
	e->nvcsw = BPF_CORE_READ(task, nvcsw);
	e->nivcsw = BPF_CORE_READ(task, nivcsw);
	e->live_threads = BPF_CORE_READ(task, signal, live.counter);
	e->exit_signal = BPF_CORE_READ(task, exit_signal);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* fork */

SEC("tp/sched/sched_process_fork")
int lifecycle_fork(struct trace_event_raw_sched_process_fork *ctx)
{
	struct trace_event_raw_sched_process_fork___old *old = (void *)ctx;
	__u64 id = bpf_get_current_pid_tgid();
	__u32 parent = id >> 32;
	__u64 one = 1, *n;
	struct lc_fork *e;
	__u32 loc;

	if (!wanted(parent, (__u32)bpf_get_current_uid_gid()))
		return 0;

	n = bpf_map_lookup_elem(&forks, &parent);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		bpf_map_update_elem(&forks, &parent, &one, BPF_ANY);

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(LC_FORK);
		return 0;
	}
	fill_header(&e->h, LC_FORK);
	e->pad = 0;
	if (bpf_core_field_exists(ctx->__data_loc_child_comm)) {
		e->child_pid = BPF_CORE_READ(ctx, child_pid);
		/* __data_loc: low 16 bits offset from the record start, high 16 length. */
		loc = BPF_CORE_READ(ctx, __data_loc_child_comm);
		bpf_probe_read_kernel_str(e->child_comm, sizeof(e->child_comm),
					  (void *)ctx + (loc & 0xffff));
	} else {
		e->child_pid = BPF_CORE_READ(old, child_pid);
		BPF_CORE_READ_STR_INTO(&e->child_comm, old, child_comm);
	}
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/* open */

SEC("tp/syscalls/sys_enter_openat")
int lifecycle_open_enter(struct trace_event_raw_sys_enter *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct open_args args = {};

	if (!wanted(id >> 32, (__u32)bpf_get_current_uid_gid()))
		return 0;
	args.dfd = (int)ctx->args[0];
	args.fname = (const char *)ctx->args[1];
	args.flags = (int)ctx->args[2];
	args.mode = (__u32)ctx->args[3];
	args.ts_ns = bpf_ktime_get_ns();
	bpf_map_update_elem(&opens, &tid, &args, BPF_ANY);
	return 0;
}

SEC("tp/syscalls/sys_exit_openat")
int lifecycle_open_exit(struct trace_event_raw_sys_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct open_args *args;
	struct lc_open *e;
	__u64 now, latency;
	int ret;

	args = bpf_map_lookup_elem(&opens, &tid);
	if (!args)
		return 0;
	ret = ctx->ret;
	now = bpf_ktime_get_ns();
	latency = now - args->ts_ns;
	if (targ_failed && ret >= 0)
		goto out;
	if (latency < min_open_ns)
		goto out;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		count_lost(LC_OPEN);
		goto out;
	}
	fill_header(&e->h, LC_OPEN);
	e->ret = ret;
	e->dfd = args->dfd;
	e->flags = args->flags;
	e->mode = args->mode;
	e->latency_ns = latency;
	bpf_probe_read_user_str(e->fname, sizeof(e->fname), args->fname);
	bpf_ringbuf_submit(e, 0);
out:
	bpf_map_delete_elem(&opens, &tid);
	return 0;
}

/* run-queue latency */

static __always_inline int note_wakeup(struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	__u32 tid = BPF_CORE_READ(p, pid);
	__u64 now;

	if (!tid)
		return 0;
	if (targ_tgid && tgid != targ_tgid)
		return 0;
	now = bpf_ktime_get_ns();
	bpf_map_update_elem(&wakeups, &tid, &now, BPF_ANY);
	return 0;
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(lifecycle_wakeup, struct task_struct *p)
{
	return note_wakeup(p);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(lifecycle_wakeup_new, struct task_struct *p)
{
	return note_wakeup(p);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(lifecycle_switch, bool preempt, struct task_struct *prev,
	     struct task_struct *next)
{
	struct lc_hist *hist;
	__u64 *start, delta;
	__u32 tid, key, slot;

	/* A preempted task goes straight back on the run queue. */
	if (task_state(prev) == TASK_RUNNING)
		note_wakeup(prev);

	tid = BPF_CORE_READ(next, pid);
	start = bpf_map_lookup_elem(&wakeups, &tid);
	if (!start)
		return 0;
	delta = bpf_ktime_get_ns() - *start;
	bpf_map_delete_elem(&wakeups, &tid);
	if ((__s64)delta < 0)
		return 0;

	key = hist_per_process ? BPF_CORE_READ(next, tgid) : 0;
	hist = bpf_map_lookup_elem(&hists, &key);
	if (!hist) {
		bpf_map_update_elem(&hists, &key, &empty_hist, BPF_NOEXIST);
		hist = bpf_map_lookup_elem(&hists, &key);
		if (!hist)
			return 0;
		if (hist_per_process)
			BPF_CORE_READ_STR_INTO(&hist->comm, next, group_leader, comm);
	}
	slot = log2_u64(delta / NSEC_PER_USEC);
	if (slot >= LC_HIST_SLOTS)
		slot = LC_HIST_SLOTS - 1;
	__sync_fetch_and_add(&hist->slots[slot], 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
