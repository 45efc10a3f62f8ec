package io.bpfring.object;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.ProgramType;

import java.util.Optional;

/**
 * An entry program of the object, before it is loaded: its function, the section it sits in
 * and what the section table makes of that name. The attach step reads {@link #attachKind()}
 * and {@link #attachTarget()}; {@link #setAutoload} leaves a program out of the load.
 */
public final class ProgramSpec {
    private final Function function;
    private final String section;
    private final SectionDef.Match match;
    private boolean autoload;

    ProgramSpec(Function function, String section, SectionDef.Match match, boolean autoload) {
        this.function = function;
        this.section = section;
        this.match = match;
        this.autoload = autoload;
    }

    /** The function's name; the kernel gets its first 15 characters. */
    public String name() {
        return function.name;
    }

    /** The section name, without libbpf's {@code ?} (load only on request) prefix. */
    public String section() {
        return section;
    }

    /** The section table entry the section name matched; empty for a section name nothing knows. */
    public Optional<SectionDef> sectionDef() {
        return Optional.ofNullable(match).map(SectionDef.Match::def);
    }

    /** The program type, {@link ProgramType#UNSPEC} when the section name matches no entry. */
    public ProgramType type() {
        return match != null ? match.def().type() : ProgramType.UNSPEC;
    }

    /** BPF_PROG_LOAD's {@code expected_attach_type}, empty for none. */
    public Optional<AttachType> expectedAttachType() {
        return sectionDef().map(SectionDef::expectedAttachType);
    }

    /** How the program attaches; {@link AttachKind#MANUAL} for an unknown section. */
    public AttachKind attachKind() {
        return match != null ? match.def().attachKind() : AttachKind.MANUAL;
    }

    /**
     * What the section name says to attach to, after the family's prefix: {@code syscalls/sys_enter_execve}
     * for {@code tp/syscalls/sys_enter_execve}, {@code libc.so.6:getpid} for
     * {@code uprobe/libc.so.6:getpid}; "" when the name gives none.
     */
    public String attachTarget() {
        return match != null ? match.target() : "";
    }

    /** The number of instructions of the program itself, before subprograms are appended. */
    public int instructionCount() {
        return function.insns.length;
    }

    public boolean autoload() {
        return autoload;
    }

    /** Whether {@link ObjectSpec#load()} loads this program (true unless the section name starts with {@code ?}). */
    public void setAutoload(boolean autoload) {
        this.autoload = autoload;
    }

    /** Whether it or a subprogram it calls has CO-RE relocations. */
    public boolean needsCore() {
        return Linker.reachable(function).stream().anyMatch(f -> !f.coreRelos.isEmpty());
    }

    Function function() {
        return function;
    }

    @Override
    public String toString() {
        return type() + " program '" + name() + "' (section '" + section + "')";
    }
}
