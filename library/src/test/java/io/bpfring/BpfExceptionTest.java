package io.bpfring;

import io.bpfring.decode.DecodeException;
import io.bpfring.dwarf.DwarfException;
import io.bpfring.object.ObjectException;
import io.bpfring.object.ObjectSpec;
import org.junit.jupiter.api.Test;

import java.nio.channels.ClosedSelectorException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The error family: which kinds there are, what each says, and what stays out of it. */
class BpfExceptionTest {
    @Test
    void theFamilyHasItsKindsAndNoOthers() {
        Set<Class<?>> kinds = Arrays.stream(BpfException.class.getPermittedSubclasses()).collect(Collectors.toSet());
        assertEquals(Set.of(SyscallException.class, NotSupportedException.class, CorruptRingException.class,
                ElfException.class, BtfException.class), kinds);
        assertTrue(BpfException.class.isSealed());
        assertEquals(SyscallException.class, VerifierException.class.getSuperclass());
    }

    @Test
    void aSwitchNamesEveryKind() {
        assertEquals("call", kind(new SyscallException("bpf(BPF_MAP_CREATE)", Errno.EPERM)));
        assertEquals("verifier", kind(new VerifierException("p", Errno.EACCES, "R0 !read_ok")));
        assertEquals("kernel", kind(new NotSupportedException("BPF_MAP_TYPE_USER_RINGBUF", "6.1", "5.15.0", null)));
        assertEquals("ring", kind(new CorruptRingException("bad header")));
        assertEquals("elf", kind(new ElfException("truncated")));
        assertEquals("btf", kind(new BtfException("bad kind")));
    }

    @Test
    void theLoadersErrorsAreOfTheFamily() {
        assertEquals("elf", kind(new ObjectException("program 'p' (section 'tp/x') instruction 3: a call into nowhere")));
        assertEquals("elf", kind(new DwarfException(".debug_info offset 12: truncated")));
        assertEquals("btf", kind(new DecodeException("no struct event")));
        BpfException thrown = assertThrows(BpfException.class, () -> ObjectSpec.parse("junk", new byte[64]));
        assertInstanceOf(ObjectException.class, thrown);
        assertInstanceOf(ElfException.class, thrown.getCause(), "the ELF reader's refusal is kept as the cause");
    }

    /** Exhaustive without a default: a kind added to the family must be named here to compile. */
    private static String kind(BpfException e) {
        return switch (e) {
            case VerifierException v -> "verifier";
            case SyscallException s -> "call";
            case NotSupportedException n -> "kernel";
            case CorruptRingException c -> "ring";
            case ElfException f -> "elf";
            case BtfException b -> "btf";
        };
    }

    @Test
    void aFailedCallNamesTheCallTheErrnoAndWhatToDo() {
        SyscallException e = new SyscallException("bpf(BPF_MAP_CREATE RINGBUF 'events')", Errno.EPERM);
        assertEquals("bpf(BPF_MAP_CREATE RINGBUF 'events') failed: EPERM: " + Errno.advice(Errno.EPERM), e.getMessage());
        assertEquals("EPERM", e.errnoName());
        assertEquals(Errno.EPERM, e.errno());
        assertEquals("bpf(BPF_MAP_CREATE RINGBUF 'events')", e.call());
    }

    @Test
    void aMissingFeatureNamesTheKernelThatHasIt() {
        SyscallException cause = new SyscallException("bpf(BPF_MAP_CREATE)", Errno.EINVAL);
        NotSupportedException e = new NotSupportedException("BPF_MAP_TYPE_USER_RINGBUF", "6.1", "5.15.0-91-generic", cause);
        assertEquals("BPF_MAP_TYPE_USER_RINGBUF needs Linux 6.1 or newer; this kernel is 5.15.0-91-generic", e.getMessage());
        assertEquals("6.1", e.minimumKernel());
        assertEquals("5.15.0-91-generic", e.runningKernel());
        assertEquals("BPF_MAP_TYPE_USER_RINGBUF", e.feature());
        assertSame(cause, e.getCause());
    }

    @Test
    void usingAClosedObjectIsAnIllegalStateAsForAClosedSelector() {
        ClosedException e = new ClosedException("the reader is closed");
        assertInstanceOf(IllegalStateException.class, e);
        assertEquals(IllegalStateException.class, ClosedSelectorException.class.getSuperclass());
        assertFalse(BpfException.class.isAssignableFrom(ClosedException.class));
    }
}
