package io.bpfring.cli;

import io.bpfring.cli.checks.BurstCheckCommand;
import io.bpfring.cli.checks.OrderCheckCommand;
import io.bpfring.cli.execsnoop.ExecSnoopCommand;
import io.bpfring.cli.run.GenCommand;
import io.bpfring.cli.run.InspectCommand;
import io.bpfring.cli.run.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bpfring} command line. */
@Command(name = "bpfring",
        mixinStandardHelpOptions = true,
        version = "bpfring 0.1",
        description = {
                "The Linux BPF ring buffer, in pure Java.",
                "",
                "Runs BPF programs, assembled in Java or loaded from clang-built objects,",
                "and reads their events from kernel ring buffers through memory mappings.",
                "Needs root, or CAP_BPF with CAP_PERFMON and, for tracepoints, read access",
                "to tracefs.",
        },
        subcommands = {ExecSnoopCommand.class, OrderCheckCommand.class, BurstCheckCommand.class, BenchCommand.class,
                MpscCommand.class, JmhCommand.class, RunCommand.class, InspectCommand.class, GenCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Run 'bpfring help <command>' for a command's options and examples."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "When a command fails, print the stack trace under its message.")
    boolean debug;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for main and for tests. */
    public static CommandLine commandLine() {
        Main main = new Main();
        return new CommandLine(main)
                .setParameterExceptionHandler((e, args) -> {
                    // A bad option or value is one line that names it, not the whole usage.
                    CommandLine cmd = e.getCommandLine();
                    cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName() + ": "
                            + e.getMessage() + " (see " + cmd.getCommandSpec().qualifiedName() + " --help)"));
                    CommandLine.UnmatchedArgumentException.printSuggestions(e, cmd.getErr());
                    return cmd.getCommandSpec().exitCodeOnInvalidInput();
                })
                .setExecutionExceptionHandler((e, cmd, parseResult) -> {
                    // Failures the user can act on print as one clear message, not a stack trace.
                    cmd.getErr().println(cmd.getColorScheme().errorText(cmd.getCommandSpec().qualifiedName()
                            + ": " + e.getMessage()));
                    if (main.debug) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }
}
