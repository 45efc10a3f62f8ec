package io.bpfring.object;

import io.bpfring.btf.BtfExt;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;

/**
 * A program with its subprograms appended and its calls fixed: what the kernel gets, but for
 * map fds. Instruction offsets of the records are bytes from the program's start, as in
 * {@code .BTF.ext}.
 */
record LinkedProgram(ProgramSpec program, long[] insns, List<Reloc> dataRelocs, List<BtfExt.FuncInfo> funcInfos,
                     List<BtfExt.LineInfo> lineInfos, List<Function> pieces,
                     Map<Function, Integer> starts) {
    /** The function linked instruction {@code insn} came from. */
    Function origin(int insn) {
        for (Function f : pieces.reversed()) {
            if (insn >= starts.get(f)) {
                return f;
            }
        }
        return program.function();
    }

    /** Where linked instruction {@code insn} is in its section. */
    int sectionInsn(int insn) {
        Function f = origin(insn);
        return f.start + insn - starts.get(f);
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
