package io.bpfring.btf;

import io.bpfring.BtfException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CO-RE relocation of one object against a target kernel: computes, for each relocation of a
 * program section, the {@link CoreFixup} that adapts its instruction to the target's types
 * (libbpf's {@code bpf_core_calc_relo_insn}). Nothing is patched here; see
 * {@link CoreFixup#apply}.
 *
 * <p>Candidates (target types named like the local type up to {@code ___flavour} suffixes) are
 * found once per local type. As in libbpf the list is shared by the object's relocations and
 * narrowed to the candidates that matched each relocation that matched any, so results may
 * depend on the order in which sections are relocated: relocate them in file order. One
 * relocator per object; its methods are synchronized.
 *
 * <p>A loader relocates each program section's own instructions (subprograms in {@code .text}
 * included) before it appends subprograms to programs, as libbpf does:
 * <pre>{@code
 * TargetBtf kernel = TargetBtf.kernel();                  // parsed once per JVM, shared
 * CoreRelocator relocator = new CoreRelocator(btf, kernel);
 * for (var e : ext.coreRelos().entrySet()) {              // file order
 *     long[] insns = instructionsOf(e.getKey());
 *     poisoned.put(e.getKey(), CoreFixup.applyAll(relocator.relocate(e.getKey(), e.getValue()), insns));
 * }
 * // verifier refused a program: CoreFixup.poisonedInsn(log) -> section instruction -> poisoned fixup's toString()
 * }</pre>
 */
public final class CoreRelocator {
    private final Btf local;
    private final TargetBtf target;
    /** Candidates by local type id, narrowed as relocations match. */
    private final Map<Integer, List<CoreCandidate>> candidates = new HashMap<>();

    /** @param local the object's {@code .BTF}, which the relocations' type ids and strings refer to */
    public CoreRelocator(Btf local, TargetBtf target) {
        this.local = local;
        this.target = target;
    }

    /**
     * The fixups of a section's CO-RE relocations, in their order.
     *
     * @throws BtfException naming the section, instruction and relocation when a relocation is
     *                      malformed or ambiguous (several candidates that disagree)
     */
    public synchronized List<CoreFixup> relocate(String section, List<BtfExt.CoreRelo> relos) {
        List<CoreFixup> fixups = new ArrayList<>(relos.size());
        for (int i = 0; i < relos.size(); i++) {
            BtfExt.CoreRelo relo = relos.get(i);
            try {
                fixups.add(relocate(section, i, relo));
            } catch (BtfException | IllegalArgumentException e) {
                throw new BtfException(section + " insn " + relo.insnIndex() + ": CO-RE relo #" + i + " <"
                        + relo.kind().label() + "> type id " + Integer.toUnsignedString(relo.typeId()) + " access '"
                        + relo.accessString() + "': " + e.getMessage(), e);
            }
        }
        return List.copyOf(fixups);
    }

    private CoreFixup relocate(String section, int index, BtfExt.CoreRelo relo) {
        int typeId = relo.typeId();
        if (typeId < 0 || typeId >= local.typeCount()) {
            throw new BtfException("type id " + Integer.toUnsignedString(typeId) + " is past the last local type id "
                    + (local.typeCount() - 1));
        }
        if (relo.insnOffset() < 0 || relo.insnOffset() % 8 != 0) {
            throw new BtfException("instruction offset " + relo.insnOffset() + " is not a multiple of 8");
        }
        CoreSpec localSpec = CoreSpec.parse(local, typeId, relo.accessString(), relo.kind());
        if (relo.kind() == CoreReloKind.TYPE_ID_LOCAL) {
            // The object's own id: nothing to look for; the imm may have changed in linking.
            CoreCalc.Result r = new CoreCalc.Result(typeId, typeId, false, false, false, 0, 0, false);
            return new CoreFixup(section, index, relo, r, localSpec.toString(), "local");
        }
        String name = CoreTypes.name(local, typeId);
        if (name.isEmpty()) {
            throw new BtfException("relocations against anonymous types are not supported (" + localSpec + ")");
        }
        List<CoreCandidate> cands = candidates.computeIfAbsent(typeId, id -> target.candidates(local, id));
        List<CoreCandidate> matched = new ArrayList<>();
        CoreCalc.Result result = null;
        CoreSpec first = null;
        for (CoreCandidate cand : cands) {
            CoreSpec spec;
            try {
                spec = CoreSpec.match(localSpec, cand.btf(), cand.id());
            } catch (BtfException e) {
                throw new BtfException("matching candidate " + cand.describe() + ": " + e.getMessage(), e);
            }
            if (spec == null) {
                continue;
            }
            CoreCalc.Result r = CoreCalc.compute(localSpec, spec);
            if (first == null) {
                first = spec;
                result = r;
            } else if (spec.bitOffset != first.bitOffset) {
                throw new BtfException("field offset ambiguity: " + matched.getFirst().describe() + " has it at bit "
                        + first.bitOffset + ", " + cand.describe() + " at bit " + spec.bitOffset);
            } else if (r.poison() != result.poison() || r.target() != result.target()) {
                throw new BtfException("relocation decision ambiguity: " + matched.getFirst().describe() + " gives "
                        + result.target() + ", " + cand.describe() + " gives " + r.target());
            }
            matched.add(cand);
        }
        if (!matched.isEmpty()) {
            candidates.put(typeId, List.copyOf(matched));
            String more = matched.size() > 1 ? " and " + (matched.size() - 1) + " more" : "";
            return new CoreFixup(section, index, relo, result, localSpec.toString(), matched.getFirst().describe()
                    + more);
        }
        String why = cands.isEmpty()
                ? "no " + local.kind(typeId).name().toLowerCase() + " named " + CoreNames.essential(name)
                  + " in the target"
                : "not in " + cands.stream().limit(3).map(CoreCandidate::describe).collect(Collectors.joining(", "))
                  + (cands.size() > 3 ? " and " + (cands.size() - 3) + " more" : "");
        return new CoreFixup(section, index, relo, CoreCalc.compute(localSpec, null), localSpec.toString(), why);
    }
}
