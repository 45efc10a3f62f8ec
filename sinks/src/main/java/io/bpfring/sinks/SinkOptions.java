package io.bpfring.sinks;

import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings shared by every sink of a {@link SinkSet}, with the defaults a tool wants; each setter
 * returns this. A sink URI's query ({@code ?queue=N&on-full=block}) overrides the queue settings
 * for that sink alone.
 */
public final class SinkOptions {
    private OnFull onFull = OnFull.DROP;
    private int queueCapacity = 65_536;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration closeTimeout = Duration.ofSeconds(10);
    private Duration statusInterval = Duration.ofSeconds(5);
    private InetSocketAddress metrics;
    private PrintStream out = System.out;
    private PrintStream err = System.err;
    private TableFormat table;
    private String serviceName = "bpfring";

    public static SinkOptions defaults() {
        return new SinkOptions();
    }

    /** What a sink does when its queue is full (default {@link OnFull#DROP}). */
    public SinkOptions onFull(OnFull policy) {
        this.onFull = Objects.requireNonNull(policy);
        return this;
    }

    /** Records each sink's queue holds while its destination is slow or away (default 65536). */
    public SinkOptions queueCapacity(int records) {
        if (records < 1) {
            throw new SinkException("a sink queue holds at least 1 record, not " + records);
        }
        this.queueCapacity = records;
        return this;
    }

    /** How long {@link SinkSet#start} waits for a broker or receiver to answer (default 5 s). */
    public SinkOptions connectTimeout(Duration timeout) {
        this.connectTimeout = positive(timeout, "connect timeout");
        return this;
    }

    /**
     * How long {@link SinkSet#close} waits for queued records to be delivered (default 10 s);
     * what is still undelivered then is counted as unsent in the closing line.
     */
    public SinkOptions closeTimeout(Duration timeout) {
        this.closeTimeout = positive(timeout, "close timeout");
        return this;
    }

    /**
     * How often live counters go to the error stream (default 5 s; the first after one interval,
     * so short runs print none); {@code null} or zero for never.
     */
    public SinkOptions statusInterval(Duration interval) {
        this.statusInterval = interval == null || interval.isZero() ? null : positive(interval, "status interval");
        return this;
    }

    /** Serves Prometheus metrics at this address; {@code null} for none (the default). */
    public SinkOptions metrics(InetSocketAddress address) {
        this.metrics = address;
        return this;
    }

    /**
     * Serves Prometheus metrics as {@code --metrics} says: {@code PORT} listens on the loopback
     * address only (traced events are sensitive); {@code HOST:PORT} or {@code [V6]:PORT} where
     * told, {@code 0.0.0.0:PORT} on every address. Port 0 takes a free one.
     */
    public SinkOptions metrics(String spec) {
        return metrics(metricsAddress(spec));
    }

    /** Where the stdout sink writes (default {@link System#out}). */
    public SinkOptions out(PrintStream stream) {
        this.out = Objects.requireNonNull(stream);
        return this;
    }

    /** Where warnings, live counters and the closing line go (default {@link System#err}). */
    public SinkOptions err(PrintStream stream) {
        this.err = Objects.requireNonNull(stream);
        return this;
    }

    /** The stdout sink's table; {@code null} for {@link TableFormat#generic()}. */
    public SinkOptions table(TableFormat format) {
        this.table = format;
        return this;
    }

    /** {@code service.name} of OpenTelemetry's resource (default {@code bpfring}). */
    public SinkOptions serviceName(String name) {
        this.serviceName = Objects.requireNonNull(name);
        return this;
    }

    public OnFull onFull() {
        return onFull;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public Duration closeTimeout() {
        return closeTimeout;
    }

    /** The live counters' interval, or {@code null} for none. */
    public Duration statusInterval() {
        return statusInterval;
    }

    /** The metrics address, or {@code null} for none. */
    public InetSocketAddress metrics() {
        return metrics;
    }

    public PrintStream out() {
        return out;
    }

    public PrintStream err() {
        return err;
    }

    public TableFormat table() {
        return table == null ? TableFormat.generic() : table;
    }

    public String serviceName() {
        return serviceName;
    }

    static InetSocketAddress metricsAddress(String spec) {
        String s = spec.strip();
        String host = null;
        String port = s;
        int colon = s.lastIndexOf(':');
        if (colon >= 0) {
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw new SinkException("--metrics " + spec + ": no address before the port");
            }
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new SinkException("--metrics takes PORT or ADDRESS:PORT, not '" + spec + "'");
        }
        if (p < 0 || p > 65535) {
            throw new SinkException("--metrics " + spec + ": port " + p + " is not between 0 and 65535");
        }
        try {
            return new InetSocketAddress(host == null ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host), p);
        } catch (UnknownHostException e) {
            throw new SinkException("--metrics " + spec + ": unknown address " + host);
        }
    }

    private static Duration positive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new SinkException("the " + what + " must be positive, not " + d);
        }
        return d;
    }
}
