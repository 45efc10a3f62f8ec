/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Records of lifecycle.bpf.o, a process lifecycle tracer the size of a
 * mid-size libbpf-tools tool. Every record starts with struct lc_header;
 * `kind` says which record follows. Layouts are naturally aligned.
 */
#ifndef LIFECYCLE_H
#define LIFECYCLE_H

#define LC_COMM_LEN 16
#define LC_ARGSIZE 128
#define LC_MAX_ARGS 16
#define LC_ARGS_BUF (LC_MAX_ARGS * LC_ARGSIZE)	/* 2048, a power of two */
#define LC_LAST_ARG (LC_ARGS_BUF - LC_ARGSIZE)
#define LC_NAME_LEN 256
#define LC_HIST_SLOTS 26

enum lc_kind {
	LC_EXEC = 1,
	LC_EXIT = 2,
	LC_FORK = 3,
	LC_OPEN = 4,
};

struct lc_header {			/* 48 bytes */
	__u32 kind;
	__u32 pid;			/* thread-group id */
	__u32 tid;
	__u32 ppid;			/* real parent's thread-group id */
	__u32 uid;
	__u32 cpu;
	__u64 ts_ns;			/* bpf_ktime_get_ns() */
	char comm[LC_COMM_LEN];
};

/* Sent from the exit of execve: argv as NUL-separated strings. */
struct lc_exec {
	struct lc_header h;
	__s32 retval;
	__u32 args_count;		/* may exceed the strings held */
	__u32 args_size;		/* bytes of args used */
	__u32 pad;
	char args[LC_ARGS_BUF];		/* only args_size bytes are sent */
};

struct lc_exit {
	struct lc_header h;
	__s32 exit_code;		/* as wait(2) reports it */
	__u32 signal;			/* exit_code & 0x7f */
	__u64 lifetime_ns;		/* now - task start_time */
	__u64 utime_ns;
	__u64 stime_ns;
	__u64 nvcsw;
	__u64 nivcsw;
	__u32 live_threads;
	__u32 exit_signal;
};

struct lc_fork {
	struct lc_header h;		/* the parent */
	__u32 child_pid;
	__u32 pad;
	char child_comm[LC_COMM_LEN];
};

struct lc_open {
	struct lc_header h;
	__s32 ret;			/* fd or -errno */
	__s32 dfd;
	__s32 flags;
	__u32 mode;
	__u64 latency_ns;		/* enter to exit */
	char fname[LC_NAME_LEN];
};

/* Value of the run-queue latency histogram map, log2 microseconds. */
struct lc_hist {
	__u32 slots[LC_HIST_SLOTS];
	char comm[LC_COMM_LEN];
};

#endif
