package io.bpfring.bench.mpsc;

import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntFunction;

/** The structures compared, by the names the command line and the JMH benchmark use. */
public enum Structure {
    BPFRING(BpfringContender::new),
    AGRONA(AgronaContender::new),
    JCTOOLS(JctoolsContender::new),
    DISRUPTOR(DisruptorContender::new);

    private final IntFunction<Contender> factory;

    Structure(IntFunction<Contender> factory) {
        this.factory = factory;
    }

    /** A new, empty instance for records of {@code recordSize} bytes. */
    public Contender create(int recordSize) {
        if (recordSize < Long.BYTES) {
            throw new IllegalArgumentException("records must hold the 8 bytes the consumer reads, got " + recordSize);
        }
        return factory.apply(recordSize);
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Structure ofLabel(String label) {
        return Arrays.stream(values()).filter(s -> s.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown structure '" + label + "': one of "
                        + Arrays.stream(values()).map(Structure::label).toList()));
    }
}
