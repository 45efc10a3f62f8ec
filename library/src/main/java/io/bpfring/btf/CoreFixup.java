package io.bpfring.btf;

import io.bpfring.BtfException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The computed result of one CO-RE relocation, ready to patch its instruction: what the
 * instruction holds now, what it must hold on the target, or that it is poisoned. Made by
 * {@link CoreRelocator}; {@link #toString()} describes it for logs, e.g.
 * {@code tp/x insn 38: relo #2 <byte_off> [12] struct task_struct.real_parent (0:95 @ offset 1280):
 * 1280 -> 1288 (vmlinux [114] struct task_struct)}.
 *
 * <p>A poisoned instruction becomes {@code call 0xbad2310}: the verifier rejects the program
 * with {@code invalid func unknown#195896080} only if it can reach it, so relocations guarded
 * by an existence check cost nothing. {@link #applyAll} says which instruction was poisoned by
 * which relocation, and {@link #poisonedInsn(String)} finds that instruction in a verifier log.
 */
public final class CoreFixup {
    /** The helper number a poisoned instruction calls (libbpf's, "bad relo"). */
    public static final int POISON_HELPER = CorePatch.POISON_HELPER;

    private static final ValueLayout.OfLong INSN = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** The instruction line before the verifier's complaint, e.g. "179: (85) call unknown#195896080". */
    private static final Pattern POISON_LINE = Pattern.compile("(?m)^(\\d+): \\(85\\) call unknown#"
            + POISON_HELPER + "\\s*$");

    private final String section;
    private final int reloIndex;
    private final BtfExt.CoreRelo relo;
    private final CoreCalc.Result result;
    private final String localSpec;
    private final String target;

    CoreFixup(String section, int reloIndex, BtfExt.CoreRelo relo, CoreCalc.Result result, String localSpec,
              String target) {
        this.section = section;
        this.reloIndex = reloIndex;
        this.relo = relo;
        this.result = result;
        this.localSpec = localSpec;
        this.target = target;
    }

    /** The program section of the instruction. */
    public String section() {
        return section;
    }

    /** The relocation's position among its section's CO-RE relocations. */
    public int reloIndex() {
        return reloIndex;
    }

    /** The instruction, counted from the start of its section. */
    public int insnIndex() {
        return relo.insnIndex();
    }

    public CoreReloKind kind() {
        return relo.kind();
    }

    /** The value the instruction holds as compiled (against the object's own types). */
    public long localValue() {
        return result.local();
    }

    /** The value it gets on the target; 0 when poisoned. */
    public long targetValue() {
        return result.target();
    }

    /**
     * Whether the target lacks what the instruction needs, so it is poisoned. A load or store of
     * a field that changed size incompatibly is poisoned too, which {@link #apply} reports.
     */
    public boolean poisoned() {
        return result.poison();
    }

    /**
     * Patches the instruction in a section's instructions ({@code struct bpf_insn} as
     * little-endian longs); returns true when it was poisoned.
     *
     * @throws BtfException when the instruction is not what the relocation expects
     */
    public boolean apply(long[] sectionInsns) {
        return apply(sectionInsns, 0);
    }

    /**
     * Patches the instruction in a program's instructions that start at instruction
     * {@code firstInsn} of the section; returns true when it was poisoned.
     */
    public boolean apply(long[] insns, int firstInsn) {
        try {
            return CorePatch.patch(insns, insnIndex() - firstInsn, result);
        } catch (CorePatch.Mismatch e) {
            throw new BtfException(where() + ": cannot patch: " + e.getMessage());
        }
    }

    /** Patches the instruction in a section's instructions in memory (8 bytes each). */
    public boolean apply(MemorySegment sectionInsns) {
        long count = sectionInsns.byteSize() / 8;
        int at = insnIndex();
        int length = (int) Math.min(2, Math.max(0, count - at));
        long[] window = new long[length];
        for (int i = 0; i < length; i++) {
            window[i] = sectionInsns.get(INSN, (long) (at + i) * 8);
        }
        if (length == 0) {
            throw new BtfException(where() + ": the section has only " + count + " instructions");
        }
        boolean poisoned = apply(window, at);
        for (int i = 0; i < length; i++) {
            sectionInsns.set(INSN, (long) (at + i) * 8, window[i]);
        }
        return poisoned;
    }

    /** Applies every fixup to a section's instructions; returns the poisoned ones by instruction. */
    public static SortedMap<Integer, CoreFixup> applyAll(List<CoreFixup> fixups, long[] sectionInsns) {
        SortedMap<Integer, CoreFixup> poisoned = new TreeMap<>();
        for (CoreFixup f : fixups) {
            if (f.apply(sectionInsns)) {
                poisoned.put(f.insnIndex(), f);
            }
        }
        return Collections.unmodifiableSortedMap(poisoned);
    }

    /**
     * The instruction (numbered as in the loaded program) at which the verifier stopped on a
     * poisoned call, from its log; -1 if the log does not show one.
     */
    public static int poisonedInsn(String verifierLog) {
        int found = -1;
        Matcher m = POISON_LINE.matcher(verifierLog);
        while (m.find()) {
            found = Integer.parseInt(m.group(1)); // the last one: where the verifier gave up
        }
        return verifierLog.contains("invalid func unknown#" + POISON_HELPER) ? found : -1;
    }

    private String where() {
        return section + " insn " + insnIndex() + ": relo #" + reloIndex + " <" + kind().label() + "> " + localSpec;
    }

    @Override
    public String toString() {
        if (result.poison()) {
            return where() + ": poisoned, " + target;
        }
        String s = where() + ": " + result.local() + " -> " + result.target() + " (" + target + ")";
        if (result.badSizeChange()) {
            s += "; a load or store of it is poisoned: the field changes from " + result.localSize() + " to "
                    + result.targetSize() + " bytes and is not a pointer or unsigned integer on both sides";
        }
        return s;
    }
}
