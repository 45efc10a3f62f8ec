// SPDX-License-Identifier: GPL-2.0
/*
 * Records for the decoders: one struct with every kind of member a BPF
 * event carries, laid out by the compiler, and a sample of each with known
 * values in .data. The sample's bytes in the object are the record exactly as
 * a program sends it, and its type is in .BTF (and DWARF), so a decoder is
 * checked against the compiler's layout, bitfields included.
 *
 * decode_run (SEC("syscall"), BPF_PROG_TEST_RUN with no context) sends
 * `sample` (sizeof, without the flexible tail) and then `small` to the ring
 * `events`, and returns 0.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

enum decode_color {
	DECODE_RED = 0,
	DECODE_GREEN = 1,
	DECODE_BLUE = 2,
	DECODE_NEGATIVE = -1,
};

struct decode_point {
	__s16 x;
	__s16 y;
};

/*
 * A 63-bit bitfield three bits into a packed struct spans nine bytes. (Not
 * 64 bits: clang 14 writes a bitfield as wide as its type to DWARF as a plain
 * member at byte 0, so DWARF and BTF would disagree.)
 */
struct decode_packed {
	__u8 lead : 3;
	__u64 wide : 63;
	__u8 last : 5;
} __attribute__((packed));

struct decode_sample {
	__u8 u8;
	__s8 s8;
	__u16 u16;
	__s16 s16;
	bool flag;
	char c;
	__u32 u32;
	__s32 s32;
	__u64 u64;
	__s64 s64;
	unsigned __int128 u128;
	__int128 s128;
	enum decode_color color;
	enum decode_color unknown;	/* a value no enumerator has */
	float f;
	double d;
	void *ptr;
	struct decode_point at;
	union {
		__u32 word;
		__u8 bytes[4];
	} raw;
	struct {			/* anonymous: its members are the parent's */
		__u32 anon_a;
		union {
			__s32 anon_b;
			__u32 anon_c;
		};
	};
	__u32 bf_a : 3;
	__s32 bf_b : 5;
	__u32 bf_c : 24;
	__u64 bf_d : 40;
	__s64 bf_e : 20;
	bool bf_f : 1;
	enum decode_color bf_g : 2;
	__u32 : 0;			/* unnamed: padding, not a field */
	__s8 bf_h : 4;
	struct decode_packed packed;
	__u16 matrix[2][3];
	char names[3][8];
	__u8 mac[6];
	struct decode_point path[2];
	char comm[16];
	char tail[];			/* flexible: what the record holds past the struct */
};

/* A small event: 24 bytes. */
struct decode_small {
	__u32 pid;
	__u32 tid;
	__u64 ts;
	__s32 ret;
	__u32 flags;
};

struct decode_sample sample = {
	.u8 = 250,
	.s8 = -100,
	.u16 = 65000,
	.s16 = -32000,
	.flag = true,
	.c = 'A',
	.u32 = 4000000000u,
	.s32 = -2000000000,
	.u64 = 18446744073709551615ull,
	.s64 = -9223372036854775807ll - 1,
	.u128 = (((unsigned __int128)0xfedcba9876543210ull) << 64) | 0x0123456789abcdefull,
	.s128 = -(((__int128)1) << 100),
	.color = DECODE_BLUE,
	.unknown = 7,
	.f = 1.5f,
	.d = -0.1,
	.ptr = (void *)0xffff888100a2b3c0ull,
	.at = { .x = -3, .y = 4 },
	.raw = { .word = 0x04030201 },
	.anon_a = 11,
	.anon_b = -12,
	.bf_a = 5,
	.bf_b = -9,
	.bf_c = 0xabcdef,
	.bf_d = 0xfedcba9876ull,
	.bf_e = -300000,
	.bf_f = true,
	.bf_g = DECODE_GREEN,
	.bf_h = -8,
	.packed = { .lead = 6, .wide = 0x4000000000000001ull, .last = 31 },
	.matrix = { { 1, 2, 3 }, { 4, 5, 6 } },
	.names = { "one", "two", "three" },
	.mac = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 },
	.path = { { 1, 2 }, { -1, -2 } },
	.comm = "decode\t\"q\"",
};

struct decode_small small = {
	.pid = 4242,
	.tid = 4243,
	.ts = 123456789012345ull,
	.ret = -2,
	.flags = 0x80000,
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

SEC("syscall")
int decode_run(void *ctx)
{
	bpf_ringbuf_output(&events, &sample, sizeof(sample), 0);
	bpf_ringbuf_output(&events, &small, sizeof(small), 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
