package io.bpfring;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The public API does not drift by accident: the public signatures of the exported packages are
 * written out, one line each, and compared with the checked-in {@code api/bpfring.api}. A change
 * that is meant is recorded by running this test with {@code -Dbpfring.api.update=true} and
 * committing the file. Also: nothing public there shows a type of a package the module keeps to
 * itself, and the tests run the library as the named module it is.
 */
class ApiTest {
    private static final String UPDATE = "bpfring.api.update";
    private static final Module MODULE = BpfException.class.getModule();
    private static final Path FILE = Path.of(System.getProperty("basedir", "."), "api", "bpfring.api");

    @Test
    void theTestsRunTheLibraryAsItsNamedModule() {
        assertTrue(MODULE.isNamed(), "the library's tests run on the class path, not as the module");
        assertEquals("io.bpfring", MODULE.getName());
        assertEquals(Set.of("io.bpfring.sys", "io.bpfring.internal"), internalPackages());
    }

    @Test
    void thePublicApiIsTheCheckedInOne() throws IOException {
        List<String> api = api();
        if (Boolean.getBoolean(UPDATE)) {
            Files.createDirectories(FILE.getParent());
            Files.write(FILE, api);
            return;
        }
        List<String> recorded = Files.exists(FILE) ? Files.readAllLines(FILE) : List.of();
        if (!recorded.equals(api)) {
            List<String> was = qualified(recorded);
            List<String> is = qualified(api);
            Set<String> before = new HashSet<>(was);
            Set<String> after = new HashSet<>(is);
            String gone = was.stream().filter(line -> !after.contains(line)).map(line -> "  - " + line)
                    .collect(Collectors.joining("\n"));
            String added = is.stream().filter(line -> !before.contains(line)).map(line -> "  + " + line)
                    .collect(Collectors.joining("\n"));
            fail("The public API differs from " + FILE + ".\n" + (gone.isEmpty() ? "" : "Gone or changed:\n" + gone + "\n")
                    + (added.isEmpty() ? "" : "New or changed:\n" + added + "\n")
                    + "If the change is meant, write the file anew and commit it with the change:\n"
                    + "  ./run-tests -pl library -Dtest=ApiTest -D" + UPDATE + "=true");
        }
    }

    /** The lines with each member named with its type, for a message that says where a change is. */
    private static List<String> qualified(List<String> lines) {
        List<String> out = new ArrayList<>();
        String type = "";
        for (String line : lines) {
            if (line.startsWith("  ")) {
                out.add(type + " " + line.strip());
            } else {
                type = line.substring(0, Math.max(0, line.indexOf(':')));
                out.add(line);
            }
        }
        return out;
    }

    @Test
    void nothingPublicShowsAnInternalType() {
        Set<String> internal = internalPackages();
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : publicTypes()) {
            for (Type used : usedTypes(type)) {
                for (Class<?> raw : rawClasses(used)) {
                    if (raw.getModule() == MODULE && internal.contains(raw.getPackageName())) {
                        leaks.add(type.getName() + " shows " + raw.getName());
                    }
                }
            }
        }
        assertEquals(List.of(), leaks, "exported signatures that name a class of a package the module does not export");
    }

    /** The module's packages that it does not export to everyone. */
    private static Set<String> internalPackages() {
        Set<String> packages = new TreeSet<>(MODULE.getPackages());
        packages.removeAll(exportedPackages());
        packages.removeIf(name -> mainClassesOf(name).isEmpty()); // the tests' own packages
        return packages;
    }

    private static Set<String> exportedPackages() {
        return MODULE.getDescriptor().exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The public API, one sorted line per type and member. */
    static List<String> api() {
        List<String> lines = new ArrayList<>();
        for (Class<?> type : publicTypes()) {
            lines.add(describe(type));
            SortedSet<String> members = new TreeSet<>();
            for (Field field : type.getDeclaredFields()) {
                if (visible(field) && !field.isSynthetic()) {
                    members.add("  field " + modifiers(field.getModifiers()) + name(field.getGenericType()) + " "
                            + field.getName());
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (visible(constructor) && !constructor.isSynthetic()) {
                    members.add("  new " + modifiers(constructor.getModifiers()) + typeParameters(constructor)
                            + type.getSimpleName() + parameters(constructor) + exceptions(constructor));
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (visible(method) && !method.isSynthetic() && !method.isBridge()) {
                    int modifiers = method.getModifiers();
                    if (type.isInterface()) {
                        modifiers &= ~Modifier.PUBLIC;
                        if (method.isDefault()) {
                            modifiers &= ~Modifier.ABSTRACT;
                        }
                    }
                    members.add("  method " + (method.isDefault() ? "default " : "") + modifiers(modifiers)
                            + typeParameters(method) + name(method.getGenericReturnType()) + " " + method.getName()
                            + parameters(method) + exceptions(method));
                }
            }
            lines.addAll(members);
        }
        return lines;
    }

    private static String describe(Class<?> type) {
        int modifiers = type.getModifiers() & ~Modifier.STATIC;
        String kind;
        if (type.isAnnotation()) {
            kind = "@interface";
            modifiers &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
        } else if (type.isInterface()) {
            kind = "interface";
            modifiers &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
        } else if (type.isEnum()) {
            kind = "enum";
            modifiers &= ~(Modifier.FINAL | Modifier.ABSTRACT);
        } else if (type.isRecord()) {
            kind = "record";
            modifiers &= ~Modifier.FINAL;
        } else {
            kind = "class";
        }
        StringBuilder line = new StringBuilder(type.getName()).append(typeParameters(type.getTypeParameters()))
                .append(": ").append(modifiers(modifiers));
        if (type.isSealed()) {
            line.append("sealed ");
        } else if (!Modifier.isFinal(type.getModifiers()) && sealedSuper(type)) {
            line.append("non-sealed ");
        }
        line.append(kind);
        if (type.isRecord()) {
            line.append(Arrays.stream(type.getRecordComponents())
                    .map(c -> name(c.getGenericType()) + " " + c.getName()).collect(Collectors.joining(", ", "(", ")")));
        }
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && !type.isEnum() && !type.isRecord() && superclass != Object.class
                && Modifier.isPublic(type.getSuperclass().getModifiers())) {
            line.append(" extends ").append(name(superclass));
        }
        List<String> interfaces = Arrays.stream(type.getGenericInterfaces()).map(ApiTest::name).toList();
        if (!interfaces.isEmpty()) {
            line.append(type.isInterface() ? " extends " : " implements ").append(String.join(", ", interfaces));
        }
        if (type.isSealed()) {
            line.append(Arrays.stream(type.getPermittedSubclasses()).map(Class::getName)
                    .collect(Collectors.joining(", ", " permits ", "")));
        }
        return line.toString();
    }

    private static boolean sealedSuper(Class<?> type) {
        return type.getSuperclass() != null && type.getSuperclass().isSealed()
                || Arrays.stream(type.getInterfaces()).anyMatch(Class::isSealed);
    }

    /** The public classes of the exported packages, and the public or protected ones nested in them, by name. */
    private static List<Class<?>> publicTypes() {
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : exportedPackages()) {
            for (Class<?> type : mainClassesOf(pkg)) {
                if (reachable(type)) {
                    types.add(type);
                }
            }
        }
        types.sort((a, b) -> a.getName().compareTo(b.getName()));
        return types;
    }

    private static boolean reachable(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            int modifiers = t.getModifiers();
            boolean outer = t.getDeclaringClass() == null;
            if (t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()
                    || !(Modifier.isPublic(modifiers) || !outer && Modifier.isProtected(modifiers))) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(Member member) {
        int modifiers = member.getModifiers();
        return Modifier.isPublic(modifiers)
                || Modifier.isProtected(modifiers) && !Modifier.isFinal(member.getDeclaringClass().getModifiers());
    }

    /** The classes of {@code pkg} that the library's own jar or directory holds, tests left out. */
    private static List<Class<?>> mainClassesOf(String pkg) {
        CodeSource library = BpfException.class.getProtectionDomain().getCodeSource();
        String prefix = pkg.replace('.', '/') + "/";
        ResolvedModule resolved = MODULE.getLayer().configuration().findModule(MODULE.getName()).orElseThrow();
        try (ModuleReader reader = resolved.reference().open(); Stream<String> names = reader.list()) {
            return names.filter(n -> n.startsWith(prefix) && n.endsWith(".class") && n.indexOf('/', prefix.length()) < 0
                            && !n.endsWith("module-info.class") && !n.endsWith("package-info.class"))
                    .<Class<?>>map(n -> load(n.substring(0, n.length() - ".class".length()).replace('/', '.')))
                    .filter(c -> Objects.equals(c.getProtectionDomain().getCodeSource().getLocation(), library.getLocation()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ApiTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every type a public signature of {@code type} names. */
    private static List<Type> usedTypes(Class<?> type) {
        List<Type> used = new ArrayList<>();
        if (type.getGenericSuperclass() != null && Modifier.isPublic(type.getSuperclass().getModifiers())) {
            used.add(type.getGenericSuperclass());
        }
        used.addAll(List.of(type.getGenericInterfaces()));
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                used.add(component.getGenericType());
            }
        }
        for (Field field : type.getDeclaredFields()) {
            if (visible(field)) {
                used.add(field.getGenericType());
            }
        }
        List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredConstructors()));
        executables.addAll(List.of(type.getDeclaredMethods()));
        for (Executable executable : executables) {
            if (visible(executable) && !executable.isSynthetic()) {
                used.addAll(List.of(executable.getGenericParameterTypes()));
                used.addAll(List.of(executable.getGenericExceptionTypes()));
                if (executable instanceof Method method) {
                    used.add(method.getGenericReturnType());
                }
            }
        }
        return used;
    }

    private static List<Class<?>> rawClasses(Type type) {
        List<Class<?>> classes = new ArrayList<>();
        switch (type) {
            case Class<?> c -> classes.add(c.isArray() ? c.componentType() : c);
            case ParameterizedType p -> {
                classes.addAll(rawClasses(p.getRawType()));
                for (Type argument : p.getActualTypeArguments()) {
                    classes.addAll(rawClasses(argument));
                }
            }
            case GenericArrayType a -> classes.addAll(rawClasses(a.getGenericComponentType()));
            case WildcardType w -> {
                for (Type bound : w.getUpperBounds()) {
                    classes.addAll(rawClasses(bound));
                }
                for (Type bound : w.getLowerBounds()) {
                    classes.addAll(rawClasses(bound));
                }
            }
            case TypeVariable<?> v -> {
                for (Type bound : v.getBounds()) {
                    if (bound != type) {
                        classes.addAll(rawClasses(bound));
                    }
                }
            }
            default -> {
            }
        }
        return classes;
    }

    private static String modifiers(int modifiers) {
        String text = Modifier.toString(modifiers & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
                | Modifier.FINAL | Modifier.ABSTRACT | Modifier.INTERFACE));
        return text.isEmpty() ? "" : text + " ";
    }

    private static String name(Type type) {
        return type.getTypeName();
    }

    private static String typeParameters(Executable executable) {
        String text = typeParameters(executable.getTypeParameters());
        return text.isEmpty() ? "" : text + " ";
    }

    private static String typeParameters(TypeVariable<?>[] variables) {
        if (variables.length == 0) {
            return "";
        }
        return Arrays.stream(variables).map(v -> {
            List<String> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class).map(ApiTest::name).toList();
            return bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds);
        }).collect(Collectors.joining(", ", "<", ">"));
    }

    private static String parameters(Executable executable) {
        Type[] types = executable.getGenericParameterTypes();
        return Arrays.stream(types).map(ApiTest::name).collect(Collectors.joining(", ", "(", ")"))
                .replaceFirst("\\[]\\)$", executable.isVarArgs() ? "...)" : "[])");
    }

    private static String exceptions(Executable executable) {
        Type[] exceptions = executable.getGenericExceptionTypes();
        return exceptions.length == 0 ? ""
                : Arrays.stream(exceptions).map(ApiTest::name).collect(Collectors.joining(", ", " throws ", ""));
    }
}
