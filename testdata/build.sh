#!/usr/bin/env bash
# Rebuilds the BPF test objects in this directory from their sources.
#
# Only this script needs clang, bpftool and libbpf's headers; the tests and
# users of the library read the checked-in *.bpf.o files.
#
# The objects are built the way libbpf-tools builds its tools: vmlinux.h
# dumped from the running kernel's BTF, then one clang invocation per object
# with -g -O2 -target bpf -D__TARGET_ARCH_<arch>. Unlike libbpf-tools, the
# objects are kept as clang wrote them (with DWARF); only linked.bpf.o goes
# through `bpftool gen object`, which links and drops DWARF.
#
# Environment: CLANG, BPFTOOL (commands), VMLINUX_BTF (the BTF to dump,
# default /sys/kernel/btf/vmlinux).
set -euo pipefail

cd "$(dirname "$0")"
here=$(pwd)
build=.build
clang=${CLANG:-clang}
bpftool=${BPFTOOL:-bpftool}
vmlinux_btf=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}

case "$(uname -m)" in
	x86_64) arch=x86 ;;
	aarch64) arch=arm64 ;;
	s390x) arch=s390 ;;
	ppc64le) arch=powerpc ;;
	riscv64) arch=riscv ;;
	*) arch=$(uname -m) ;;
esac

mkdir -p "$build"
"$bpftool" btf dump file "$vmlinux_btf" format c > "$build/vmlinux.h.tmp"
mv "$build/vmlinux.h.tmp" "$build/vmlinux.h"

# With -target bpf clang leaves out the host's system include directories;
# add them as libbpf-tools does, for headers such as <asm/types.h>.
sys_includes=$("$clang" -v -E - </dev/null 2>&1 |
	sed -n '/<...> search starts here:/,/End of search list./{ s| \(/.*\)|-idirafter \1|p }')

# -fdebug-prefix-map keeps the build directory out of the DWARF.
cflags=(-g -O2 -Wall -target bpf "-D__TARGET_ARCH_$arch"
	-I"$build" -I. $sys_includes "-fdebug-prefix-map=$here=.")

compile() { # source object
	echo "  CC $2"
	"$clang" "${cflags[@]}" -c "$1" -o "$2"
}

# Objects compiled straight from one source each.
objects=(
	execsnoop_perfbuf
	execsnoop_ringbuf_output
	execsnoop_ringbuf_reserve
	globals
	subprogs
	core
	sections
	tcx
	unsupported
	lifecycle
	decode
	missing_tracepoint
)
for obj in "${objects[@]}"; do
	compile "$obj.bpf.c" "$obj.bpf.o"
done

# linked.bpf.o: two objects linked into one by bpftool, which also drops
# DWARF (as every libbpf-tools object goes through it).
for half in linked_exec linked_counter; do
	compile "$half.bpf.c" "$build/$half.bpf.o"
done
echo "  GEN-OBJ linked.bpf.o"
"$bpftool" gen object linked.bpf.o "$build/linked_exec.bpf.o" "$build/linked_counter.bpf.o"
