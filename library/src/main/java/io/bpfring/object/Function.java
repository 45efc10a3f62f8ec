package io.bpfring.object;

import io.bpfring.btf.BtfExt;

import java.util.ArrayList;
import java.util.List;

/**
 * One function of the object's code, as the ELF symbol table delimits it: an entry program in
 * its own section, or a subprogram in {@code .text} that the linker appends to each program that
 * calls it. Its {@code .BTF.ext} records are kept with byte offsets from the function's start.
 */
final class Function {
    final String name;
    final String section;
    final int sectionIndex;
    /** The first instruction's index in its section. */
    final int start;
    final long[] insns;
    final boolean hidden;
    final List<Reloc> relocs = new ArrayList<>();
    List<BtfExt.FuncInfo> funcInfos = List.of();
    List<BtfExt.LineInfo> lineInfos = List.of();
    List<BtfExt.CoreRelo> coreRelos = List.of();

    Function(String name, String section, int sectionIndex, int start, long[] insns, boolean hidden) {
        this.name = name;
        this.section = section;
        this.sectionIndex = sectionIndex;
        this.start = start;
        this.insns = insns;
        this.hidden = hidden;
    }

    boolean contains(int sectionInsn) {
        return sectionInsn >= start && sectionInsn < start + insns.length;
    }

    /** "program 'x' (section 'y') instruction n: ", with n counted in the section as objdump shows it. */
    String at(int insn) {
        return ObjectException.at(name, section, start + insn);
    }

    @Override
    public String toString() {
        return "function '" + name + "' (section '" + section + "')";
    }
}
