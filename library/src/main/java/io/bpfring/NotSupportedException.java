package io.bpfring;

/**
 * The running kernel lacks a feature: names the feature, the first kernel release that has it
 * and the running one, as in
 * {@code BPF_MAP_TYPE_USER_RINGBUF needs Linux 6.1 or newer; this kernel is 5.15.0-91-generic}.
 * The cause, when there is one, is the failure that showed it.
 */
public final class NotSupportedException extends BpfException {
    private final String feature;
    private final String minimumKernel;
    private final String runningKernel;

    /**
     * @param feature       what is missing, as the kernel's headers name it
     * @param minimumKernel the first release that has it, such as {@code 6.1}
     * @param runningKernel the running kernel's release ({@code uname -r})
     * @param cause         the failure that showed it, or null
     */
    public NotSupportedException(String feature, String minimumKernel, String runningKernel, Throwable cause) {
        super(feature + " needs Linux " + minimumKernel + " or newer; this kernel is " + runningKernel, cause);
        this.feature = feature;
        this.minimumKernel = minimumKernel;
        this.runningKernel = runningKernel;
    }

    /** What is missing, such as {@code BPF_MAP_TYPE_USER_RINGBUF}. */
    public String feature() {
        return feature;
    }

    /** The first kernel release that has it, such as {@code 6.1}. */
    public String minimumKernel() {
        return minimumKernel;
    }

    /** The running kernel's release. */
    public String runningKernel() {
        return runningKernel;
    }
}
