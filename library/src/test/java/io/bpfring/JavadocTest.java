package io.bpfring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The documentation builds without a warning, and each exported package's example, a region of a
 * test class that runs, appears on its page: a renamed region or class fails here, not in a
 * reader's browser.
 */
class JavadocTest {
    private static final Path BASE = Path.of(System.getProperty("basedir", "."));

    /** A line of each package's example, as its page shows it. */
    private static final Map<String, String> EXAMPLES = Map.ofEntries(
            Map.entry("io/bpfring", "case VerifierException v -> \"the verifier refused it: \" + v.log();"),
            Map.entry("io/bpfring/asm", ".jumpIf(Reg.R1, Asm.Jump.EQ, 0, \"out\")"),
            Map.entry("io/bpfring/bpf", "int answer = program.testRun(new byte[8]);"),
            Map.entry("io/bpfring/ring", "consumer.consume(record -> seen.add(record.getLong(0)), Long.MAX_VALUE);"),
            Map.entry("io/bpfring/ringbuf", "RingBufReader reader = RingBufReader.of(events, record -> {"),
            Map.entry("io/bpfring/perf", "PerfBufReader reader = PerfBufReader.builder(events)"),
            Map.entry("io/bpfring/memring", "try (MemoryRing ring = MemoryRing.inMemory(1 << 20);"),
            Map.entry("io/bpfring/elf", ".filter(Section::isExecutable)"),
            Map.entry("io/bpfring/btf", "int task = kernel.find(\"task_struct\", BtfKind.STRUCT).orElseThrow();"),
            Map.entry("io/bpfring/dwarf", "Btf dwarf = DwarfTypes.read(elf);"),
            Map.entry("io/bpfring/object", "spec.variable(\"targ_tgid\").setLong(pid);"),
            Map.entry("io/bpfring/link", "Link link = Tracepoints.attach(program, \"syscalls\", \"sys_enter_execve\")"),
            Map.entry("io/bpfring/decode", "String json = events.toJson(record);"),
            Map.entry("io/bpfring/flow", "public void onNext(Record record) {"));

    @Test
    void theDocumentationBuildsWithItsExamples() throws IOException, InterruptedException {
        Path out = Files.createTempDirectory("bpfring-javadoc");
        try {
            Path javadoc = Path.of(System.getProperty("java.home"), "bin", "javadoc");
            Process process = new ProcessBuilder(javadoc.toString(), "-quiet", "-Werror", "-Xdoclint:none",
                    "-d", out.toString(), "--source-path", BASE.resolve("src/main/java").toString(),
                    "--snippet-path", BASE.resolve("src/test/java").toString(), "--module", "io.bpfring")
                    .redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.waitFor(), output);
            assertEquals("", output.strip(), "javadoc warned");
            for (Map.Entry<String, String> example : EXAMPLES.entrySet()) {
                Path page = out.resolve("io.bpfring").resolve(example.getKey()).resolve("package-summary.html");
                String text = Files.readString(page).replaceAll("<[^>]*>", "").replace("&lt;", "<")
                        .replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
                assertTrue(text.contains(example.getValue()), page + " lacks its example: " + example.getValue());
            }
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    void everyPackageSaysWhatItIs() throws IOException {
        List<Path> missing;
        try (Stream<Path> dirs = Files.walk(BASE.resolve("src/main/java"))) {
            missing = dirs.filter(Files::isDirectory)
                    .filter(dir -> hasJava(dir) && !Files.exists(dir.resolve("package-info.java"))).toList();
        }
        assertEquals(List.of(), missing, "packages without a package-info.java");
    }

    @Test
    void everyExportedPackageShowsAnExample() throws IOException {
        Path main = BASE.resolve("src/main/java");
        List<String> exported = Pattern.compile("^\\s*exports\\s+([\\w.]+)\\s*;", Pattern.MULTILINE)
                .matcher(Files.readString(main.resolve("module-info.java"))).results().map(m -> m.group(1)).toList();
        assertTrue(exported.size() > 1, "no exports read from module-info.java");
        List<String> withoutExample = new ArrayList<>();
        for (String pkg : exported) {
            Path info = main.resolve(pkg.replace('.', '/')).resolve("package-info.java");
            if (!Files.exists(info) || !Files.readString(info).contains("{@snippet class=")) {
                withoutExample.add(pkg);
            }
        }
        assertEquals(List.of(), withoutExample, "exported packages whose package-info.java has no {@snippet}");
    }

    private static boolean hasJava(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java") && !f.endsWith("module-info.java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
