package io.bpfring.btf;

/** A target type that may stand for a local type: type {@code id} of one table of the target. */
record CoreCandidate(TargetBtf.Table table, int id) {
    Btf btf() {
        return table.btf;
    }

    /** "vmlinux [114] struct task_struct". */
    String describe() {
        return table.name + " " + CoreTypes.describe(table.btf, id);
    }
}
