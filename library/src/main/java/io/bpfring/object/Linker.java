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
 * relocations and func_info and line_info of every piece move with it. CO-RE has been applied
 * to the functions' instructions before.
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
                Function target = r.callee();
                if (target != null && seen.putIfAbsent(target, true) == null) {
                    order.add(target);
                }
            }
        }
        return order;
    }

    /** Links {@code program} from the functions' instructions as the object has them. */
    static LinkedProgram link(ProgramSpec program) {
        return link(program, f -> f.insns);
    }

    /** Links {@code program}, taking each function's instructions from {@code code} (CO-RE relocated). */
    static LinkedProgram link(ProgramSpec program, java.util.function.Function<Function, long[]> code) {
        List<Function> pieces = reachable(program.function());
        Map<Function, Integer> starts = new IdentityHashMap<>();
        int total = 0;
        for (Function f : pieces) {
            starts.put(f, total);
            total += f.insns.length;
        }
        long[] insns = new long[total];
        List<Reloc> data = new ArrayList<>();
        List<BtfExt.FuncInfo> funcInfos = new ArrayList<>();
        List<BtfExt.LineInfo> lineInfos = new ArrayList<>();
        boolean funcInfoComplete = true;
        boolean lineInfoComplete = true;
        for (Function f : pieces) {
            int start = starts.get(f);
            System.arraycopy(code.apply(f), 0, insns, start, f.insns.length);
            for (Reloc r : f.relocs) {
                int at = start + r.insn();
                switch (r) {
                    case Reloc.Call c -> insns[at] = Insns.withImm(insns[at], starts.get(c.target()) - at - 1);
                    case Reloc.FuncAddr a -> insns[at] = Insns.withSrc(Insns.withImm(insns[at],
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
        }
        return new LinkedProgram(program, insns, List.copyOf(data), funcInfoComplete ? funcInfos : List.of(),
                lineInfoComplete ? lineInfos : List.of(), pieces, starts);
    }
}
