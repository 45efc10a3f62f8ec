package io.bpfring.cli;

import io.bpfring.bpf.Platform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SizesTest {
    private static final long PAGE = Platform.pageSize();

    private static void assertRejected(String message, Executable parse) {
        assertEquals(message, assertThrows(TypeConversionException.class, parse).getMessage());
    }

    @Test
    void bytesTakeBinarySuffixes() {
        assertEquals(4096, Sizes.parseBytes("4096", Long.MAX_VALUE));
        assertEquals(64 * 1024, Sizes.parseBytes("64K", Long.MAX_VALUE));
        assertEquals(4 << 20, Sizes.parseBytes("4m", Long.MAX_VALUE));
        assertEquals(4 << 20, Sizes.parseBytes("4MiB", Long.MAX_VALUE));
        assertEquals(1L << 30, Sizes.parseBytes("1G", Long.MAX_VALUE));
        assertRejected("'lots' is not a size: use bytes or a K, M or G suffix, like 256K",
                () -> Sizes.parseBytes("lots", Long.MAX_VALUE));
    }

    @Test
    void bytesPastTheLimitAreRejectedEvenWhenTheyWrapALong() {
        assertEquals(1L << 30, Sizes.parseBytes("1G", 1L << 30));
        assertRejected("'1025M' is more than 1G", () -> Sizes.parseBytes("1025M", 1L << 30));
        // (2^34 + 1) << 30 is 2^30 in a long
        assertRejected("'17179869185G' is more than 1G", () -> Sizes.parseBytes("17179869185G", 1L << 30));
        assertRejected("'99999999999999999999' is more than 1G",
                () -> Sizes.parseBytes("99999999999999999999", 1L << 30));
        assertRejected("'8589934592G' is more than 9223372036854775807B",
                () -> Sizes.parseBytes("8589934592G", Long.MAX_VALUE));
    }

    @Test
    void ringSizesAreWholePagesInAPowerOf2UpTo1G() {
        Sizes.RingSize ring = new Sizes.RingSize();
        assertEquals(256 * 1024, ring.convert("256K"));
        assertEquals(1 << 30, ring.convert("1G"));
        assertRejected("'17179869185G' is more than 1G", () -> ring.convert("17179869185G"));
        assertRejected("'2G' is more than 1G", () -> ring.convert("2G"));
        String notAPowerOf2 = "' is not a power of 2 and a multiple of the page size (" + Sizes.format(PAGE)
                + "): try ";
        assertRejected("'1000" + notAPowerOf2 + Sizes.format(PAGE), () -> ring.convert("1000"));
        assertRejected("'0" + notAPowerOf2 + Sizes.format(PAGE), () -> ring.convert("0"));
        assertRejected("'" + (3 * PAGE) + notAPowerOf2 + Sizes.format(4 * PAGE),
                () -> ring.convert(Long.toString(3 * PAGE)));
    }

    @Test
    void perfPagesAreAPowerOf2UpTo1GPerCpu() {
        Sizes.PerfPages pages = new Sizes.PerfPages();
        long max = (1L << 30) / PAGE;
        assertEquals(64, pages.convert("64"));
        assertEquals(max, (long) pages.convert(Long.toString(max)));
        String range = "' is not a power of 2 from 1 to " + max + " (pages of " + Sizes.format(PAGE)
                + ", 1G per CPU at most)";
        for (String bad : new String[] {"48", "0", "-4", "4K", Long.toString(2 * max), "4294967296",
                "99999999999999999999"}) {
            assertRejected("'" + bad + range, () -> pages.convert(bad));
        }
    }

    @Test
    void boundedBytesTakeSuffixesWithinTheirBounds() {
        Sizes.Bytes record = new Sizes.Bytes(8, 64 * 1024) {
        };
        assertEquals(8, record.convert("8"));
        assertEquals(64 * 1024, record.convert("64K"));
        assertRejected("'4' is less than 8B", () -> record.convert("4"));
        assertRejected("'65537' is more than 64K", () -> record.convert("65537"));
        assertRejected("'4294967304' is more than 64K", () -> record.convert("4294967304"));
    }

    @Test
    void countsAreWholeNumbersWithinTheirBounds() {
        Sizes.Count count = new Sizes.Count();
        assertEquals(1, count.convert("1"));
        assertEquals(Integer.MAX_VALUE, count.convert("2147483647"));
        for (String bad : new String[] {"0", "-1", "2147483648", "9223372036854775808", "1K", "many", ""}) {
            assertRejected("'" + bad + "' is not a whole number from 1 to 2147483647", () -> count.convert(bad));
        }
        assertEquals(1024, new Sizes.Threads().convert("1024"));
        assertRejected("'1025' is not a whole number from 1 to 1024", () -> new Sizes.Threads().convert("1025"));
        assertEquals(100_000, new Sizes.Rounds().convert("100000"));
        assertRejected("'2147483647' is not a whole number from 1 to 100000",
                () -> new Sizes.Rounds().convert("2147483647"));
    }

    @Test
    void durationsTakeTheirUnitAndOnlyZeroGoesWithout() {
        Sizes.Time time = new Sizes.Time();
        assertEquals(Duration.ofMillis(500), time.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), time.convert("30s"));
        assertEquals(Duration.ofMinutes(5), time.convert("5m"));
        assertEquals(Duration.ofHours(1), time.convert("1h"));
        assertEquals(Duration.ZERO, time.convert("0"));
        assertEquals(Duration.ZERO, time.convert("0ms"));
        // A plain number was seconds for one option and milliseconds for another.
        assertRejected("'7' has no unit: use 7ms, 7s, 7m or 7h", () -> time.convert("7"));
        assertRejected("'250' has no unit: use 250ms, 250s, 250m or 250h", () -> new Sizes.PositiveTime().convert("250"));
        assertRejected("'soon' is not a duration: use 500ms, 30s, 5m or 1h", () -> time.convert("soon"));
        assertRejected("'-1s' is not a duration: use 500ms, 30s, 5m or 1h", () -> time.convert("-1s"));
    }

    @Test
    void durationsFitALongOfNanoseconds() {
        Sizes.Time time = new Sizes.Time();
        assertEquals(Duration.ofHours(2562047), time.convert("2562047h"));
        assertEquals(Duration.ofMillis(Long.MAX_VALUE / 1_000_000), time.convert(Long.MAX_VALUE / 1_000_000 + "ms"));
        for (String tooLong : new String[] {"3000000h", "2562048h", "153722868m", "9223372037s",
                "9223372036855ms", "99999999999999999999s"}) {
            assertRejected("'" + tooLong + "' is longer than 292 years", () -> time.convert(tooLong));
        }
    }

    @Test
    void howLongSomethingRunsIsMoreThanZero() {
        assertEquals(Duration.ofMillis(1), new Sizes.PositiveTime().convert("1ms"));
        assertRejected("'0' must be more than 0", () -> new Sizes.PositiveTime().convert("0"));
        assertRejected("'0ms' must be more than 0", () -> new Sizes.PositiveTime().convert("0ms"));
        assertRejected("'0s' must be more than 0", () -> new Sizes.PositiveTime().convert("0s"));
    }

    @Test
    void aDurationIsWrittenBackInTheFormItIsRead() {
        Sizes.Time time = new Sizes.Time();
        for (String text : new String[] {"0", "1ms", "200ms", "1500ms", "2s", "90s", "5m", "1h", "2562047h"}) {
            assertEquals(text, Sizes.format(time.convert(text)));
        }
        assertEquals("1500ms", Sizes.format(Duration.ofMillis(1500)));
        assertEquals("61m", Sizes.format(Duration.ofMinutes(61)));
    }

    @Test
    void formatPicksTheLargestExactUnit() {
        assertEquals("256K", Sizes.format(256 * 1024));
        assertEquals("4M", Sizes.format(4 << 20));
        assertEquals("2G", Sizes.format(2L << 30));
        assertEquals("1000B", Sizes.format(1000));
    }
}
