// SPDX-License-Identifier: GPL-2.0
/*
 * Types for the DWARF reader's tests, built as DWARF 3, 4 and 5 (build.sh). The global
 * `kept` puts struct sample and what it uses into .BTF as well, so the tests can hold what
 * the reader makes of the DWARF against what clang wrote to .BTF.
 */
typedef unsigned int u32;
typedef unsigned long long u64;

enum color { RED = 0, GREEN = 1, BLUE = -1 };

struct flags {
	u32 low: 3;
	u32 mid: 10;
	int signed_bits: 5;
	unsigned char byte;
	u64 wide;
};

union value {
	u64 number;
	char bytes[8];
	struct { u32 lo, hi; } halves;
};

struct sample {
	const volatile int counter;
	char matrix[2][3];
	struct flags flags;
	union value value;
	enum color color;
	int (*callback)(void *ctx, long n, ...);
	struct sample *next;
	struct opaque *hidden;
	_Bool ready;
	u64 tail[];
};

struct sample kept;

__attribute__((section("syscall"), used))
int probe(void *ctx)
{
	struct sample *s = ctx;
	return s->flags.mid + s->matrix[1][2] + s->value.halves.hi + (s->color == RED);
}

char LICENSE[] __attribute__((section("license"), used)) = "GPL";
