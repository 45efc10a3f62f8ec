package io.bpfring.object;

import io.bpfring.btf.BtfExt;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Links an entry program with the subprograms it uses, as libbpf does: every {@code .text}
 * function reachable through calls and callback addresses is appended once, after the program,
 * and each call's immediate becomes the distance to where its target landed
 * ({@code target - (insn + 1)}). Each program gets its own copy of its subprograms, since they
 * land at different places in different programs; unused ones are left out. The data
 * relocations and {@code .BTF.ext} records of every piece move with it.
 */
final class Linker {
    private Linker() {
    }

    /** {@code entry} and every function it reaches, in the order they are appended. */
    static List<Function> reachable(Function entry) {
        List<Function> order = new ArrayList<>();
        Map<Function, Boolean> seen = new IdentityHashMap<>();
        order.add(entry);
        seen.put(entry, true);
        for (int i = 0; i < order.size(); i++) {
            for (Reloc r : order.get(i).relocs) {
                Function target = r instanceof Reloc.Call c ? c.target() : r instanceof Reloc.FuncAddr a ? a.target() : null;
                if (target != null && seen.putIfAbsent(target, true) == null) {
                    order.add(target);
                }
            }
        }
        return order;
    }

    static LinkedProgram link(ProgramSpec program) {
        List<Function> pieces = reachable(program.function());
        Map<Function, Integer> starts = new IdentityHashMap<>();
        int total = 0;
        for (Function f : pieces) {
            starts.put(f, total);
            total += f.insns.length;
        }
        long[] code = new long[total];
        List<Reloc> data = new ArrayList<>();
        List<BtfExt.FuncInfo> funcInfos = new ArrayList<>();
        List<BtfExt.LineInfo> lineInfos = new ArrayList<>();
        List<BtfExt.CoreRelo> coreRelos = new ArrayList<>();
        boolean funcInfoComplete = true;
        boolean lineInfoComplete = true;
        for (Function f : pieces) {
            int start = starts.get(f);
            System.arraycopy(f.insns, 0, code, start, f.insns.length);
            for (Reloc r : f.relocs) {
                int at = start + r.insn();
                switch (r) {
                    case Reloc.Call c -> code[at] = Insns.withImm(code[at], starts.get(c.target()) - at - 1);
                    case Reloc.FuncAddr a -> code[at] = Insns.withSrc(Insns.withImm(code[at],
                            starts.get(a.target()) - at - 1), Insns.PSEUDO_FUNC);
                    default -> data.add(r.shifted(start));
                }
            }
            int bytes = start * 8;
            // The kernel wants every function's func_info and a line_info at each function's start, or none.
            funcInfoComplete &= !f.funcInfos.isEmpty() && f.funcInfos.getFirst().insnOffset() == 0;
            lineInfoComplete &= !f.lineInfos.isEmpty() && f.lineInfos.getFirst().insnOffset() == 0;
            f.funcInfos.forEach(r -> funcInfos.add(new BtfExt.FuncInfo(r.insnOffset() + bytes, r.typeId())));
            f.lineInfos.forEach(r -> lineInfos.add(new BtfExt.LineInfo(r.insnOffset() + bytes, r.fileNameOffset(),
                    r.lineOffset(), r.lineColumn(), r.fileName(), r.line())));
            f.coreRelos.forEach(r -> coreRelos.add(new BtfExt.CoreRelo(r.insnOffset() + bytes, r.typeId(),
                    r.accessStringOffset(), r.accessString(), r.kind())));
        }
        return new LinkedProgram(program, code, List.copyOf(data), funcInfoComplete ? funcInfos : List.of(),
                lineInfoComplete ? lineInfos : List.of(), coreRelos, pieces, starts);
    }
}
