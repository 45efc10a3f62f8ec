package io.bpfring.cli;

import io.bpfring.sinks.OtlpReceiver;
import io.bpfring.testing.Kernel;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The runnable jar as users run it ({@code java -jar bpfring-cli.jar}): its service files hold
 * every provider of every jar it took in (the OTLP exporter finds its senders through them), and
 * execsnoop from it sends execs to a real OTLP receiver.
 */
class ShadedJarIT {
    private static Path jar;

    @BeforeAll
    static void theJar() {
        jar = Path.of(System.getProperty("bpfring.jar", "target/bpfring-cli.jar"));
        assertTrue(Files.isRegularFile(jar), "no " + jar + ": run after package (mvn verify)");
    }

    @Test
    void serviceFilesAreMergedNotTheFirstOneKept() throws IOException {
        try (JarFile shaded = new JarFile(jar.toFile())) {
            List<ZipEntry> services = shaded.stream().filter(e -> e.getName().startsWith("META-INF/services/")
                    && !e.isDirectory()).collect(Collectors.toList());
            assertTrue(services.stream().anyMatch(e -> e.getName().endsWith(".HttpSenderProvider")),
                    "the OTLP exporter's HTTP sender is not registered in " + jar);
            for (ZipEntry service : services) {
                Set<String> listed = providers(shaded.getInputStream(service));
                // Every provider that a jar on the class path registers, and whose class the jar took in, is listed.
                for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                    if (!entry.endsWith(".jar")) {
                        continue;
                    }
                    try (JarFile dependency = new JarFile(entry)) {
                        ZipEntry own = dependency.getEntry(service.getName());
                        if (own == null) {
                            continue;
                        }
                        for (String provider : providers(dependency.getInputStream(own))) {
                            if (shaded.getEntry(provider.replace('.', '/') + ".class") != null) {
                                assertTrue(listed.contains(provider), service.getName() + " in " + jar + " lacks "
                                        + provider + " of " + entry + ": " + listed);
                            }
                        }
                    }
                }
            }
        }
    }

    private static Set<String> providers(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(l -> l.replaceAll("#.*", "").strip())
                    .filter(l -> !l.isEmpty()).collect(Collectors.toSet());
        }
    }

    @Test
    void execsnoopFromTheJarSendsExecsToAnOtlpReceiver() throws Exception {
        Kernel.require();
        try (OtlpReceiver receiver = OtlpReceiver.http(200)) {
            List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(), "execsnoop", "--sink",
                    "otlp+http://127.0.0.1:" + receiver.port(), "-c", "5");
            Process bpfring = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            bpfring.getOutputStream().close();
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
                try (InputStream in = bpfring.getErrorStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (bpfring.isAlive() && System.nanoTime() < deadline) {
                new ProcessBuilder("/bin/true").start().waitFor();
                Thread.sleep(50);
            }
            assertTrue(bpfring.waitFor(30, TimeUnit.SECONDS), "execsnoop from the jar did not end");
            String stderr = err.get(10, TimeUnit.SECONDS);
            assertEquals(0, bpfring.exitValue(), stderr);
            assertTrue(stderr.contains("otlp+http://127.0.0.1:" + receiver.port() + ": 5 delivered, 0 dropped, 0 failed"),
                    stderr);
            List<String> bodies = new ArrayList<>();
            for (ExportLogsServiceRequest request : receiver.requests) {
                request.getResourceLogsList().forEach(r -> r.getScopeLogsList().forEach(s -> s.getLogRecordsList()
                        .forEach(log -> bodies.add(log.getBody().getStringValue()))));
            }
            assertEquals(5, bodies.size(), bodies::toString);
            assertTrue(bodies.stream().allMatch(b -> b.startsWith("{\"time\":\"") && b.contains("\"event\":\"EXEC\"")),
                    bodies::toString);
        }
    }
}
