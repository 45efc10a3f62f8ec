package io.bpfring.btf;

import io.bpfring.BtfException;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The types CO-RE relocates against: the kernel's vmlinux BTF and the split BTF of its modules.
 * As libbpf does, candidates are looked for in vmlinux first and in the modules only when
 * vmlinux has none; module BTF is read the first time that happens.
 *
 * <p>Build one per kernel and share it: it keeps, per table, an index of the type names that
 * carry a {@code ___flavour}, built on first use. Safe to share between threads.
 */
public final class TargetBtf {
    /** Reads the modules' BTF; called at most once. */
    private interface ModuleReader {
        Map<String, Btf> read(Btf vmlinux) throws IOException;
    }

    private static volatile TargetBtf kernel;

    private final Table vmlinux;
    private final ModuleReader moduleReader;
    private volatile List<Table> modules;

    private TargetBtf(Btf vmlinux, ModuleReader moduleReader) {
        if (vmlinux.base() != null) {
            throw new IllegalArgumentException("vmlinux BTF is not split BTF: " + vmlinux);
        }
        this.vmlinux = new Table("vmlinux", vmlinux);
        this.moduleReader = moduleReader;
    }

    /**
     * The running kernel: {@code /sys/kernel/btf/vmlinux}, and its modules beside it. Read and
     * parsed once per JVM, when first asked for, and shared by every caller (loading objects,
     * attaching programs): the files do not change while the kernel runs. A failure is not kept:
     * the next call reads again.
     */
    public static TargetBtf kernel() throws IOException {
        TargetBtf k = kernel;
        if (k == null) {
            synchronized (TargetBtf.class) {
                k = kernel;
                if (k == null) {
                    k = withModuleDirectory(Btf.read(Btf.KERNEL), Btf.KERNEL.getParent());
                    kernel = k;
                }
            }
        }
        return k;
    }

    /** vmlinux BTF without modules (as libbpf with a custom target BTF). */
    public static TargetBtf of(Btf vmlinux) {
        return new TargetBtf(vmlinux, v -> Map.of());
    }

    /** vmlinux BTF and modules' split BTF on top of it, by module name, searched in the map's order. */
    public static TargetBtf of(Btf vmlinux, Map<String, Btf> modules) {
        Map<String, Btf> copy = new LinkedHashMap<>(modules);
        copy.forEach((name, btf) -> {
            if (btf.base() != vmlinux) {
                throw new IllegalArgumentException("module '" + name + "': its BTF is not split on this vmlinux BTF");
            }
        });
        return new TargetBtf(vmlinux, v -> copy);
    }

    /**
     * vmlinux BTF and every other file of {@code directory} as a module's split BTF (the layout
     * of {@code /sys/kernel/btf}), read when first needed, in name order.
     */
    public static TargetBtf withModuleDirectory(Btf vmlinux, Path directory) {
        return new TargetBtf(vmlinux, v -> readModules(v, directory));
    }

    public Btf vmlinux() {
        return vmlinux.btf;
    }

    /** The modules' BTF by name, reading it if that has not happened yet. */
    public Map<String, Btf> modules() {
        Map<String, Btf> result = new LinkedHashMap<>();
        for (Table t : moduleTables()) {
            result.put(t.name, t.btf);
        }
        return result;
    }

    @Override
    public String toString() {
        List<Table> loaded = modules;
        return "target " + vmlinux.btf + (loaded == null ? "" : " and " + loaded.size() + " modules");
    }

    /**
     * Candidates for local type {@code localId}: types of a compatible kind whose name is the
     * local name once flavours are dropped on both sides, in id order; vmlinux's, or when it
     * has none, the modules' (libbpf's {@code bpf_core_find_cands}).
     */
    List<CoreCandidate> candidates(Btf local, int localId) {
        String essential = CoreNames.essential(CoreTypes.name(local, localId));
        BtfKind kind = local.kind(localId);
        List<CoreCandidate> found = new ArrayList<>();
        vmlinux.collect(essential, kind, found);
        if (found.isEmpty()) {
            for (Table module : moduleTables()) {
                module.collect(essential, kind, found);
            }
        }
        return found;
    }

    private List<Table> moduleTables() {
        List<Table> loaded = modules;
        if (loaded == null) {
            synchronized (this) {
                loaded = modules;
                if (loaded == null) {
                    Map<String, Btf> read;
                    try {
                        read = moduleReader.read(vmlinux.btf);
                    } catch (IOException e) {
                        throw new BtfException("reading the kernel modules' BTF: " + e, e);
                    }
                    List<Table> tables = new ArrayList<>();
                    read.forEach((name, btf) -> tables.add(new Table(name, btf)));
                    loaded = List.copyOf(tables);
                    modules = loaded;
                }
            }
        }
        return loaded;
    }

    private static Map<String, Btf> readModules(Btf vmlinux, Path directory) throws IOException {
        Map<String, Btf> modules = new TreeMap<>();
        if (!Files.isDirectory(directory)) {
            return modules;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (name.equals("vmlinux")) {
                    continue;
                }
                try {
                    modules.put(name, Btf.read(file, vmlinux));
                } catch (NoSuchFileException e) {
                    // The module was unloaded since the listing.
                }
            }
        }
        return modules;
    }

    /** One BTF table of the target, with the index candidate search needs. */
    static final class Table {
        final String name;
        final Btf btf;
        /** Ids of this table's own types whose names have a flavour, by essential name. */
        private volatile Map<String, int[]> flavoured;

        Table(String name, Btf btf) {
            this.name = name;
            this.btf = btf;
        }

        /** Adds this table's own types of a kind compatible with {@code kind} and essential name {@code essential}. */
        void collect(String essential, BtfKind kind, List<CoreCandidate> out) {
            int[] ids = flavoured().getOrDefault(essential, new int[0]);
            if (!CoreNames.flavoured(essential)) {
                // Exact matches: an essential name without a flavour is its own essential name.
                List<Integer> exact = btf.findAll(essential);
                int[] all = Arrays.copyOf(ids, ids.length + exact.size());
                for (int i = 0; i < exact.size(); i++) {
                    all[ids.length + i] = exact.get(i);
                }
                ids = all;
                Arrays.sort(ids);
            }
            for (int id : ids) {
                if (id >= btf.firstId() && CoreTypes.kindsCompatible(kind, btf.kind(id))) {
                    out.add(new CoreCandidate(this, id));
                }
            }
        }

        private Map<String, int[]> flavoured() {
            Map<String, int[]> index = flavoured;
            if (index == null) {
                index = buildFlavoured();
                flavoured = index;
            }
            return index;
        }

        private Map<String, int[]> buildFlavoured() {
            Map<String, List<Integer>> byName = new HashMap<>();
            for (int id = btf.firstId(); id < btf.typeCount(); id++) {
                int nameOffset = btf.word(id, 0);
                if (nameOffset != 0 && hasFlavour(btf, nameOffset)) {
                    String name = btf.string(nameOffset);
                    byName.computeIfAbsent(CoreNames.essential(name), k -> new ArrayList<>()).add(id);
                }
            }
            Map<String, int[]> index = new HashMap<>();
            byName.forEach((k, v) -> index.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
            return index;
        }

        /** Whether the string at {@code offset} has {@code X___Y} in it, read without making a String. */
        private static boolean hasFlavour(Btf btf, int offset) {
            Btf holder = btf;
            while (offset < holder.firstString()) {
                holder = holder.base();
            }
            MemorySegment strings = holder.strings();
            long start = offset - holder.firstString();
            int run = 0;
            for (long at = start; ; at++) {
                byte b = strings.get(ValueLayout.JAVA_BYTE, at);
                if (b == '_') {
                    run++;
                    continue;
                }
                if (b == 0) {
                    return false;
                }
                // A run of exactly three underscores between two other characters.
                if (run == 3 && at - 3 > start) {
                    return true;
                }
                run = 0;
            }
        }
    }
}
