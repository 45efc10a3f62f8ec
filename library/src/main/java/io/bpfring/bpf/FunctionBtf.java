package io.bpfring.bpf;

import io.bpfring.SyscallException;
import io.bpfring.sys.BpfAttr;
import io.bpfring.sys.Sys;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The least BTF a program with several functions needs: the verifier wants a {@code func_info}
 * record (instruction offset, BTF FUNC type) for each function once any is used as a callback.
 * Every function gets a static FUNC of one prototype with no arguments; the verifier types
 * callback arguments from the helper that calls them, not from BTF.
 */
final class FunctionBtf {
    private static final int MAGIC = 0xeB9F;
    private static final int HEADER_SIZE = 24;
    private static final int KIND_FUNC = 12;
    private static final int KIND_FUNC_PROTO = 13;

    private FunctionBtf() {
    }

    /** Loads BTF for {@code names} (FUNC type ids 2, 3, ... in order); returns its fd. */
    static int load(List<String> names) {
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        strings.write(0);
        ByteBuffer types = ByteBuffer.allocate(12 * (names.size() + 1)).order(ByteOrder.nativeOrder());
        types.putInt(0).putInt(KIND_FUNC_PROTO << 24).putInt(0); // [1] void (void)
        for (String name : names) {
            int nameOffset = strings.size();
            strings.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
            strings.write(0);
            types.putInt(nameOffset).putInt(KIND_FUNC << 24).putInt(1); // static FUNC of [1]
        }
        byte[] stringBytes = strings.toByteArray();
        ByteBuffer blob = ByteBuffer.allocate(HEADER_SIZE + types.capacity() + stringBytes.length).order(ByteOrder.nativeOrder());
        blob.putShort((short) MAGIC).put((byte) 1).put((byte) 0).putInt(HEADER_SIZE)
                .putInt(0).putInt(types.capacity()).putInt(types.capacity()).putInt(stringBytes.length)
                .put(types.array()).put(stringBytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment btf = arena.allocateFrom(JAVA_BYTE, blob.array());
            MemorySegment log = arena.allocate(64 * 1024);
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.BtfLoad.BTF.set(attr, btf.address());
            BpfAttr.BtfLoad.BTF_LOG_BUF.set(attr, log.address());
            BpfAttr.BtfLoad.BTF_SIZE.set(attr, (int) btf.byteSize());
            BpfAttr.BtfLoad.BTF_LOG_SIZE.set(attr, (int) log.byteSize());
            BpfAttr.BtfLoad.BTF_LOG_LEVEL.set(attr, 1);
            int fd = Sys.bpfOrErrno(Cmd.BTF_LOAD, attr);
            if (fd < 0) {
                throw new SyscallException("bpf(BPF_BTF_LOAD)", -fd,
                        "the kernel refused the functions' BTF: " + log.getString(0).strip());
            }
            return fd;
        }
    }
}
