// SPDX-License-Identifier: GPL-2.0
/*
 * CO-RE: relocated field reads several pointers deep, field existence and
 * size, type existence, size and ids, enum values, bitfields, and a
 * ___flavour struct whose field this kernel lacks.
 *
 * core_getpgid (tp/syscalls/sys_enter_getpgid) fills a struct core_event
 * about the calling thread and sends it to the ring `events`. Only calls
 * from the process targ_tgid are seen (any process when it is 0).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

const volatile pid_t targ_tgid = 0;

/*
 * task_struct.state was renamed __state in Linux 5.14. Code that runs on
 * both declares the old shape as a flavour: libbpf matches
 * task_struct___old with the kernel's task_struct, and the relocation of
 * `state` fails on newer kernels. Guarded by bpf_core_field_exists, the
 * poisoned read is dead code the verifier never reaches.
 */
struct task_struct___old {
	long state;
} __attribute__((preserve_access_index));

/* Exists nowhere in the kernel. */
struct fixture_absent_type {
	int nothing;
} __attribute__((preserve_access_index));

/* A flavour of enum pid_type with an enumerator the kernel does not have. */
enum pid_type___fixture {
	PIDTYPE_FIXTURE_ABSENT = 100,
};

/* All fields naturally aligned; see README.md for offsets. */
struct core_event {
	__s32 pid;
	__s32 tid;
	__s32 ppid;
	__s32 pgid;
	__s32 sid;
	__s32 nr_threads;
	__u32 flags;
	__s32 prio;
	__s32 static_prio;
	__u32 state;
	__u64 start_time;
	char comm[16];
	char leader_comm[16];
	__u32 comm_size;
	__u32 has_pid_field;
	__u32 has_old_state;
	__u32 has_old_flavour_type;
	__u32 has_absent_type;
	__u32 has_pgid_enum;
	__u32 has_absent_enum;
	__u32 pgid_enum_value;
	__u32 task_struct_kernel_id;
	__u32 task_struct_local_id;
	__u32 task_struct_size;
	__u32 sched_reset_on_fork;
	__u32 in_execve;
	__u32 pid_offset;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} events SEC(".maps");

static __s32 pid_nr_of(struct task_struct *task, __u32 type)
{
	struct signal_struct *signal = BPF_CORE_READ(task, signal);
	struct pid *pid = NULL;

	if (type >= 4)
		return -1;
	bpf_core_read(&pid, sizeof(pid), &signal->pids[type]);
	if (!pid)
		return -1;
	return BPF_CORE_READ(pid, numbers[0].nr);
}

SEC("tp/syscalls/sys_enter_getpgid")
int core_getpgid(void *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct task_struct___old *old = (void *)task;
	__u64 id = bpf_get_current_pid_tgid();
	struct core_event *e;

	if (targ_tgid && (id >> 32) != targ_tgid)
		return 0;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;

	e->pid = BPF_CORE_READ(task, tgid);
	e->tid = BPF_CORE_READ(task, pid);
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->pgid = pid_nr_of(task, bpf_core_enum_value(enum pid_type, PIDTYPE_PGID));
	e->sid = pid_nr_of(task, bpf_core_enum_value(enum pid_type, PIDTYPE_SID));
	e->nr_threads = BPF_CORE_READ(task, signal, nr_threads);
	e->flags = BPF_CORE_READ(task, flags);
	e->prio = BPF_CORE_READ(task, prio);
	e->static_prio = BPF_CORE_READ(task, static_prio);

	if (bpf_core_field_exists(old->state))
		e->state = BPF_CORE_READ(old, state);
	else
		e->state = BPF_CORE_READ(task, __state);

	e->start_time = BPF_CORE_READ(task, group_leader, start_time);
	BPF_CORE_READ_STR_INTO(&e->comm, task, comm);
	BPF_CORE_READ_STR_INTO(&e->leader_comm, task, group_leader, comm);

	e->comm_size = bpf_core_field_size(task->comm);
	e->has_pid_field = bpf_core_field_exists(task->pid);
	e->has_old_state = bpf_core_field_exists(old->state);
	e->has_old_flavour_type = bpf_core_type_exists(struct task_struct___old);
	e->has_absent_type = bpf_core_type_exists(struct fixture_absent_type);
	e->has_pgid_enum = bpf_core_enum_value_exists(enum pid_type, PIDTYPE_PGID);
	e->has_absent_enum = bpf_core_enum_value_exists(enum pid_type___fixture,
							PIDTYPE_FIXTURE_ABSENT);
	e->pgid_enum_value = bpf_core_enum_value(enum pid_type, PIDTYPE_PGID);
	e->task_struct_kernel_id = bpf_core_type_id_kernel(struct task_struct);
	e->task_struct_local_id = bpf_core_type_id_local(struct task_struct);
	e->task_struct_size = bpf_core_type_size(struct task_struct);
	e->sched_reset_on_fork = BPF_CORE_READ_BITFIELD_PROBED(task, sched_reset_on_fork);
	e->in_execve = BPF_CORE_READ_BITFIELD_PROBED(task, in_execve);
	e->pid_offset = bpf_core_field_offset(task->pid);

	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
