package io.bpfring.cli.run;

import io.bpfring.cli.Main;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Runs the command line with its output captured, optionally while this test execs /bin/true. */
final class Cli {
    record Result(int exitCode, String out, String err, List<Long> pids, String comm) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString(), List.of(), "");
    }

    /**
     * Runs the command while execing /bin/true every few milliseconds until it ends. Each child is
     * a shell, started through a link with a name of this run's own, that execs /bin/true in
     * place: so the exec of /bin/true has the child's pid and, as comm before the exec, the
     * link's name.
     */
    static Result runWhileExecing(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        Path dir = Files.createTempDirectory("runexec");
        String comm = "r" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000)) + "-sh";
        Path shell = dir.resolve(comm);
        Files.createSymbolicLink(shell, Path.of("/bin/sh"));
        List<Long> pids = new ArrayList<>();
        try {
            CompletableFuture<Integer> command = CompletableFuture.supplyAsync(() -> cli.execute(args));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!command.isDone() && System.nanoTime() < deadline) {
                Process p = new ProcessBuilder(shell.toString(), "-c", "exec /bin/true").start();
                pids.add(p.pid());
                p.waitFor();
                Thread.sleep(30);
            }
            int exit = command.get(30, TimeUnit.SECONDS);
            return new Result(exit, out.toString(), err.toString(), List.copyOf(pids), comm);
        } finally {
            try {
                Files.delete(shell);
                Files.delete(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
