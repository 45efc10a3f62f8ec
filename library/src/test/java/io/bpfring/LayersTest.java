package io.bpfring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layers of docs/architecture.md, from the sources' imports: each package uses only the
 * packages below it, so there is no cycle but the one named below; the bench and the CLI use
 * the exported packages only.
 */
class LayersTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?(io\\.bpfring(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]",
            Pattern.MULTILINE);

    /** What each package of the library may use, besides the root package, which all may. */
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("io.bpfring", Set.of()),
            Map.entry("io.bpfring.sys", Set.of()),
            Map.entry("io.bpfring.internal", Set.of("io.bpfring.sys")),
            Map.entry("io.bpfring.ring", Set.of("io.bpfring.internal")),
            Map.entry("io.bpfring.asm", Set.of("io.bpfring.sys")),
            Map.entry("io.bpfring.elf", Set.of()),
            Map.entry("io.bpfring.btf", Set.of()),
            Map.entry("io.bpfring.dwarf", Set.of("io.bpfring.elf", "io.bpfring.btf")),
            Map.entry("io.bpfring.decode", Set.of("io.bpfring.btf", "io.bpfring.ring")),
            // The one cycle, to break: Tracepoint.attach returns a link.Link (link.Tracepoints
            // attaches), and link builds on bpf. Any other is caught.
            Map.entry("io.bpfring.bpf", Set.of("io.bpfring.sys", "io.bpfring.ring", "io.bpfring.asm",
                    "io.bpfring.link")),
            Map.entry("io.bpfring.link", Set.of("io.bpfring.sys", "io.bpfring.bpf", "io.bpfring.btf",
                    "io.bpfring.elf")),
            Map.entry("io.bpfring.object", Set.of("io.bpfring.sys", "io.bpfring.bpf", "io.bpfring.btf",
                    "io.bpfring.elf", "io.bpfring.link")),
            Map.entry("io.bpfring.ringbuf", Set.of("io.bpfring.sys", "io.bpfring.internal", "io.bpfring.ring",
                    "io.bpfring.bpf")),
            Map.entry("io.bpfring.perf", Set.of("io.bpfring.sys", "io.bpfring.internal", "io.bpfring.ring",
                    "io.bpfring.bpf")),
            Map.entry("io.bpfring.memring", Set.of("io.bpfring.sys", "io.bpfring.internal", "io.bpfring.ring")),
            Map.entry("io.bpfring.flow", Set.of()));

    @Test
    void eachPackageUsesOnlyThePackagesBelowIt() {
        Map<String, Set<String>> uses = uses(ROOT.resolve("library/src/main/java"));
        List<String> wrong = new ArrayList<>();
        uses.forEach((pkg, used) -> {
            Set<String> allowed = ALLOWED.get(pkg);
            if (allowed == null) {
                wrong.add(pkg + " is not in the layers: add it here and to docs/architecture.md");
                return;
            }
            for (String target : used) {
                if (!target.equals("io.bpfring") && !target.equals(pkg) && !allowed.contains(target)) {
                    wrong.add(pkg + " uses " + target);
                }
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void theBenchAndTheCliUseTheExportedPackagesOnly() {
        List<String> wrong = new ArrayList<>();
        for (String module : List.of("bench", "cli")) {
            uses(ROOT.resolve(module).resolve("src/main/java")).forEach((pkg, used) -> {
                for (String target : used) {
                    if (target.equals("io.bpfring.sys") || target.equals("io.bpfring.internal")) {
                        wrong.add(pkg + " uses " + target);
                    }
                }
            });
        }
        assertEquals(List.of(), wrong);
    }

    /** For each package under {@code sources}, the io.bpfring packages its files import from. */
    private static Map<String, Set<String>> uses(Path sources) {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = sources.relativize(file.getParent());
                if (dir.toString().isEmpty()) {
                    continue; // module-info
                }
                String pkg = dir.toString().replace('/', '.');
                Set<String> used = uses.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = IMPORT.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return uses;
    }
}
