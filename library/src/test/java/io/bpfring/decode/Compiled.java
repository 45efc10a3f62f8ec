package io.bpfring.decode;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Generated sources compiled by the JDK's compiler in the test, with every lint on and warnings as errors. */
final class Compiled {
    private Compiled() {
    }

    /** Compiles {@code sources} (class name to source) into {@code dir}; returns a loader of the classes. */
    static ClassLoader compile(Map<String, String> sources, Path dir) {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> files = new ArrayList<>();
        sources.forEach((name, source) -> files.add(new SimpleJavaFileObject(
                URI.create("string:///" + name.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        }));
        try (StandardJavaFileManager fm = compiler.getStandardFileManager(diagnostics, null, null)) {
            fm.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(dir));
            boolean ok = compiler.getTask(null, fm, diagnostics, List.of("-Xlint:all", "-Werror", "-proc:none"),
                    null, files).call();
            if (!ok || !diagnostics.getDiagnostics().isEmpty()) {
                StringBuilder why = new StringBuilder("the generated source does not compile cleanly:\n");
                for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
                    why.append(d.getSource() == null ? "" : d.getSource().getName()).append(':')
                            .append(d.getLineNumber()).append(": ").append(d.getMessage(null)).append('\n');
                    if (d.getSource() != null && d.getLineNumber() > 0) {
                        String source = d.getSource().getCharContent(true).toString();
                        why.append("    ").append(source.lines().skip(d.getLineNumber() - 1).findFirst().orElse(""))
                                .append('\n');
                    }
                }
                throw new AssertionError(why);
            }
            return new URLClassLoader(new URL[] {dir.toUri().toURL()}, Compiled.class.getClassLoader());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path temporary() {
        try {
            return Files.createTempDirectory("generated");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
