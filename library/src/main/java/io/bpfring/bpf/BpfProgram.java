package io.bpfring.bpf;

import io.bpfring.ClosedException;
import io.bpfring.Errno;
import io.bpfring.SyscallException;
import io.bpfring.VerifierException;
import io.bpfring.asm.Asm;
import io.bpfring.asm.Insn;
import io.bpfring.sys.BpfAttr;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** A program loaded into the kernel. Closing releases the fd; attachments hold their own reference. */
public final class BpfProgram implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.]{0,15}");
    private static final int LOG_START = 256 * 1024;
    private static final int LOG_MAX = 64 * 1024 * 1024;

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
            MemorySegment code = arena.allocate(BpfAttr.Insn.LAYOUT, insns.size());
            for (int i = 0; i < insns.size(); i++) {
                insns.get(i).encode(code, i);
            }
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.ProgLoad.PROG_TYPE.set(attr, type.id());
            BpfAttr.ProgLoad.INSN_CNT.set(attr, insns.size());
            BpfAttr.ProgLoad.INSNS.set(attr, code.address());
            BpfAttr.ProgLoad.LICENSE.set(attr, arena.allocateFrom("GPL").address());
            BpfAttr.ProgLoad.PROG_FLAGS.set(attr, type.loadFlags());
            BpfAttr.ProgLoad.PROG_NAME.setString(attr, name);
            int btf = -1;
            if (!functions.isEmpty()) {
                btf = FunctionBtf.load(List.copyOf(functions.values()));
                MemorySegment funcInfo = arena.allocate(BpfAttr.FuncInfo.LAYOUT, functions.size());
                long i = 0;
                for (int start : functions.keySet()) {
                    BpfAttr.FuncInfo.INSN_OFF.set(funcInfo, i, start);
                    BpfAttr.FuncInfo.TYPE_ID.set(funcInfo, i, (int) (2 + i)); // FUNC types follow the prototype
                    i++;
                }
                BpfAttr.ProgLoad.PROG_BTF_FD.set(attr, btf);
                BpfAttr.ProgLoad.FUNC_INFO_REC_SIZE.set(attr, (int) BpfAttr.FuncInfo.LAYOUT.byteSize());
                BpfAttr.ProgLoad.FUNC_INFO.set(attr, funcInfo.address());
                BpfAttr.ProgLoad.FUNC_INFO_CNT.set(attr, functions.size());
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
            BpfAttr.ProgLoad.LOG_LEVEL.set(attr, 1);
            BpfAttr.ProgLoad.LOG_SIZE.set(attr, logSize);
            BpfAttr.ProgLoad.LOG_BUF.set(attr, log.address());
            fd = Sys.bpfOrErrno(Cmd.PROG_LOAD, attr);
            if (fd >= 0 || -fd == Errno.ENOSPC && logSize < LOG_MAX) {
                continue;
            }
            String text = log.getString(0).strip();
            if (text.isEmpty()) {
                throw new SyscallException("bpf(BPF_PROG_LOAD '" + name + "')", -fd);
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
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.TestRun.PROG_FD.set(attr, fd());
            BpfAttr.TestRun.CTX_SIZE_IN.set(attr, (int) ctx.byteSize());
            BpfAttr.TestRun.CTX_IN.set(attr, ctx.address());
            if (cpu >= 0) {
                BpfAttr.TestRun.FLAGS.set(attr, BpfAttr.TestRun.F_TEST_RUN_ON_CPU);
                BpfAttr.TestRun.CPU.set(attr, cpu);
            }
            Sys.bpf(Cmd.PROG_TEST_RUN, attr, "bpf(BPF_PROG_TEST_RUN '" + name + "'" + (cpu >= 0 ? " on CPU " + cpu : "") + ")");
            return (int) BpfAttr.TestRun.RETVAL.get(attr);
        }
    }

    /** {@link #testRun(MemorySegment)} with a context copied from {@code ctx}. */
    public int testRun(byte[] ctx) {
        try (Arena arena = Arena.ofConfined()) {
            return testRun(arena.allocateFrom(JAVA_BYTE, ctx));
        }
    }

    /** The program's fd; a {@link ClosedException} once closed. */
    public int fd() {
        if (closed) {
            throw new ClosedException("program '" + name + "' is closed");
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
