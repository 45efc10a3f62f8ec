#!/usr/bin/env bash
# Checks that libbpf (through bpftool) loads each object here on the running
# kernel: `bpftool prog loadall` pins every program, then the pins are
# removed. Needs root and a BPF filesystem at /sys/fs/bpf. Objects with
# sections this kernel may refuse are loaded too, and reported, not failed.
set -uo pipefail

cd "$(dirname "$0")"
bpftool=${BPFTOOL:-bpftool}
# bpffs names may not contain dots.
pins=/sys/fs/bpf/bpfring-testdata-$$
log=$(mktemp)
status=0

load() { # object [extra bpftool args...]
	local obj=$1; shift
	local name=${obj%.bpf.o}
	local dir=$pins/$name
	rm -rf "$dir"
	if "$bpftool" prog loadall "$obj" "$dir" "$@" >"$log" 2>&1; then
		echo "ok      $obj: $(ls "$dir" | tr '\n' ' ')"
	else
		echo "FAILED  $obj (bpftool prog loadall $obj <dir> $*):"
		grep -E '^libbpf:|^Error' "$log" | tail -5 | sed 's/^/        /'
		return 1
	fi
}

mkdir -p "$pins"
for obj in execsnoop_perfbuf.bpf.o execsnoop_ringbuf_output.bpf.o \
	execsnoop_ringbuf_reserve.bpf.o globals.bpf.o subprogs.bpf.o core.bpf.o \
	sections.bpf.o linked.bpf.o lifecycle.bpf.o decode.bpf.o; do
	load "$obj" || status=1
done
# globals.bpf.o pins one map by name at the default place.
rm -f /sys/fs/bpf/fixture_pinned

# tcx/ sections are known to libbpf from 1.3 on; older ones need the type.
if "$bpftool" prog loadall tcx.bpf.o "$pins/tcx" >/dev/null 2>&1; then
	echo "ok      tcx.bpf.o: $(ls "$pins/tcx" | tr '\n' ' ')"
else
	load tcx.bpf.o type tc || status=1
fi

# kprobe programs load without CONFIG_KPROBES (only attaching needs it);
# fentry, fexit, fmod_ret and lsm need trampolines the kernel may refuse.
echo "expected to fail where trampolines or the BPF LSM are unavailable:"
load unsupported.bpf.o || true

rm -rf "$pins" "$log"
exit $status
