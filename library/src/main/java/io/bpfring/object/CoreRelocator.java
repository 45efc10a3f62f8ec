package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfExt;

import java.util.List;

/**
 * The one place CO-RE plugs into loading: given a linked program and its CO-RE relocations, it
 * rewrites the instructions for the running kernel's types (offsets, sizes, existence checks,
 * type ids, enum values), poisoning what cannot be satisfied. It runs after linking and before
 * maps are wired in, once per program.
 */
@FunctionalInterface
public interface CoreRelocator {
    /**
     * Fixes {@code insns} up in place.
     *
     * @param localBtf    the object's BTF, which the relocations' type ids and access strings refer to
     * @param insns       the linked program, one {@code bpf_insn} per long, little-endian
     * @param relocations its CO-RE relocations; instruction offsets are bytes into {@code insns}
     * @throws Failure for a relocation that cannot even be applied (a malformed one)
     */
    void relocate(Btf localBtf, long[] insns, List<BtfExt.CoreRelo> relocations);

    /** Relocation {@code index} of the list could not be applied; the loader names its program and instruction. */
    final class Failure extends RuntimeException {
        private final int index;

        public Failure(int index, String reason) {
            super(reason);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    /** No CO-RE: a program with CO-RE relocations fails to load, naming its first one. */
    static CoreRelocator unsupported() {
        return (btf, insns, relocations) -> {
            throw new Failure(0, "CO-RE relocations are not supported yet; leave the program out"
                    + " (setAutoload(false)) or load it once CO-RE is wired in");
        };
    }
}
