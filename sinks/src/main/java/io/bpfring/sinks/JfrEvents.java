package io.bpfring.sinks;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Percentage;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** bpfring's own Flight Recorder events: how each ring and each sink is doing. */
final class JfrEvents {
    private JfrEvents() {
    }

    @Name("bpfring.RingStatistics")
    @Label("Ring Statistics")
    @Description("A ring's fill level, records read, and records the kernel lost or the program dropped")
    @Category({"bpfring", "Statistics"})
    @Period("1 s")
    @StackTrace(false)
    static final class RingStatistics extends Event {
        @Label("Ring")
        String ring;

        @Label("Size")
        @DataAmount
        long size;

        @Label("Available")
        @Description("Bytes written by the kernel and not yet read: the reader's lag")
        @DataAmount
        long available;

        @Label("Fill")
        @Percentage
        double fill;

        @Label("Records")
        long records;

        @Label("Bytes")
        @DataAmount
        long bytes;

        @Label("Lost")
        @Description("Records the kernel reported lost because the ring was full")
        long lost;

        @Label("Dropped")
        @Description("Records the BPF program counted as dropped because the ring was full")
        long dropped;

        static void commit(RingMeter.RingStats s) {
            RingStatistics e = new RingStatistics();
            e.ring = s.ring();
            e.size = s.size();
            e.available = s.available();
            e.fill = s.fillPercent() / 100;
            e.records = s.records();
            e.bytes = s.bytes();
            e.lost = s.lost();
            e.dropped = s.dropped();
            e.commit();
        }
    }

    @Name("bpfring.SinkStatistics")
    @Label("Sink Statistics")
    @Description("A sink's records delivered, dropped, failed and waiting")
    @Category({"bpfring", "Statistics"})
    @Period("1 s")
    @StackTrace(false)
    static final class SinkStatistics extends Event {
        @Label("Sink")
        String sink;

        @Label("Accepted")
        long accepted;

        @Label("Delivered")
        long delivered;

        @Label("Dropped")
        @Description("Records refused because the sink's queue was full")
        long dropped;

        @Label("Failed")
        long failed;

        @Label("Unsent")
        @Description("Records still queued or in flight when closing gave up")
        long unsent;

        @Label("Queued")
        long queued;

        @Label("In Flight")
        long inFlight;

        @Label("Queue Capacity")
        long capacity;

        @Label("Bytes")
        @DataAmount
        long bytes;

        @Label("Blocked")
        @Description("Time the reader waited for room in the queue")
        @Timespan(Timespan.NANOSECONDS)
        long blocked;

        static void commit(SinkStats s) {
            SinkStatistics e = new SinkStatistics();
            e.sink = s.sink();
            e.accepted = s.accepted();
            e.delivered = s.delivered();
            e.dropped = s.dropped();
            e.failed = s.failed();
            e.unsent = s.unsent();
            e.queued = s.queued();
            e.inFlight = s.inFlight();
            e.capacity = s.capacity();
            e.bytes = s.bytes();
            e.blocked = s.blockedNanos();
            e.commit();
        }
    }
}
