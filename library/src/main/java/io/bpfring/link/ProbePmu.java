package io.bpfring.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kprobe or uprobe PMU (Linux 4.17+): the perf event type the kernel numbers at boot, in
 * {@code /sys/bus/event_source/devices/<name>/type}, and the config bit that makes a probe a
 * return probe, from {@code format/retprobe} (such as {@code config:0}).
 */
record ProbePmu(String name, int type, int retprobeBit) {
    static final Path DEVICES = Path.of("/sys/bus/event_source/devices");
    private static final Pattern CONFIG_BIT = Pattern.compile("config:(\\d+)\\s*");

    /** The PMU {@code name}, or empty when the kernel has none of that name. */
    static Optional<ProbePmu> find(String name) {
        Path dir = DEVICES.resolve(name);
        if (!Files.isRegularFile(dir.resolve("type"))) {
            return Optional.empty();
        }
        try {
            int type = Integer.parseInt(Files.readString(dir.resolve("type")).trim());
            String format = Files.readString(dir.resolve("format/retprobe"));
            Matcher bit = CONFIG_BIT.matcher(format);
            if (!bit.matches()) {
                throw new IllegalStateException(dir.resolve("format/retprobe") + " says '" + format.trim()
                        + "', not config:<bit>");
            }
            return Optional.of(new ProbePmu(name, type, Integer.parseInt(bit.group(1))));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + name + " PMU in " + dir, e);
        }
    }

    /** The {@code config} of a probe, or of a return probe. */
    long config(boolean retprobe) {
        return retprobe ? 1L << retprobeBit : 0;
    }
}
