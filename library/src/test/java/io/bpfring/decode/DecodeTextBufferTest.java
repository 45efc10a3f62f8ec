package io.bpfring.decode;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Numbers as the JDK writes them, and the buffer's hand-over to streams and byte buffers. */
class DecodeTextBufferTest {
    @Test
    void numbersAsTheJdkWritesThem() {
        Random random = new Random(3);
        long[] edges = {0, 1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, Integer.MAX_VALUE, Integer.MAX_VALUE + 1L,
                Long.MAX_VALUE, Long.MIN_VALUE, -1, 999_999_999_999_999_999L, 1_000_000_000_000_000_000L};
        for (int i = 0; i < 100_000; i++) {
            long v = i < edges.length ? edges[i] : random.nextLong() >> random.nextInt(64);
            TextBuffer out = new TextBuffer();
            out.decimal(v);
            out.put((byte) ' ');
            out.unsignedDecimal(v);
            out.put((byte) ' ');
            out.hex(v);
            assertEquals(v + " " + Long.toUnsignedString(v) + " 0x" + Long.toHexString(v), out.toString());
        }
    }

    @Test
    void linesGoToTheStreamInBatches() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        TextBuffer out = new TextBuffer(sink);
        String line = "x".repeat(999);
        for (int i = 0; i < 100; i++) {
            out.ascii(line);
            out.endLine();
        }
        assertEquals(TextBuffer.FLUSH_AT / 1000 * 1000 + 1000, sink.size(), "whole lines, once 64 KiB is held");
        out.flush();
        assertEquals(100_000, sink.size());
        assertEquals(0, out.length());
    }

    @Test
    void callersOwnText() {
        TextBuffer out = new TextBuffer();
        out.append("19:39:52 ").append("é ").append(-42L);
        assertEquals("19:39:52 é -42", out.toString());
    }

    @Test
    void copyToAByteBufferHandsOverWholeLines() {
        TextBuffer out = new TextBuffer();
        out.ascii("first");
        out.endLine();
        out.ascii("second");
        out.endLine();
        ByteBuffer target = ByteBuffer.allocate(10);
        assertEquals(6, out.copyTo(target));
        assertEquals("first\n", new String(target.array(), 0, 6, StandardCharsets.US_ASCII));
        assertEquals("second\n", out.toString());
    }
}
