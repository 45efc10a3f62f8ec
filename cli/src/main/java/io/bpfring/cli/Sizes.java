package io.bpfring.cli;

import io.bpfring.bpf.Platform;
import io.bpfring.ring.RingLayout;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes, durations and counts, in one form on every command: a size in bytes or with K, M or G
 * (64K, 4M, 1G); a duration with its unit (500ms, 30s, 5m, 1h), or 0; a count as a whole number
 * (1000). The converters check a value against what it is for, so one that does not fit is a
 * usage error naming the value (picocli names the option) before anything is loaded.
 */
public final class Sizes {
    /**
     * The largest ring buffer. The kernel takes its size as max_entries, a u32 that must be a
     * power of 2, so 2G at most (kernel/bpf/ringbuf.c; its own RINGBUF_MAX_DATA_SZ is near 64G);
     * {@code BpfMap.ringBuf} takes an int: 1G.
     */
    private static final long MAX_RING = 1L << 30;
    /**
     * The largest perf buffer of one CPU. The kernel keeps a buffer's page list in one allocation
     * of at most 4 MiB (rb_alloc in kernel/events/ring_buffer.c): 2^18 pointers fit, 2^19 do not.
     * With 4K pages that is 1G.
     */
    private static final long MAX_PERF_BUFFER = 1L << 30;
    /** The most threads a benchmark starts: past the cores they measure the scheduler, and each holds a stack. */
    private static final int MAX_THREADS = 1024;
    /** The most rounds a benchmark measures: it keeps each round's figures. */
    private static final int MAX_ROUNDS = 100_000;

    /** The longest duration: a long of nanoseconds. */
    private static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

    private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*([kmg]?)i?b?", Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final String TIME_FORMS = "500ms, 30s, 5m or 1h";

    private Sizes() {
    }

    /** Parses 4096, 64K, 4M, 1G (powers of 1024), up to {@code max} bytes. */
    static long parseBytes(String text, long max) {
        Matcher m = BYTES.matcher(text.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a size: use bytes or a K, M or G suffix, like 256K");
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long n = wholeNumber(m.group(1));
        if (n > max >> shift) {
            throw new TypeConversionException("'" + text + "' is more than " + format(max));
        }
        return n << shift;
    }

    /** The number {@code text} spells, {@code Long.MAX_VALUE} for one past a long, -1 for no number. */
    private static long wholeNumber(String text) {
        if (!text.trim().matches("\\d+")) {
            return -1;
        }
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * Parses 500ms, 30s, 5m or 1h, or 0, which needs no unit; longer than zero when
     * {@code positive}. A number without a unit is refused: one option counted seconds and
     * another milliseconds. Waits and deadlines count in nanoseconds: a duration must fit a long
     * of them, 292 years.
     */
    static Duration parseDuration(String text, boolean positive) {
        Matcher m = TIME.matcher(text.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a duration: use " + TIME_FORMS);
        }
        if (m.group(2) == null && wholeNumber(m.group(1)) != 0) {
            String n = m.group(1);
            throw new TypeConversionException("'" + text + "' has no unit: use " + n + "ms, " + n + "s, " + n + "m or "
                    + n + "h");
        }
        ChronoUnit unit = m.group(2) == null ? ChronoUnit.SECONDS : switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> ChronoUnit.MILLIS;
            case "m" -> ChronoUnit.MINUTES;
            case "h" -> ChronoUnit.HOURS;
            default -> ChronoUnit.SECONDS;
        };
        long n = wholeNumber(m.group(1));
        if (n > MAX_DURATION.dividedBy(unit.getDuration())) {
            throw new TypeConversionException("'" + text + "' is longer than 292 years");
        }
        if (positive && n == 0) {
            throw new TypeConversionException("'" + text + "' must be more than 0");
        }
        return Duration.of(n, unit);
    }

    /** 2 seconds as 2s, 1500 milliseconds as 1500ms: in the form a duration option takes. */
    public static String format(Duration duration) {
        if (duration.toNanosPart() % 1_000_000 != 0) {
            throw new IllegalArgumentException(duration + " is not whole milliseconds");
        }
        if (duration.isZero()) {
            return "0";
        }
        if (duration.toMillisPart() != 0) {
            return duration.toMillis() + "ms";
        }
        if (duration.toSecondsPart() != 0) {
            return duration.toSeconds() + "s";
        }
        return duration.toMinutesPart() != 0 ? duration.toMinutes() + "m" : duration.toHours() + "h";
    }

    /** 262144 as 256K, 4194304 as 4M; other values in bytes. */
    public static String format(long bytes) {
        if (bytes >= 1 << 30 && bytes % (1 << 30) == 0) {
            return (bytes >> 30) + "G";
        }
        if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
            return (bytes >> 20) + "M";
        }
        if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
            return (bytes >> 10) + "K";
        }
        return bytes + "B";
    }

    /** A ring buffer's size, as the kernel takes it: a power of 2 and a multiple of the page size, up to 1G. */
    public static final class RingSize implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            long size = parseBytes(text, MAX_RING);
            long page = Platform.pageSize();
            if (!RingLayout.isValidSize(size, page)) {
                long suggestion = size <= page ? page : Long.highestOneBit(size - 1) << 1;
                throw new TypeConversionException("'" + text + "' is not a power of 2 and a multiple of the page size ("
                        + format(page) + "): try " + format(suggestion));
            }
            return (int) size;
        }
    }

    /** Data pages of one CPU's perf buffer, as the kernel takes them: a power of 2, up to 1G a CPU. */
    public static final class PerfPages implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String text) {
            long page = Platform.pageSize();
            long max = MAX_PERF_BUFFER / page;
            long pages = wholeNumber(text);
            if (pages < 1 || pages > max || Long.bitCount(pages) != 1) {
                throw new TypeConversionException("'" + text + "' is not a power of 2 from 1 to " + max + " (pages of "
                        + format(page) + ", " + format(MAX_PERF_BUFFER) + " per CPU at most)");
            }
            return (int) pages;
        }
    }

    /** Bytes from a least to a most, like 64 or 4K; a subclass says which. */
    public static class Bytes implements ITypeConverter<Integer> {
        private final int min;
        private final int max;

        protected Bytes(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Integer convert(String text) {
            long bytes = parseBytes(text, max);
            if (bytes < min) {
                throw new TypeConversionException("'" + text + "' is less than " + format(min));
            }
            return (int) bytes;
        }
    }

    /** A count of things: a whole number from 1, or a subclass's least, to its most. */
    public static class Count implements ITypeConverter<Integer> {
        private final int min;
        private final int max;

        public Count() {
            this(1, Integer.MAX_VALUE);
        }

        protected Count(int min, int max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Integer convert(String text) {
            long n = wholeNumber(text);
            if (n < min || n > max) {
                throw new TypeConversionException("'" + text + "' is not a whole number from " + min + " to " + max);
            }
            return (int) n;
        }
    }

    /** Threads to start: 1 to {@link #MAX_THREADS}. */
    public static final class Threads extends Count {
        public Threads() {
            super(1, MAX_THREADS);
        }
    }

    /** Rounds to measure: 1 to {@link #MAX_ROUNDS}. */
    public static final class Rounds extends Count {
        public Rounds() {
            super(1, MAX_ROUNDS);
        }
    }

    /** A duration: 500ms, 30s, 5m or 1h; 0 too. */
    public static final class Time implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            return parseDuration(text, false);
        }
    }

    /** How long something runs: 500ms, 30s, 5m or 1h; more than 0. */
    public static final class PositiveTime implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            return parseDuration(text, true);
        }
    }
}
