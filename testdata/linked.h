/* SPDX-License-Identifier: GPL-2.0 */
/* What the two halves of linked.bpf.o share. */
#ifndef LINKED_H
#define LINKED_H

/* Slots of linked_counts. */
enum linked_slot {
	LINKED_SLOT_EXECS,	/* events submitted by linked_execve */
	LINKED_SLOT_DROPS,	/* reservations that failed */
	LINKED_SLOT_GETPGID,	/* getpgid(2) calls by targ_tgid */
	LINKED_SLOT_COUNT,
};

extern int linked_count(__u32 slot) __hidden;

#endif
