package io.bpfring.bench;

/** Who consumes, and from which transport. */
public enum Mode {
    RB_JAVA("rb-java"),
    RB_JAVA_BUSY("rb-java-busy"),
    RB_LIBBPF("rb-libbpf"),
    PB_JAVA("pb-java"),
    PB_LIBBPF("pb-libbpf");

    private final String label;

    Mode(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Ring buffer, or else perf buffer. */
    public boolean ring() {
        return label.startsWith("rb");
    }

    /** libbpf's C consumer, or else bpfring's. */
    public boolean libbpf() {
        return label.endsWith("libbpf");
    }

    public static Mode ofLabel(String label) {
        for (Mode mode : values()) {
            if (mode.label.equals(label)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + label + "'; modes: rb-java, rb-java-busy, "
                + "rb-libbpf, pb-java, pb-libbpf");
    }
}
