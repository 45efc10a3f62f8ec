package io.bpfring.ring;

import io.bpfring.CorruptRingException;

import io.bpfring.perf.PerfRecordHandler;
import io.bpfring.perf.PerfRingConsumer;
import io.bpfring.sys.PerfEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;

import static io.bpfring.ring.RingLayout.BUSY_BIT;
import static io.bpfring.ring.RingLayout.DISCARD_BIT;
import static io.bpfring.ring.RingLayout.LENGTH_MASK;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Fuzzes the ring buffer and perf buffer consumers with headers and positions, random and
 * adversarial: positions near 2^63 and 2^64 and unaligned ones, lengths past the producer
 * position and past the ring, BUSY and DISCARD bits, reclaimed fill and impossible owners in a
 * shared ring, perf record sizes of 0, unaligned or larger than the buffer, short and long LOST
 * records, producers that move (or jump) between calls.
 *
 * <p>Whatever the memory holds: every record delivered lies within [consumer position, producer
 * position) as they were when the call began, and within the mapping; the consumer position
 * never passes the producer position; nothing but {@link CorruptRingException} is thrown; a
 * consumer that threw it throws it again, with the same message, and delivers nothing more. A
 * well-formed ring (a quarter of the cases) is delivered whole and in order, with no exception.
 *
 * <p>{@code -Dbpfring.fuzz.headers=N} sets how many headers each test writes (10^5 by default);
 * {@code -Dbpfring.fuzz.seed=S} repeats a run, whose seed a failure names.
 */
class ConsumerFuzzTest {
    private static final long HEADERS = Long.getLong("bpfring.fuzz.headers", 100_000);
    private static final int[] SIZES = {64, 256, 4096};
    private static final int FILL = 0x80808080;
    private static final int PID_MAX = 1 << 22;
    private static final int PERF_HEADER = 8;

    private final Arena arena = Arena.ofConfined();

    @AfterEach
    void free() {
        arena.close();
    }

    /** Thrown by a handler on purpose: the consumer must let it through. */
    private static final class HandlerFailure extends RuntimeException {
        HandlerFailure() {
            super("the handler failed on purpose", null, false, false);
        }
    }

    /** What a run did, for its closing line. */
    private static final class Stats {
        long cases;
        long headers;
        long wellFormed;
        long delivered;
        long corrupt;
        long discarded;

        @Override
        public String toString() {
            return headers + " headers in " + cases + " cases (" + wellFormed + " well-formed): " + delivered
                    + " records delivered, " + corrupt + " cases reported corrupt"
                    + (discarded > 0 ? ", " + discarded + " abandoned reservations discarded" : "");
        }
    }

    private interface Case {
        void run(SplittableRandom random, Stats stats);
    }

    private static void fuzz(String what, Case fuzzCase) {
        Long given = Long.getLong("bpfring.fuzz.seed");
        long seed = given != null ? given : ThreadLocalRandom.current().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        Stats stats = new Stats();
        long began = System.nanoTime();
        try {
            while (stats.headers < HEADERS) {
                fuzzCase.run(random, stats);
                stats.cases++;
            }
        } catch (Throwable t) {
            throw new AssertionError(what + " fuzz failed in case " + stats.cases + ": " + t.getMessage()
                    + "; repeat with -Dbpfring.fuzz.seed=" + seed, t);
        }
        System.out.printf("%s fuzz, seed %d: %s; %d ms%n", what, seed, stats, (System.nanoTime() - began) / 1_000_000);
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }

    private static String u(long position) {
        return Long.toUnsignedString(position);
    }

    // ---- positions ----

    /** A position a ring may be at, or an adversarial one: near 0, 2^63, 2^64, random, sometimes unaligned. */
    private static long position(SplittableRandom r, int size, boolean aligned) {
        long near = 8L * r.nextInt(4 * size / 8);
        long base = switch (r.nextInt(6)) {
            case 0 -> near;
            case 1 -> Long.MIN_VALUE - near; // just below 2^63
            case 2 -> Long.MIN_VALUE + near; // just above 2^63
            case 3 -> -near; // just below 2^64
            case 4 -> r.nextLong() & ~7L;
            default -> 8L * r.nextInt(1 << 20);
        };
        return aligned || r.nextInt(8) != 0 ? base : base + r.nextInt(1, 8);
    }

    /** How far a producer is ahead: mostly within the ring, sometimes what cannot be. */
    private static long ahead(SplittableRandom r, int size) {
        return switch (r.nextInt(10)) {
            case 0 -> size; // a whole ring: more than producers ever take
            case 1 -> size + 8L * r.nextInt(1, 64);
            case 2 -> r.nextInt(1, size); // unaligned, mostly
            case 3 -> -8L * r.nextInt(1, 64); // behind
            case 4 -> r.nextLong();
            default -> 8L * r.nextInt(size / 8);
        };
    }

    // ---- the ring buffer ----

    private static final class Ring {
        final int size;
        final MemorySegment cons;
        final MemorySegment prod;
        final MemorySegment data;

        Ring(Arena arena, int size) {
            this.size = size;
            this.cons = arena.allocate(8, 8);
            this.prod = arena.allocate(8, 8);
            this.data = arena.allocate(2L * size, 8);
        }

        long cons() {
            return cons.get(JAVA_LONG, 0);
        }

        long prod() {
            return prod.get(JAVA_LONG, 0);
        }

        void header(long position, int first, int owner) {
            long offset = position & (size - 1) & ~7L;
            data.set(JAVA_INT, offset, first);
            data.set(JAVA_INT, offset + 4, owner);
        }
    }

    /** What was in the ring before: zeros (stale empty records), reclaimed fill, or random bytes. */
    private static void background(SplittableRandom r, MemorySegment data) {
        switch (r.nextInt(4)) {
            case 0 -> data.fill((byte) 0);
            case 1 -> data.fill(RingLayout.UNCLAIMED);
            case 2 -> {
                for (long at = 0; at < data.byteSize(); at += 8) {
                    data.set(JAVA_LONG, at, r.nextLong());
                }
            }
            default -> { } // what the last case left
        }
    }

    private static int owner(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1 -> FILL;
            case 2 -> -r.nextInt(1, Integer.MAX_VALUE);
            case 3 -> PID_MAX + r.nextInt(1, 1000);
            case 4 -> r.nextInt();
            default -> r.nextInt(1, PID_MAX + 1);
        };
    }

    /** A header word that may be anything: fill, huge or negative lengths, lengths around the producer. */
    private static int adversarialHeader(SplittableRandom r, int size, long room) {
        int length = switch (r.nextInt(10)) {
            case 0 -> r.nextInt() & LENGTH_MASK;
            case 1 -> LENGTH_MASK;
            case 2 -> size - 16 + r.nextInt(-8, 32); // around the largest record the ring holds
            case 3 -> (int) Math.clamp(room - 8 + r.nextInt(-8, 24), 0, LENGTH_MASK); // around the producer
            default -> r.nextInt(64);
        };
        int flags = switch (r.nextInt(10)) {
            case 0 -> BUSY_BIT;
            case 1 -> DISCARD_BIT;
            case 2 -> BUSY_BIT | DISCARD_BIT;
            default -> 0;
        };
        return r.nextInt(16) == 0 ? FILL : length | flags;
    }

    @Test
    void ringHeaders() {
        Ring[] rings = new Ring[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            rings[i] = new Ring(arena, SIZES[i]);
        }
        fuzz("ring", (r, stats) -> ringCase(r, stats, rings[r.nextInt(rings.length)]));
    }

    private static void ringCase(SplittableRandom r, Stats stats, Ring ring) {
        int size = ring.size;
        int mode = r.nextInt(3); // 0: the kernel's ring, 1: reclaiming, 2: a shared ring file (reclaiming)
        boolean wellFormed = r.nextInt(4) == 0;
        background(r, ring.data);
        long cons = position(r, size, wellFormed);
        long prod = cons + (wellFormed ? 8L * r.nextInt(size / 8) : ahead(r, size));
        ring.cons.set(JAVA_LONG, 0, cons);
        ring.prod.set(JAVA_LONG, 0, prod);
        RingConsumer consumer = mode == 0 ? new RingConsumer(ring.cons, ring.prod, ring.data, size)
                : RingConsumer.reclaiming(ring.cons, ring.prod, ring.data, size);
        String where = (mode == 0 ? "kernel ring" : mode == 1 ? "reclaiming ring" : "shared ring") + " of " + size
                + " bytes, consumer at " + u(cons) + ", producer at " + u(prod);
        try {
            if (wellFormed) {
                stats.wellFormed++;
                wellFormedRing(r, stats, ring, consumer, mode);
            } else {
                adversarialRing(r, stats, ring, consumer, mode);
            }
        } catch (AssertionError e) {
            throw new AssertionError(where + ": " + e.getMessage(), e);
        }
    }

    private static void wellFormedRing(SplittableRandom r, Stats stats, Ring ring, RingConsumer consumer, int mode) {
        long cons = ring.cons();
        long prod = ring.prod();
        List<Long> expected = new ArrayList<>();
        long end = prod;
        int busyOwner = 0;
        long tag = r.nextLong(1, Long.MAX_VALUE / 2);
        for (long at = cons; at != prod; ) {
            long span = 8L * r.nextInt(1, (int) Math.min((prod - at) / 8, 40) + 1);
            int length = (int) Math.max(0, span - 8 - r.nextInt(8));
            int kind = r.nextInt(20);
            int flags = kind == 0 ? BUSY_BIT : kind < 3 ? DISCARD_BIT : 0;
            int owner = r.nextInt(1, PID_MAX + 1);
            ring.header(at, length | flags, owner);
            if (length >= 8) {
                ring.data.set(JAVA_LONG_UNALIGNED, (at & (ring.size - 1)) + RingLayout.HEADER_SIZE, tag);
            }
            stats.headers++;
            if (end == prod && busyOwner == 0) {
                if (flags == BUSY_BIT) {
                    end = at;
                    busyOwner = owner;
                } else if (flags == 0) {
                    expected.add(length >= 8 ? tag : -length - 1);
                }
            }
            tag++;
            at += span;
        }
        if (mode != 0) {
            ring.header(prod, FILL, FILL); // space no producer has claimed
        }
        List<Long> seen = new ArrayList<>();
        int budget = expected.size() + 2;
        while (true) {
            check(budget-- > 0, "more calls than records");
            long limit = r.nextInt(3) == 0 ? r.nextInt(1, 4) : Long.MAX_VALUE;
            int stopAfter = r.nextInt(4) == 0 ? r.nextInt(1, 4) : Integer.MAX_VALUE;
            int before = seen.size();
            long c0 = ring.cons();
            int n = consumer.consume(record -> {
                checkRecord(ring, c0, prod, record);
                seen.add(record.length() >= 8 ? record.getLong(0) : -record.length() - 1);
                return seen.size() - before < stopAfter;
            }, limit);
            check(n == seen.size() - before, "returned " + n + ", delivered " + (seen.size() - before));
            if (n == 0) {
                break;
            }
        }
        stats.delivered += seen.size();
        check(seen.equals(expected), "delivered " + seen + ", expected " + expected);
        check(ring.cons() == end, "consumer at " + u(ring.cons()) + ", expected " + u(end));
        check(!consumer.hasCommittedRecord(), "a committed record is said to wait at " + u(end));
        check(consumer.availableBytes() == prod - end, "available " + consumer.availableBytes());
        if (mode == 2) {
            check(consumer.reservedBy() == busyOwner, "reserved by " + consumer.reservedBy() + ", expected " + busyOwner);
        }
    }

    private static void adversarialRing(SplittableRandom r, Stats stats, Ring ring, RingConsumer consumer, int mode) {
        int size = ring.size;
        long at = ring.cons() & ~7L;
        for (int i = r.nextInt(1, 12); i > 0; i--) {
            int first = adversarialHeader(r, size, ring.prod() - at);
            ring.header(at, first, owner(r));
            stats.headers++;
            long step = RingLayout.span(first & LENGTH_MASK);
            at += step <= size && r.nextInt(8) != 0 ? step : 8L * r.nextInt(1, 8);
        }
        String latched = null;
        boolean corrupt = false;
        for (int call = r.nextInt(1, 5); call > 0; call--) {
            long c0 = ring.cons();
            long p0 = ring.prod();
            boolean windowValid = ((c0 | p0) & 7) == 0 && Long.compareUnsigned(p0 - c0, size - 8) <= 0;
            int stopAfter = r.nextInt(4) == 0 ? r.nextInt(1, 4) : Integer.MAX_VALUE;
            int failAt = r.nextInt(8) == 0 ? r.nextInt(1, 4) : Integer.MAX_VALUE;
            long limit = r.nextInt(4) == 0 ? r.nextInt(1, 4) : Long.MAX_VALUE;
            int[] count = {0};
            String latchedBefore = latched;
            try {
                int n = consumer.consume(record -> {
                    check(latchedBefore == null, "delivered after reporting corruption: " + latchedBefore);
                    check(windowValid, "delivered with impossible positions");
                    checkRecord(ring, c0, p0, record);
                    count[0]++;
                    if (count[0] == failAt) {
                        throw new HandlerFailure();
                    }
                    return count[0] < stopAfter;
                }, limit);
                check(latched == null, "returned normally after reporting corruption: " + latched);
                check(n == count[0], "returned " + n + ", delivered " + count[0]);
            } catch (CorruptRingException e) {
                latched = sameCorruption(latched, e);
                corrupt = true;
            } catch (HandlerFailure expected) {
                // the handler's own exception, let through
            }
            stats.delivered += count[0];
            long moved = ring.cons() - c0;
            check(moved == 0 || windowValid && Long.compareUnsigned(moved, p0 - c0) <= 0,
                    "the consumer moved from " + u(c0) + " to " + u(ring.cons()) + ", the producer at " + u(p0));
            // The other calls a reader makes: they too may only say the ring is corrupt.
            try {
                consumer.hasCommittedRecord();
            } catch (CorruptRingException e) {
                latched = sameCorruption(latched, e);
                corrupt = true;
            }
            try {
                long available = consumer.availableBytes();
                check(available >= 0 && available <= size - 8, "available " + available);
            } catch (CorruptRingException e) {
                corrupt = true; // reported, not kept: availableBytes is a look, any thread's
            }
            if (mode == 2) {
                latched = abandoned(r, stats, ring, consumer, latched);
                corrupt |= latched != null;
            }
            mutate(r, ring);
        }
        if (corrupt) {
            stats.corrupt++;
        }
    }

    /** The first corruption is kept; any later report must repeat it. */
    private static String sameCorruption(String latched, CorruptRingException e) {
        check(latched == null || latched.equals(e.getMessage()),
                "reported " + e.getMessage() + " after reporting " + latched);
        return latched == null ? e.getMessage() : latched;
    }

    /** What the shared ring file's consumer does with a reservation whose owner is gone. */
    private static String abandoned(SplittableRandom r, Stats stats, Ring ring, RingConsumer consumer, String latched) {
        try {
            long cons = ring.cons();
            long prod = ring.prod();
            int owner = consumer.reservedBy();
            check(latched == null, "reservedBy answered after reporting corruption: " + latched);
            if (owner == 0 || r.nextInt(2) == 0) {
                return null;
            }
            check(owner > 0 && owner <= PID_MAX, "reserved by " + owner + ", no process id");
            int header = ring.data.get(JAVA_INT, cons & (ring.size - 1));
            if (consumer.discardAbandoned(owner)) {
                stats.discarded++;
                check(RingLayout.span(header & LENGTH_MASK) <= prod - cons,
                        "discarded a reservation of " + (header & LENGTH_MASK) + " bytes past the producer");
                int now = ring.data.get(JAVA_INT, cons & (ring.size - 1));
                check(now == ((header & ~BUSY_BIT) | DISCARD_BIT), "discarded as " + Integer.toHexString(now));
            }
            return null;
        } catch (CorruptRingException e) {
            return sameCorruption(latched, e);
        }
    }

    /** Between calls producers move on, or something writes where it should not. */
    private static void mutate(SplittableRandom r, Ring ring) {
        switch (r.nextInt(6)) {
            case 0 -> ring.prod.set(JAVA_LONG, 0, ring.prod() + 8L * r.nextInt(ring.size / 8));
            case 1 -> ring.prod.set(JAVA_LONG, 0, ring.cons() + ahead(r, ring.size));
            case 2 -> ring.header(ring.cons(), adversarialHeader(r, ring.size, ring.prod() - ring.cons()), owner(r));
            default -> { }
        }
    }

    /** A delivered record lies within [c0, p0) and within the mapping. */
    private static void checkRecord(Ring ring, long c0, long p0, RecordView record) {
        long position = record.position();
        int length = record.length();
        long window = p0 - c0;
        long from = position - c0;
        check(Long.compareUnsigned(from, window) < 0 && RingLayout.span(length) <= window - from,
                "record at " + u(position) + " of " + length + " bytes outside [" + u(c0) + ", " + u(p0) + ")");
        MemorySegment payload = record.segment();
        long offset = payload.address() - ring.data.address();
        check(offset == (position & (ring.size - 1)) + RingLayout.HEADER_SIZE
                        && offset + length <= ring.data.byteSize(),
                "record at " + u(position) + " of " + length + " bytes read at offset " + offset);
        record.toByteArray();
    }

    // ---- the perf buffer ----

    private static final class Perf {
        final int size;
        final MemorySegment meta;
        final MemorySegment data;
        final MemorySegment record = MemorySegment.ofArray(new byte[0x10000]);

        Perf(Arena arena, int size) {
            this.size = size;
            this.meta = arena.allocate(4096, 8);
            this.data = arena.allocate(size, 8);
        }

        long tail() {
            return meta.get(JAVA_LONG, PerfEvent.MmapPage.DATA_TAIL);
        }

        long head() {
            return meta.get(JAVA_LONG, PerfEvent.MmapPage.DATA_HEAD);
        }

        void positions(long tail, long head) {
            meta.set(JAVA_LONG, PerfEvent.MmapPage.DATA_TAIL, tail);
            meta.set(JAVA_LONG, PerfEvent.MmapPage.DATA_HEAD, head);
        }

        /** Writes the first {@code bytes} of {@link #record} at {@code position}, wrapping as the kernel does. */
        void write(long position, int bytes) {
            long offset = position & (size - 1);
            long first = Math.min(bytes, size - offset);
            MemorySegment.copy(record, 0, data, offset, first);
            MemorySegment.copy(record, first, data, 0, Math.min(bytes - first, size));
        }

        /** Puts a record header into {@link #record}. */
        void header(int type, int recordSize) {
            record.set(JAVA_INT_UNALIGNED, 0, type);
            record.set(JAVA_SHORT_UNALIGNED, 4, (short) 0);
            record.set(JAVA_SHORT_UNALIGNED, 6, (short) recordSize);
        }
    }

    @Test
    void perfHeaders() {
        Perf[] buffers = new Perf[SIZES.length];
        for (int i = 0; i < SIZES.length; i++) {
            buffers[i] = new Perf(arena, SIZES[i]);
        }
        fuzz("perf", (r, stats) -> perfCase(r, stats, buffers[r.nextInt(buffers.length)]));
    }

    private static void perfCase(SplittableRandom r, Stats stats, Perf perf) {
        int size = perf.size;
        boolean wellFormed = r.nextInt(4) == 0;
        background(r, perf.data);
        long tail = position(r, size, wellFormed);
        long head = tail + (wellFormed ? 8L * r.nextInt(size / 8 + 1) : ahead(r, size));
        perf.positions(tail, head);
        PerfRingConsumer consumer = new PerfRingConsumer(perf.meta, perf.data);
        try {
            if (wellFormed) {
                stats.wellFormed++;
                wellFormedPerf(r, stats, perf, consumer);
            } else {
                adversarialPerf(r, stats, perf, consumer);
            }
        } catch (AssertionError e) {
            throw new AssertionError("perf buffer of " + size + " bytes, data_tail " + u(tail) + ", data_head "
                    + u(head) + ": " + e.getMessage(), e);
        }
    }

    private static void wellFormedPerf(SplittableRandom r, Stats stats, Perf perf, PerfRingConsumer consumer) {
        long tail = perf.tail();
        long head = perf.head();
        List<String> expected = new ArrayList<>();
        long tag = r.nextLong(1, Long.MAX_VALUE / 2);
        for (long at = tail; at != head; ) {
            long room = head - at;
            int recordSize;
            if (room >= 24 && r.nextInt(5) == 0) {
                recordSize = 24;
                long lost = r.nextLong(1, 1 << 20);
                perf.header(PerfEvent.RECORD_LOST, recordSize);
                perf.record.set(JAVA_LONG_UNALIGNED, 8, r.nextLong());
                perf.record.set(JAVA_LONG_UNALIGNED, 16, lost);
                expected.add("lost " + lost);
            } else if (room >= 16 && r.nextInt(6) != 0) {
                recordSize = 16 + 8 * r.nextInt((int) Math.min((room - 16) / 8, 8) + 1);
                int raw = recordSize - PERF_HEADER - 4;
                perf.header(PerfEvent.RECORD_SAMPLE, recordSize);
                perf.record.set(JAVA_INT_UNALIGNED, 8, raw);
                perf.record.set(JAVA_LONG_UNALIGNED, 12, tag);
                expected.add("sample " + (raw >= 8 ? tag : -raw - 1));
            } else {
                recordSize = 8 * r.nextInt(1, (int) Math.min(room / 8, 4) + 1);
                perf.header(r.nextInt(3, 9), recordSize); // a type this consumer skips
            }
            perf.write(at, recordSize);
            stats.headers++;
            tag++;
            at += recordSize;
        }
        List<String> seen = new ArrayList<>();
        int budget = expected.size() + 2;
        while (true) {
            check(budget-- > 0, "more calls than records");
            long limit = r.nextInt(3) == 0 ? r.nextInt(1, 4) : Long.MAX_VALUE;
            long t0 = perf.tail();
            int before = seen.size();
            int n = consumer.consume(new PerfRecordHandler() {
                @Override
                public boolean onSample(RecordView sample) {
                    checkSample(perf, t0, head, sample);
                    seen.add("sample " + (sample.length() >= 8 ? sample.getLong(0) : -sample.length() - 1));
                    return true;
                }

                @Override
                public void onLost(long lost) {
                    seen.add("lost " + lost);
                }
            }, limit);
            if (seen.size() == before) {
                break;
            }
            check(n <= seen.size() - before, "returned " + n);
        }
        stats.delivered += seen.size();
        check(seen.equals(expected), "delivered " + seen + ", expected " + expected);
        check(perf.tail() == head, "data_tail at " + u(perf.tail()) + ", expected " + u(head));
        check(consumer.availableBytes() == 0, "available " + consumer.availableBytes());
    }

    private static void adversarialPerf(SplittableRandom r, Stats stats, Perf perf, PerfRingConsumer consumer) {
        int size = perf.size;
        long at = perf.tail() & ~7L;
        for (int i = r.nextInt(1, 12); i > 0; i--) {
            long room = perf.head() - at;
            int type = switch (r.nextInt(6)) {
                case 0, 1 -> PerfEvent.RECORD_LOST;
                case 2 -> r.nextInt();
                case 3 -> r.nextInt(3, 9);
                default -> PerfEvent.RECORD_SAMPLE;
            };
            int recordSize = switch (r.nextInt(10)) {
                case 0 -> 0;
                case 1 -> r.nextInt(1, 64); // unaligned, mostly
                case 2 -> 0xffff;
                case 3 -> 0xfff8;
                case 4 -> size + 8 * r.nextInt(1, 16); // larger than the buffer
                case 5 -> (int) Math.clamp(room + 8L * r.nextInt(-2, 3), 0, 0xffff); // around data_head
                default -> 8 * r.nextInt(1, 8);
            };
            perf.header(type, recordSize);
            int raw = switch (r.nextInt(6)) {
                case 0 -> r.nextInt();
                case 1 -> -r.nextInt(1, 100);
                case 2 -> recordSize - PERF_HEADER - 4 + r.nextInt(1, 16); // past its record
                default -> Math.max(0, recordSize - PERF_HEADER - 4 - r.nextInt(8));
            };
            perf.record.set(JAVA_INT_UNALIGNED, 8, raw);
            perf.record.set(JAVA_LONG_UNALIGNED, 12, r.nextLong());
            perf.record.set(JAVA_LONG_UNALIGNED, 16, r.nextLong());
            perf.write(at, Math.min(Math.max(recordSize, 24), size));
            stats.headers++;
            at += recordSize >= 8 && recordSize <= size && r.nextInt(8) != 0 ? recordSize & ~7 : 8L * r.nextInt(1, 8);
        }
        String latched = null;
        boolean corrupt = false;
        for (int call = r.nextInt(1, 5); call > 0; call--) {
            long t0 = perf.tail();
            long h0 = perf.head();
            boolean windowValid = ((t0 | h0) & 7) == 0 && Long.compareUnsigned(h0 - t0, size) <= 0;
            int stopAfter = r.nextInt(4) == 0 ? r.nextInt(1, 4) : Integer.MAX_VALUE;
            int failAt = r.nextInt(8) == 0 ? r.nextInt(1, 4) : Integer.MAX_VALUE;
            long limit = r.nextInt(4) == 0 ? r.nextInt(1, 4) : Long.MAX_VALUE;
            int[] count = {0};
            String latchedBefore = latched;
            try {
                int n = consumer.consume(new PerfRecordHandler() {
                    @Override
                    public boolean onSample(RecordView sample) {
                        check(latchedBefore == null, "delivered after reporting corruption: " + latchedBefore);
                        check(windowValid, "delivered with impossible positions");
                        checkSample(perf, t0, h0, sample);
                        count[0]++;
                        if (count[0] == failAt) {
                            throw new HandlerFailure();
                        }
                        return count[0] < stopAfter;
                    }

                    @Override
                    public void onLost(long lost) {
                        check(latchedBefore == null, "reported lost records after reporting corruption");
                        check(windowValid, "reported lost records with impossible positions");
                    }
                }, limit);
                check(latched == null, "returned normally after reporting corruption: " + latched);
                check(n == count[0], "returned " + n + ", delivered " + count[0]);
            } catch (CorruptRingException e) {
                latched = sameCorruption(latched, e);
                corrupt = true;
            } catch (HandlerFailure expected) {
                // the handler's own exception, let through
            }
            stats.delivered += count[0];
            long moved = perf.tail() - t0;
            check(moved == 0 || windowValid && Long.compareUnsigned(moved, h0 - t0) <= 0,
                    "data_tail moved from " + u(t0) + " to " + u(perf.tail()) + ", data_head at " + u(h0));
            try {
                long available = consumer.availableBytes();
                check(available >= 0 && available <= size, "available " + available);
            } catch (CorruptRingException e) {
                corrupt = true;
            }
            switch (r.nextInt(6)) {
                case 0 -> perf.meta.set(JAVA_LONG, PerfEvent.MmapPage.DATA_HEAD, perf.head() + 8L * r.nextInt(size / 8));
                case 1 -> perf.meta.set(JAVA_LONG, PerfEvent.MmapPage.DATA_HEAD, perf.tail() + ahead(r, size));
                case 2 -> perf.data.set(JAVA_BYTE, perf.tail() & (size - 1) & ~7L | 6, (byte) r.nextInt());
                default -> { }
            }
        }
        if (corrupt) {
            stats.corrupt++;
        }
    }

    /** A delivered sample lies within [t0, h0), its raw bytes within their record. */
    private static void checkSample(Perf perf, long t0, long h0, RecordView sample) {
        long position = sample.position();
        int length = sample.length();
        long window = h0 - t0;
        long from = position - t0;
        check(Long.compareUnsigned(from, window) < 0 && PERF_HEADER + 4L + length <= window - from,
                "sample at " + u(position) + " of " + length + " bytes outside [" + u(t0) + ", " + u(h0) + ")");
        check(sample.segment().byteSize() == length, "a view of " + sample.segment().byteSize() + " bytes");
        sample.toByteArray();
    }
}
