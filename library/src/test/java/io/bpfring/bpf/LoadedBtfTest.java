package io.bpfring.bpf;

import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LoadedBtfTest {
    @BeforeEach
    void requireKernel() {
        Kernel.require();
    }

    /** A header and one type, {@code int} or, with a bad encoding, nothing the kernel accepts. */
    private static byte[] oneInt(int bits) {
        byte[] strings = "\0int\0".getBytes();
        ByteBuffer b = ByteBuffer.allocate(24 + 16 + strings.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0xeb9f).put((byte) 1).put((byte) 0).putInt(24)
                .putInt(0).putInt(16).putInt(16).putInt(strings.length)
                .putInt(1).putInt(1 << 24).putInt(4).putInt(1 << 24 | bits) // [1] INT 'int' size 4, signed
                .put(strings);
        return b.array();
    }

    @Test
    void validBtfLoadsAndClosing() {
        LoadedBtf btf = LoadedBtf.load(oneInt(32));
        assertTrue(btf.fd() > 0);
        btf.close();
        assertThrows(IllegalStateException.class, btf::fd);
    }

    @Test
    void aRefusalCarriesTheKernelsLog() {
        BtfLoadException e = assertThrows(BtfLoadException.class, () -> LoadedBtf.load(oneInt(64)));
        assertEquals("EINVAL", e.errnoName());
        assertTrue(e.log().contains("[1] INT int"), e.log());
        assertTrue(e.getMessage().contains(e.log().lines().toList().getLast()), e.getMessage());
    }
}
