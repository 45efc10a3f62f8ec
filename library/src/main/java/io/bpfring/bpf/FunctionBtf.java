package io.bpfring.bpf;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

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
        return LoadedBtf.loadFd(blob.array());
    }
}
