/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The exec event shared by the three exec tracers: what the article's
 * example prints (pid, comm, filename). 532 bytes, more than the 512-byte
 * BPF stack, so no variant can build it in a local variable.
 *
 * Layout (little-endian, no padding):
 *   offset   0  s32  pid       thread-group id of the caller of execve
 *   offset   4  char comm[16]  comm before the exec, NUL-terminated
 *   offset  20  char filename[512]  the path given to execve, NUL-terminated
 */
#ifndef EXEC_EVENT_H
#define EXEC_EVENT_H

#define TASK_COMM_LEN 16
#define EXEC_FILENAME_LEN 512

struct event {
	pid_t pid;
	char comm[TASK_COMM_LEN];
	char filename[EXEC_FILENAME_LEN];
};

#endif
