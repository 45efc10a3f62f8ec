package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.BtfException;
import io.bpfring.ElfException;
import io.bpfring.elf.ElfFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A BPF object as a description, before anything reaches the kernel: its programs, maps, global
 * variables and BTF, as libbpf's {@code bpf_object__open} would see them. Opening makes no
 * system call and the result is deterministic; it can be inspected and changed (set a
 * {@code const volatile} variable, resize a map, leave a program out) and then loaded, as many
 * times as wanted, with {@link #load()}.
 */
public final class ObjectSpec {
    private final String name;
    private final String license;
    private final Integer kernVersion;
    private final Btf btf;
    private final List<ProgramSpec> programs;
    private final List<Function> subprograms;
    private final List<MapSpec> maps;
    private final List<VariableSpec> variables;
    private final KconfigExterns externs;
    private final MapSpec kconfigMap;

    ObjectSpec(String name, String license, Integer kernVersion, Btf btf, List<ProgramSpec> programs,
               List<Function> subprograms, List<MapSpec> maps, List<VariableSpec> variables, KconfigExterns externs,
               MapSpec kconfigMap) {
        this.name = name;
        this.license = license;
        this.kernVersion = kernVersion;
        this.btf = btf;
        this.programs = programs;
        this.subprograms = subprograms;
        this.maps = maps;
        this.variables = List.copyOf(variables);
        this.externs = externs;
        this.kconfigMap = kconfigMap;
    }

    /** Opens the object at {@code path}; its name is the file name up to the first dot, as libbpf names it. */
    public static ObjectSpec open(Path path) throws IOException {
        String file = path.getFileName().toString();
        int dot = file.indexOf('.');
        byte[] bytes = Files.readAllBytes(path);
        try {
            return parse(dot > 0 ? file.substring(0, dot) : file, bytes);
        } catch (ObjectException e) {
            throw new ObjectException(path + ": " + e.getMessage(), e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Reads an object held in memory; {@code name} prefixes its internal maps' names. */
    public static ObjectSpec parse(String name, byte[] bytes) {
        try {
            return ObjectReader.read(name, ElfFile.parse(bytes.clone()));
        } catch (ObjectException e) {
            throw e;
        } catch (ElfException | BtfException e) {
            throw new ObjectException(e.getMessage(), e);
        }
    }

    /** The object's name, which prefixes the names of its internal maps. */
    public String name() {
        return name;
    }

    /** The {@code license} section, "" when there is none. */
    public String license() {
        return license;
    }

    /** The {@code version} section, which sets {@code kern_version}; empty when there is none. */
    public OptionalInt kernelVersion() {
        return kernVersion == null ? OptionalInt.empty() : OptionalInt.of(kernVersion);
    }

    /** The object's BTF, fixed up as it is loaded; empty for an object without {@code .BTF}. */
    public Optional<Btf> btf() {
        return Optional.ofNullable(btf);
    }

    /** The entry programs, in file order. */
    public List<ProgramSpec> programs() {
        return programs;
    }

    public ProgramSpec program(String name) {
        return find(programs, ProgramSpec::name, name, "program");
    }

    /** The maps: the declared ones in {@code .maps} order, then the internal ones. */
    public List<MapSpec> maps() {
        return maps;
    }

    public MapSpec map(String name) {
        return find(maps, MapSpec::name, name, "map");
    }

    /** The global variables of the data sections. */
    public List<VariableSpec> variables() {
        return variables;
    }

    /** The variable named {@code name}; the first one for a static name several sections use. */
    public VariableSpec variable(String name) {
        return find(variables, VariableSpec::name, name, "variable");
    }

    /** Loads everything into the kernel with the default options. */
    public BpfObject load() {
        return load(LoadOptions.defaults());
    }

    public BpfObject load(LoadOptions options) {
        return Loader.load(this, options);
    }

    /** The names of the {@code .text} functions programs may call. */
    public List<String> subprograms() {
        return subprograms.stream().map(f -> f.name).toList();
    }

    KconfigExterns externs() {
        return externs;
    }

    MapSpec kconfigMap() {
        return kconfigMap;
    }

    private static <T> T find(List<T> all, java.util.function.Function<T, String> name, String wanted, String what) {
        for (T t : all) {
            if (name.apply(t).equals(wanted)) {
                return t;
            }
        }
        Map<String, Boolean> names = new LinkedHashMap<>();
        all.forEach(t -> names.put(name.apply(t), true));
        throw new NoSuchElementException("no " + what + " '" + wanted + "'; there are " + names.keySet());
    }

    @Override
    public String toString() {
        return "object '" + name + "' (" + programs.size() + " programs, " + maps.size() + " maps)";
    }
}
