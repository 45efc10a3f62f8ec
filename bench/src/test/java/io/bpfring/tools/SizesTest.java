package io.bpfring.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SizesTest {
    @Test
    void bytesTakeBinarySuffixes() {
        assertEquals(4096, Sizes.parseBytes("4096"));
        assertEquals(64 * 1024, Sizes.parseBytes("64K"));
        assertEquals(4 << 20, Sizes.parseBytes("4m"));
        assertEquals(4 << 20, Sizes.parseBytes("4MiB"));
        assertEquals(1L << 30, Sizes.parseBytes("1G"));
        assertThrows(TypeConversionException.class, () -> Sizes.parseBytes("lots"));
    }

    @Test
    void durationsTakeUnitsOrPlainSeconds() {
        assertEquals(Duration.ofMillis(500), Sizes.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(30), Sizes.parseDuration("30s"));
        assertEquals(Duration.ofSeconds(7), Sizes.parseDuration("7"));
        assertEquals(Duration.ofMinutes(5), Sizes.parseDuration("5m"));
        assertEquals(Duration.ofHours(1), Sizes.parseDuration("1h"));
        assertThrows(TypeConversionException.class, () -> Sizes.parseDuration("soon"));
    }

    @Test
    void formatPicksTheLargestExactUnit() {
        assertEquals("256K", Sizes.format(256 * 1024));
        assertEquals("4M", Sizes.format(4 << 20));
        assertEquals("2G", Sizes.format(2L << 30));
        assertEquals("1000B", Sizes.format(1000));
    }
}
