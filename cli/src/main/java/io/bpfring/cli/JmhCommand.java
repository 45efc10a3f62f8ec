package io.bpfring.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code bpfring jmh}: bpfring's JMH benchmarks, with JMH's own options. */
@Command(name = "jmh",
        description = {
                "Run bpfring's JMH benchmarks: the consume path, the in-JVM producers.",
                "Options after the command go to JMH: -h lists them; -prof gc adds the",
                "bytes allocated per record.",
        },
        footer = {
                "",
                "Examples:",
                "  bpfring jmh                        every benchmark",
                "  bpfring jmh RingConsume -prof gc   with allocation per record",
                "  bpfring jmh Mpsc -t 2              against agrona, JCTools, the Disruptor",
        })
public final class JmhCommand implements Callable<Integer> {
    /** Everything after the command goes to JMH unparsed. */
    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        org.openjdk.jmh.Main.main(args.toArray(String[]::new));
        return 0;
    }
}
