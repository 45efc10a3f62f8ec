package io.bpfring.bpf;

import io.bpfring.ClosedException;
import io.bpfring.Errno;
import io.bpfring.NotSupportedException;
import io.bpfring.SyscallException;
import io.bpfring.VerifierException;
import io.bpfring.asm.Asm;
import io.bpfring.asm.Insn;
import io.bpfring.sys.BpfAttr;
import io.bpfring.sys.BpfInfo;
import io.bpfring.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
        if (insns.isEmpty()) {
            throw new IllegalArgumentException("program '" + name + "' has no instructions");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment code = arena.allocate(BpfAttr.Insn.LAYOUT, insns.size());
            for (int i = 0; i < insns.size(); i++) {
                insns.get(i).encode(code, i);
            }
            Builder builder = builder(type, name).instructions(code);
            if (functions.isEmpty()) {
                return builder.load();
            }
            int btf = FunctionBtf.load(List.copyOf(functions.values()));
            try {
                MemorySegment funcInfo = arena.allocate(BpfAttr.FuncInfo.LAYOUT, functions.size());
                long i = 0;
                for (int start : functions.keySet()) {
                    BpfAttr.FuncInfo.INSN_OFF.set(funcInfo, i, start);
                    BpfAttr.FuncInfo.TYPE_ID.set(funcInfo, i, (int) (2 + i)); // FUNC types follow the prototype
                    i++;
                }
                return builder.btf(btf).funcInfo(funcInfo, (int) BpfAttr.FuncInfo.LAYOUT.byteSize()).load();
            } finally {
                Sys.close(btf); // the program holds its own reference
            }
        }
    }

    /** A program described field by field: raw instructions, BTF, attach types (what an object loader needs). */
    public static Builder builder(ProgramType type, String name) {
        return new Builder(type, name);
    }

    /** The fields of BPF_PROG_LOAD; unset ones are 0. */
    public static final class Builder {
        private final ProgramType type;
        private final String name;
        private MemorySegment insns;
        private String license = "GPL";
        private int kernVersion;
        private int flags;
        private AttachType expectedAttachType;
        private int attachBtfId;
        private int attachBtfObjFd;
        private int btfFd;
        private MemorySegment funcInfo;
        private int funcInfoSize;
        private MemorySegment lineInfo;
        private int lineInfoSize;

        private Builder(ProgramType type, String name) {
            this.type = type;
            this.name = name;
        }

        /** The code: {@code struct bpf_insn} records, 8 bytes each; copied at {@link #load()}. */
        public Builder instructions(MemorySegment insns) {
            this.insns = insns;
            return this;
        }

        /** The license the helpers check ("GPL" unless set). */
        public Builder license(String license) {
            this.license = license;
            return this;
        }

        /** {@code kern_version}, which only old kernels check (for kprobes). */
        public Builder kernVersion(int kernVersion) {
            this.kernVersion = kernVersion;
            return this;
        }

        /** {@code prog_flags}, e.g. {@code BPF_F_SLEEPABLE}; the type's own flags are added. */
        public Builder flags(int flags) {
            this.flags = flags;
            return this;
        }

        public Builder expectedAttachType(AttachType expectedAttachType) {
            this.expectedAttachType = expectedAttachType;
            return this;
        }

        /** The kernel BTF type to attach to (fentry, tp_btf, lsm, iter), and the BTF object holding it (0: vmlinux). */
        public Builder attachBtf(int objectFd, int typeId) {
            this.attachBtfObjFd = objectFd;
            this.attachBtfId = typeId;
            return this;
        }

        /** The program's loaded BTF, which func_info and line_info refer to. */
        public Builder btf(int btfFd) {
            this.btfFd = btfFd;
            return this;
        }

        /** {@code bpf_func_info} records of {@code recordSize} bytes: each function's first instruction and type. */
        public Builder funcInfo(MemorySegment records, int recordSize) {
            this.funcInfo = records;
            this.funcInfoSize = recordSize;
            return this;
        }

        /** {@code bpf_line_info} records of {@code recordSize} bytes: the source line of instructions, for the log. */
        public Builder lineInfo(MemorySegment records, int recordSize) {
            this.lineInfo = records;
            this.lineInfoSize = recordSize;
            return this;
        }

        /**
         * Loads the program.
         *
         * @throws VerifierException when the verifier refuses it, with the verifier's log
         */
        public BpfProgram load() {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("program name '" + name
                        + "' must be at most 15 characters of letters, digits, '_' and '.'");
            }
            if (insns == null || insns.byteSize() == 0 || insns.byteSize() % Insn.SIZE != 0) {
                throw new IllegalArgumentException("program '" + name + "' has no instructions or a partial one ("
                        + (insns == null ? 0 : insns.byteSize()) + " bytes)");
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment attr = BpfAttr.allocate(arena);
                BpfAttr.ProgLoad.PROG_TYPE.set(attr, type.id());
                BpfAttr.ProgLoad.INSN_CNT.set(attr, (int) (insns.byteSize() / Insn.SIZE));
                BpfAttr.ProgLoad.INSNS.set(attr, copy(arena, insns).address());
                BpfAttr.ProgLoad.LICENSE.set(attr, arena.allocateFrom(license).address());
                BpfAttr.ProgLoad.KERN_VERSION.set(attr, kernVersion);
                BpfAttr.ProgLoad.PROG_FLAGS.set(attr, flags | type.loadFlags());
                BpfAttr.ProgLoad.PROG_NAME.setString(attr, name);
                if (expectedAttachType != null) {
                    BpfAttr.ProgLoad.EXPECTED_ATTACH_TYPE.set(attr, expectedAttachType.id());
                }
                BpfAttr.ProgLoad.ATTACH_BTF_ID.set(attr, attachBtfId);
                BpfAttr.ProgLoad.ATTACH_BTF_OBJ_FD.set(attr, attachBtfObjFd);
                if (btfFd > 0) {
                    BpfAttr.ProgLoad.PROG_BTF_FD.set(attr, btfFd);
                }
                if (funcInfo != null && funcInfo.byteSize() > 0) {
                    BpfAttr.ProgLoad.FUNC_INFO_REC_SIZE.set(attr, funcInfoSize);
                    BpfAttr.ProgLoad.FUNC_INFO.set(attr, copy(arena, funcInfo).address());
                    BpfAttr.ProgLoad.FUNC_INFO_CNT.set(attr, (int) (funcInfo.byteSize() / funcInfoSize));
                }
                if (lineInfo != null && lineInfo.byteSize() > 0) {
                    BpfAttr.ProgLoad.LINE_INFO_REC_SIZE.set(attr, lineInfoSize);
                    BpfAttr.ProgLoad.LINE_INFO.set(attr, copy(arena, lineInfo).address());
                    BpfAttr.ProgLoad.LINE_INFO_CNT.set(attr, (int) (lineInfo.byteSize() / lineInfoSize));
                }
                return loadWithLog(attr, arena, name, type);
            }
        }

        /** The kernel reads native memory: heap segments are copied, native ones passed as they are. */
        private static MemorySegment copy(Arena arena, MemorySegment data) {
            return data.isNative() ? data : arena.allocate(data.byteSize(), 8).copyFrom(data);
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
                AttachType attach = AttachType.of((int) BpfAttr.ProgLoad.EXPECTED_ATTACH_TYPE.get(attr));
                String call = "bpf(BPF_PROG_LOAD '" + name + "')";
                String refused = LoadRefusal.advice(type, attach, -fd);
                throw refused == null ? new SyscallException(call, -fd) : new SyscallException(call, -fd, refused);
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
            // No context is a null pointer: the kernel refuses a pointer with size 0 (EINVAL).
            BpfAttr.TestRun.CTX_IN.set(attr, ctx.byteSize() == 0 ? 0L : ctx.address());
            if (cpu >= 0) {
                BpfAttr.TestRun.FLAGS.set(attr, BpfAttr.TestRun.F_TEST_RUN_ON_CPU);
                BpfAttr.TestRun.CPU.set(attr, cpu);
            }
            Sys.bpf(Cmd.PROG_TEST_RUN, attr, "bpf(BPF_PROG_TEST_RUN '" + name + "'" + (cpu >= 0 ? " on CPU " + cpu : "") + ")");
            return (int) BpfAttr.TestRun.RETVAL.get(attr);
        }
    }

    /**
     * Runs the program once with {@code data} as its packet (BPF_PROG_TEST_RUN {@code data_in}),
     * for program types that take one: XDP, socket filters, tc, cgroup skb.
     *
     * @return the program's return value
     */
    public int testRunData(byte[] data) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.TestRun.PROG_FD.set(attr, fd());
            BpfAttr.TestRun.DATA_SIZE_IN.set(attr, data.length);
            BpfAttr.TestRun.DATA_IN.set(attr, arena.allocateFrom(JAVA_BYTE, data).address());
            Sys.bpf(Cmd.PROG_TEST_RUN, attr, "bpf(BPF_PROG_TEST_RUN '" + name + "' with " + data.length
                    + " bytes of data)");
            return (int) BpfAttr.TestRun.RETVAL.get(attr);
        }
    }

    /**
     * Makes the program hold {@code map} as if its instructions used it (BPF_PROG_BIND_MAP, Linux
     * 5.10): the map lives as long as the program and is among its {@link #mapIds()}, where tools
     * such as bpftool find a program's read-only data. Binding a map the program already holds
     * does nothing.
     *
     * @throws NotSupportedException on a kernel without the command
     */
    public void bindMap(BpfMap map) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.ProgBindMap.PROG_FD.set(attr, fd());
            BpfAttr.ProgBindMap.MAP_FD.set(attr, map.fd());
            Sys.bpf(Cmd.PROG_BIND_MAP, attr, "bpf(BPF_PROG_BIND_MAP '" + name + "' to map '" + map.name() + "')");
        } catch (SyscallException e) {
            // With flags 0 and valid fds, EINVAL is a kernel that does not know the command.
            if (e.errno() == Errno.EINVAL) {
                throw new NotSupportedException("BPF_PROG_BIND_MAP", "5.10", Platform.kernelRelease(), e);
            }
            throw e;
        }
    }

    /** The ids of the maps the program holds, used by its instructions or bound (BPF_OBJ_GET_INFO_BY_FD). */
    public int[] mapIds() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(BpfInfo.Prog.LAYOUT);
            info(info);
            int count = (int) BpfInfo.Prog.NR_MAP_IDS.get(info);
            MemorySegment ids = arena.allocate(JAVA_INT, Math.max(count, 1));
            info.fill((byte) 0);
            BpfInfo.Prog.NR_MAP_IDS.set(info, count);
            BpfInfo.Prog.MAP_IDS.set(info, ids.address());
            info(info);
            // A map bound between the two calls is counted but not written: keep what was written.
            int written = Math.min(count, (int) BpfInfo.Prog.NR_MAP_IDS.get(info));
            return ids.asSlice(0, written * JAVA_INT.byteSize()).toArray(JAVA_INT);
        }
    }

    private void info(MemorySegment info) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.Info.BPF_FD.set(attr, fd());
            BpfAttr.Info.INFO_LEN.set(attr, (int) info.byteSize());
            BpfAttr.Info.INFO.set(attr, info.address());
            Sys.bpf(Cmd.OBJ_GET_INFO_BY_FD, attr, "bpf(BPF_OBJ_GET_INFO_BY_FD of program '" + name + "')");
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
