package io.bpfring.bpf;

import io.bpfring.sys.Errno;
import io.bpfring.sys.Sys;
import io.bpfring.sys.SysException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** A program loaded into the kernel. Closing releases the fd; attachments hold their own reference. */
public final class BpfProgram implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]{0,15}");
    private static final int LOG_START = 256 * 1024;
    private static final int LOG_MAX = 64 * 1024 * 1024;
    private static final int TEST_RUN_ON_CPU = 1;

    private final int fd;
    private final String name;
    private final ProgramType type;
    private boolean closed;

    private BpfProgram(int fd, String name, ProgramType type) {
        this.fd = fd;
        this.name = name;
        this.type = type;
    }

    /** Assembles and loads a GPL-licensed program (ring buffer and probe helpers are GPL-only). */
    public static BpfProgram load(ProgramType type, String name, Asm asm) {
        Map<Integer, String> functions = asm.functions();
        return load(type, name, asm.build(), functions.size() == 1 ? Map.of() : functions);
    }

    /**
     * Loads a GPL-licensed program.
     *
     * @throws VerifierException when the verifier refuses it, with the verifier's log
     */
    public static BpfProgram load(ProgramType type, String name, List<Insn> insns) {
        return load(type, name, insns, Map.of());
    }

    /** Loads a program of several functions, starting at the given instructions (with BTF func_info). */
    private static BpfProgram load(ProgramType type, String name, List<Insn> insns, Map<Integer, String> functions) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("program name '" + name
                    + "' must be at most 15 characters of letters, digits, '_' and '.'");
        }
        if (insns.isEmpty()) {
            throw new IllegalArgumentException("program '" + name + "' has no instructions");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate((long) insns.size() * Insn.SIZE, 8);
            for (int i = 0; i < insns.size(); i++) {
                insns.get(i).encode(code, (long) i * Insn.SIZE);
            }
            MemorySegment attr = arena.allocate(Cmd.ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, type.id());
            attr.set(JAVA_INT, 4, insns.size());
            attr.set(JAVA_LONG, 8, code.address());
            attr.set(JAVA_LONG, 16, arena.allocateFrom("GPL").address());
            attr.set(JAVA_INT, 44, type.loadFlags());
            MemorySegment.copy(name.getBytes(), 0, attr, JAVA_BYTE, 48, name.length());
            int btf = -1;
            if (!functions.isEmpty()) {
                btf = FunctionBtf.load(List.copyOf(functions.values()));
                MemorySegment funcInfo = arena.allocate(8L * functions.size(), 4);
                int i = 0;
                for (int start : functions.keySet()) {
                    funcInfo.set(JAVA_INT, 8L * i, start);
                    funcInfo.set(JAVA_INT, 8L * i + 4, 2 + i); // FUNC types follow the prototype
                    i++;
                }
                attr.set(JAVA_INT, 72, btf);
                attr.set(JAVA_INT, 76, 8);
                attr.set(JAVA_LONG, 80, funcInfo.address());
                attr.set(JAVA_INT, 88, functions.size());
            }
            try {
                return loadWithLog(attr, arena, name, type);
            } finally {
                Sys.close(btf); // the program holds its own reference
            }
        }
    }

    /** Loads; on failure, loads again with the verifier log on, only now that it is needed. */
    private static BpfProgram loadWithLog(MemorySegment attr, Arena arena, String name, ProgramType type) {
        int fd = Sys.bpfOrErrno(Cmd.PROG_LOAD, attr);
        for (int logSize = LOG_START; fd < 0; logSize *= 2) {
            MemorySegment log = arena.allocate(logSize);
            attr.set(JAVA_INT, 24, 1);
            attr.set(JAVA_INT, 28, logSize);
            attr.set(JAVA_LONG, 32, log.address());
            fd = Sys.bpfOrErrno(Cmd.PROG_LOAD, attr);
            if (fd >= 0 || -fd == Errno.ENOSPC && logSize < LOG_MAX) {
                continue;
            }
            String text = log.getString(0).strip();
            if (text.isEmpty()) {
                throw new SysException("bpf(BPF_PROG_LOAD '" + name + "')", -fd);
            }
            throw new VerifierException(name, -fd, text);
        }
        return new BpfProgram(fd, name, type);
    }

    /**
     * Runs the program once on this CPU with {@code ctx} as its context (BPF_PROG_TEST_RUN), for
     * program types that support it, such as {@link ProgramType#SYSCALL}.
     *
     * @return the program's return value
     */
    public int testRun(MemorySegment ctx) {
        return testRun(ctx, -1);
    }

    /**
     * Runs the program once on CPU {@code cpu} (BPF_F_TEST_RUN_ON_CPU), for program types that
     * support it, such as {@link ProgramType#RAW_TRACEPOINT}; -1 runs it on the calling CPU.
     *
     * @return the program's return value
     */
    public int testRun(MemorySegment ctx, int cpu) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(Cmd.ATTR_SIZE, 8);
            attr.set(JAVA_INT, 0, fd());
            attr.set(JAVA_INT, 40, (int) ctx.byteSize());
            attr.set(JAVA_LONG, 48, ctx.address());
            if (cpu >= 0) {
                attr.set(JAVA_INT, 64, TEST_RUN_ON_CPU);
                attr.set(JAVA_INT, 68, cpu);
            }
            Sys.bpf(Cmd.PROG_TEST_RUN, attr, "bpf(BPF_PROG_TEST_RUN '" + name + "'" + (cpu >= 0 ? " on CPU " + cpu : "") + ")");
            return attr.get(JAVA_INT, 4);
        }
    }

    /** {@link #testRun(MemorySegment)} with a context copied from {@code ctx}. */
    public int testRun(byte[] ctx) {
        try (Arena arena = Arena.ofConfined()) {
            return testRun(arena.allocateFrom(JAVA_BYTE, ctx));
        }
    }

    /** The program's fd; an {@link IllegalStateException} once closed. */
    public int fd() {
        if (closed) {
            throw new IllegalStateException("program '" + name + "' is closed");
        }
        return fd;
    }

    public String name() {
        return name;
    }

    public ProgramType type() {
        return type;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
        }
    }
}
