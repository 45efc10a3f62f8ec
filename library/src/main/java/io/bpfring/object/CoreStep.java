package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.BtfException;
import io.bpfring.btf.BtfExt;
import io.bpfring.btf.CoreFixup;
import io.bpfring.btf.CoreRelocator;
import io.bpfring.btf.TargetBtf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place CO-RE happens in a load: each function's relocations are computed against the
 * target kernel's types and patched into a copy of its instructions, before linking, as libbpf
 * does (so every program that appends a subprogram gets it relocated once). Sections go in file
 * order with one relocator per load, since candidates narrow as relocations match. Poisoned
 * instructions are remembered to explain a verifier that reaches one.
 */
final class CoreStep {
    private final Map<Function, long[]> code = new IdentityHashMap<>();
    private final Map<Function, Map<Integer, CoreFixup>> poisoned = new IdentityHashMap<>();

    private CoreStep() {
    }

    /** No relocation: every function as the object has it. */
    static CoreStep none() {
        return new CoreStep();
    }

    /** Relocates {@code functions} (those to load) against {@code target}. */
    static CoreStep relocate(Btf local, Set<Function> functions, TargetBtf target) {
        CoreStep step = new CoreStep();
        List<Function> withRelos = functions.stream().filter(f -> !f.coreRelos.isEmpty())
                .sorted(Comparator.comparingInt((Function f) -> f.sectionIndex).thenComparingInt(f -> f.start))
                .toList();
        if (withRelos.isEmpty()) {
            return step;
        }
        CoreRelocator relocator = new CoreRelocator(local, target);
        Map<Integer, List<Function>> bySection = new java.util.LinkedHashMap<>();
        withRelos.forEach(f -> bySection.computeIfAbsent(f.sectionIndex, k -> new ArrayList<>()).add(f));
        for (List<Function> section : bySection.values()) {
            step.relocateSection(relocator, section);
        }
        return step;
    }

    private void relocateSection(CoreRelocator relocator, List<Function> functions) {
        // The relocations as the section has them: offsets from its start.
        List<BtfExt.CoreRelo> relos = new ArrayList<>();
        Map<Integer, Function> owner = new HashMap<>();
        for (Function f : functions) {
            for (BtfExt.CoreRelo r : f.coreRelos) {
                relos.add(new BtfExt.CoreRelo(r.insnOffset() + f.start * 8, r.typeId(), r.accessStringOffset(),
                        r.accessString(), r.kind()));
                owner.put(relos.size() - 1, f);
            }
        }
        String section = functions.getFirst().section;
        List<CoreFixup> fixups;
        try {
            fixups = relocator.relocate(section, relos);
        } catch (BtfException e) {
            throw new ObjectException("CO-RE: " + e.getMessage(), e);
        }
        for (int i = 0; i < fixups.size(); i++) {
            CoreFixup fixup = fixups.get(i);
            Function f = owner.get(i);
            long[] insns = code.computeIfAbsent(f, k -> k.insns.clone());
            try {
                if (fixup.apply(insns, f.start)) {
                    poisoned.computeIfAbsent(f, k -> new HashMap<>()).put(fixup.insnIndex(), fixup);
                }
            } catch (BtfException | IndexOutOfBoundsException e) {
                throw new ObjectException(f.at(fixup.insnIndex() - f.start) + "CO-RE: " + e.getMessage(), e);
            }
        }
    }

    /** The instructions to link for {@code f}: relocated, or as the object has them. */
    long[] code(Function f) {
        return code.getOrDefault(f, f.insns);
    }

    /** The relocation that poisoned instruction {@code sectionInsn} of {@code f}, or null. */
    CoreFixup poisonedAt(Function f, int sectionInsn) {
        return poisoned.getOrDefault(f, Map.of()).get(sectionInsn);
    }
}
