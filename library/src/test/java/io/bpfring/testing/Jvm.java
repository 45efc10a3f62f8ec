package io.bpfring.testing;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/** Starting another JVM that runs test code, whichever way this one runs the tests. */
public final class Jvm {
    private Jvm() {
    }

    /**
     * A class path that reaches the library, the test classes and their dependencies. Run as a
     * module, the library is on the module path and the test classes are patched into it, so the
     * class path alone reaches neither: a child JVM takes them all on its class path (and then
     * needs {@code --enable-native-access=ALL-UNNAMED}).
     */
    public static String classPath() {
        Set<String> entries = new LinkedHashSet<>();
        entries.add(location(Jvm.class));
        for (String property : new String[]{"jdk.module.path", "java.class.path"}) {
            String value = System.getProperty(property, "");
            for (String entry : value.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    entries.add(entry);
                }
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    /** Where the class was loaded from: a directory or a jar. */
    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
