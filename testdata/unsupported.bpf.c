// SPDX-License-Identifier: GPL-2.0
/*
 * Section families that do not load on every kernel: kprobes need
 * CONFIG_KPROBES, fentry/fexit/fmod_ret need BPF trampolines that the
 * kernel lets this caller use, lsm needs the BPF LSM. A loader should
 * still parse every program here and map its section to the right type,
 * expected attach type and attach target.
 *
 * Each program adds 1 to its slot of `counts` (see README.md).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

enum slot {
	SLOT_KPROBE,
	SLOT_KRETPROBE,
	SLOT_KSYSCALL,
	SLOT_KRETSYSCALL,
	SLOT_FENTRY,
	SLOT_FEXIT,
	SLOT_FMOD_RET,
	SLOT_LSM,
	SLOT_COUNT,
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SLOT_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} counts SEC(".maps");

static void count(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &slot);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("kprobe/do_nanosleep")
int BPF_KPROBE(sec_kprobe, struct hrtimer_sleeper *t)
{
	count(SLOT_KPROBE);
	return 0;
}

SEC("kretprobe/do_nanosleep")
int BPF_KRETPROBE(sec_kretprobe, int ret)
{
	count(SLOT_KRETPROBE);
	return 0;
}

/* libbpf resolves the arch-specific symbol (__x64_sys_getpgid here). */
SEC("ksyscall/getpgid")
int BPF_KSYSCALL(sec_ksyscall, pid_t pid)
{
	count(SLOT_KSYSCALL);
	return 0;
}

SEC("kretsyscall/getpgid")
int BPF_KRETPROBE(sec_kretsyscall, long ret)
{
	count(SLOT_KRETSYSCALL);
	return 0;
}

SEC("fentry/do_nanosleep")
int BPF_PROG(sec_fentry, struct hrtimer_sleeper *t)
{
	count(SLOT_FENTRY);
	return 0;
}

SEC("fexit/do_nanosleep")
int BPF_PROG(sec_fexit, struct hrtimer_sleeper *t, int ret)
{
	count(SLOT_FEXIT);
	return 0;
}

/* Only functions on the kernel's error-injection list may be modified. */
SEC("fmod_ret/security_task_getsid")
int BPF_PROG(sec_fmod_ret, struct task_struct *p, int ret)
{
	count(SLOT_FMOD_RET);
	return 0;
}

SEC("lsm/task_alloc")
int BPF_PROG(sec_lsm, struct task_struct *task, unsigned long clone_flags, int ret)
{
	count(SLOT_LSM);
	return ret;
}

char LICENSE[] SEC("license") = "GPL";
