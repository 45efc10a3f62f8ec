package io.bpfring.object;

import io.bpfring.btf.BtfExt;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * A program with its subprograms appended and its calls fixed: what the kernel gets, but for
 * map fds and CO-RE fixups. Instruction offsets of the records are bytes from the program's
 * start, as in {@code .BTF.ext}.
 */
record LinkedProgram(ProgramSpec program, long[] insns, List<Reloc> dataRelocs, List<BtfExt.FuncInfo> funcInfos,
                     List<BtfExt.LineInfo> lineInfos, List<BtfExt.CoreRelo> coreRelos, List<Function> pieces,
                     Map<Function, Integer> starts) {
    /** "program 'x' (section 'y') instruction n: " for linked instruction {@code insn}, in the function it came from. */
    String at(int insn) {
        for (Function f : pieces.reversed()) {
            int start = starts.get(f);
            if (insn >= start) {
                String where = f == program.function() ? "" : "subprogram '" + f.name + "' of ";
                return where + ObjectException.at(program.name(), f.section, f.start + insn - start);
            }
        }
        return ObjectException.at(program.name(), program.section(), insn);
    }

    /** {@code bpf_func_info} records. */
    MemorySegment funcInfoRecords() {
        int[] r = new int[funcInfos.size() * 2];
        for (int i = 0; i < funcInfos.size(); i++) {
            r[2 * i] = funcInfos.get(i).insnIndex();
            r[2 * i + 1] = funcInfos.get(i).typeId();
        }
        return MemorySegment.ofArray(r);
    }

    /** {@code bpf_line_info} records. */
    MemorySegment lineInfoRecords() {
        int[] r = new int[lineInfos.size() * 4];
        for (int i = 0; i < lineInfos.size(); i++) {
            BtfExt.LineInfo l = lineInfos.get(i);
            r[4 * i] = l.insnIndex();
            r[4 * i + 1] = l.fileNameOffset();
            r[4 * i + 2] = l.lineOffset();
            r[4 * i + 3] = l.lineColumn();
        }
        return MemorySegment.ofArray(r);
    }
}
