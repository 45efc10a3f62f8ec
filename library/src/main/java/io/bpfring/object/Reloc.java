package io.bpfring.object;

/**
 * What an instruction of a function refers to, resolved when the object is opened: a map, a
 * place in a map's value, or another function. {@link #insn()} counts instructions from the start
 * of the function; the linker moves it to where the function lands in each program.
 */
sealed interface Reloc {
    int insn();

    /** Moved {@code by} instructions. */
    Reloc shifted(int by);

    /** The function a call or callback address refers to; null for a map reference. */
    default Function callee() {
        return null;
    }

    /** An ld_imm64 of a map: {@code BPF_PSEUDO_MAP_FD} with the map's fd. */
    record MapFd(int insn, MapSpec map) implements Reloc {
        public Reloc shifted(int by) {
            return new MapFd(insn + by, map);
        }
    }

    /** An ld_imm64 of the address {@code offset} bytes into a map's value: {@code BPF_PSEUDO_MAP_VALUE}. */
    record MapValue(int insn, MapSpec map, int offset) implements Reloc {
        public Reloc shifted(int by) {
            return new MapValue(insn + by, map, offset);
        }
    }

    /** A call of a BPF function: the immediate becomes the distance to where the target lands. */
    record Call(int insn, Function target) implements Reloc {
        public Reloc shifted(int by) {
            return new Call(insn + by, target);
        }

        @Override
        public Function callee() {
            return target;
        }
    }

    /** An ld_imm64 of a function's address, a callback: {@code BPF_PSEUDO_FUNC} with the distance to it. */
    record FuncAddr(int insn, Function target) implements Reloc {
        public Reloc shifted(int by) {
            return new FuncAddr(insn + by, target);
        }

        @Override
        public Function callee() {
            return target;
        }
    }
}
