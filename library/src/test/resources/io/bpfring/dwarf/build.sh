#!/usr/bin/env bash
# Rebuilds the DWARF reader's test objects from types.bpf.c: the same source as DWARF 4,
# DWARF 5 and DWARF 3 (whose bitfields count bits from the other end). Needs clang.
set -euo pipefail
cd "$(dirname "$0")"
for v in 3 4 5; do
	${CLANG:-clang} -g -gdwarf-$v -O2 -target bpf "-fdebug-prefix-map=$(pwd)=." -c types.bpf.c -o types_dwarf$v.bpf.o
done
