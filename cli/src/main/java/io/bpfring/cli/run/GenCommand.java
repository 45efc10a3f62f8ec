package io.bpfring.cli.run;

import io.bpfring.decode.RecordGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code bpfring gen}: source generated from a BPF object. */
@Command(name = "gen",
        mixinStandardHelpOptions = true,
        description = "Generate source from a BPF object.",
        subcommands = GenCommand.Record.class)
public final class GenCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to generate: gen record");
    }

    /** {@code bpfring gen record}: a Java record and its View for a struct of the object. */
    @Command(name = "record",
            mixinStandardHelpOptions = true,
            description = {
                    "Print a Java record for a struct of a BPF object (from its .BTF, else its",
                    "DWARF), with a decode method and a View that reads fields in place.",
            },
            footer = {"", "Example:",
                    "  bpfring gen record execsnoop.bpf.o --struct event --package org.example --class ExecEvent"})
    public static final class Record implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "OBJECT", description = "The BPF object file (.bpf.o).")
        Path object;

        @Option(names = {"-s", "--struct"}, paramLabel = "STRUCT", defaultValue = "event",
                description = "The struct (default: ${DEFAULT-VALUE}).")
        String struct;

        @Option(names = "--package", paramLabel = "NAME", description = "The Java package (default: none).")
        String packageName;

        @Option(names = "--class", paramLabel = "NAME",
                description = "The class name (default: the struct's name in camel case).")
        String className;

        @Override
        public Integer call() {
            ObjectFile file = ObjectFile.open(spec, object);
            ObjectFile.Struct found = file.requireStruct(struct);
            PrintWriter out = spec.commandLine().getOut();
            out.print(RecordGenerator.generate(found.btf(), found.id(), packageName, className));
            out.flush();
            return 0;
        }
    }
}
