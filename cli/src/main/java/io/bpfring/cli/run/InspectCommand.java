package io.bpfring.cli.run;

import io.bpfring.ElfException;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.cli.Json;
import io.bpfring.cli.run.ObjectFile.Struct;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Section;
import io.bpfring.object.AttachKind;
import io.bpfring.object.MapSpec;
import io.bpfring.object.ProgramSpec;
import io.bpfring.object.VariableSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.Callable;

/** {@code bpfring inspect}: what a BPF object holds, without loading it. */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        description = {
                "Show what a compiled BPF object holds, without loading it: its sections, its",
                "programs (type, attach point, instructions), its maps, its global variables",
                "with their initial values, and its structs as C: those of .BTF, then those",
                "only its DWARF debug info has. 'bpfring run --record' takes either.",
        },
        footer = {"", "Examples:", "  bpfring inspect execsnoop.bpf.o", "  bpfring inspect execsnoop.bpf.o --json"})
public final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OBJECT", description = "The BPF object file (.bpf.o).")
    Path object;

    @Option(names = {"-j", "--json"}, description = "Print one JSON object instead of text.")
    boolean json;

    @Override
    public Integer call() {
        ObjectFile file = ObjectFile.open(spec, object);
        List<Section> sections = ElfFile.parse(file.bytes.clone()).sections().stream()
                .filter(s -> s.type() != Section.SHT_NULL).toList();
        List<Struct> structs = new ArrayList<>();
        Set<String> names = new HashSet<>();
        file.spec.btf().ifPresent(btf -> addStructs(btf, ".BTF", structs, names));
        try {
            addStructs(file.dwarf(), "DWARF", structs, names);
        } catch (ElfException e) { // a DwarfException: the rest of the object is still worth showing
            spec.commandLine().getErr().printf("warning: %s: cannot read its DWARF: %s%n", object, e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(file, sections, structs));
        } else {
            text(out, file, sections, structs);
        }
        out.flush();
        return 0;
    }

    /** The named structs of {@code btf} whose names were not seen yet (a struct can repeat per unit in DWARF). */
    private static void addStructs(Btf btf, String from, List<Struct> structs, Set<String> names) {
        for (int id = btf.firstId(); id < btf.typeCount(); id++) {
            if (btf.kind(id) == BtfKind.STRUCT && !btf.name(id).isEmpty() && names.add(btf.name(id))) {
                structs.add(new Struct(btf, id, from));
            }
        }
    }

    private static String attachPoint(ProgramSpec p) {
        return p.attachKind() == AttachKind.MANUAL ? "(by hand)"
                : p.attachKind().name().toLowerCase() + (p.attachTarget().isEmpty() ? "" : " " + p.attachTarget());
    }

    private static String sectionType(Section s) {
        return switch (s.type()) {
            case Section.SHT_PROGBITS -> "PROGBITS";
            case Section.SHT_SYMTAB -> "SYMTAB";
            case Section.SHT_STRTAB -> "STRTAB";
            case Section.SHT_RELA -> "RELA";
            case Section.SHT_NOBITS -> "NOBITS";
            case Section.SHT_REL -> "REL";
            case Section.SHT_LLVM_ADDRSIG -> "LLVM_ADDRSIG";
            default -> String.format("0x%x", s.type());
        };
    }

    private static String sectionFlags(Section s) {
        return ((s.flags() & Section.SHF_ALLOC) != 0 ? "A" : "") + (s.isWritable() ? "W" : "")
                + (s.isExecutable() ? "X" : "");
    }

    private void text(PrintWriter out, ObjectFile file, List<Section> sections, List<Struct> structs) {
        out.printf("%s: license %s%s%n", object, file.spec.license().isEmpty() ? "(none)" : file.spec.license(),
                file.spec.btf().isPresent() ? "" : ", no .BTF");
        out.printf("%nSections:%n  %-3s %-32s %-12s %-5s %s%n", "IDX", "NAME", "TYPE", "FLAGS", "SIZE");
        for (Section s : sections) {
            out.printf("  %-3d %-32s %-12s %-5s %d%n", s.index(), s.name(), sectionType(s), sectionFlags(s), s.size());
        }
        out.printf("%nPrograms:%n  %-28s %-32s %-16s %-40s %s%n", "NAME", "SECTION", "TYPE", "ATTACH", "INSNS");
        for (ProgramSpec p : file.spec.programs()) {
            out.printf("  %-28s %-32s %-16s %-40s %d%n", p.name(), p.section(), p.type(), attachPoint(p),
                    p.instructionCount());
        }
        out.printf("%nMaps:%n  %-28s %-20s %-6s %-6s %-11s %s%n", "NAME", "TYPE", "KEY", "VALUE", "MAX_ENTRIES",
                "FLAGS");
        for (MapSpec m : file.spec.maps()) {
            out.printf("  %-28s %-20s %-6d %-6d %-11d 0x%x%n", m.name(), m.type(), m.keySize(), m.valueSize(),
                    m.maxEntries(), m.flags());
        }
        out.printf("%nGlobals:%n");
        if (file.spec.variables().isEmpty()) {
            out.printf("  (none)%n");
        }
        for (VariableSpec v : file.spec.variables()) {
            out.printf("  %-10s %s = %s%n", v.section(), declaration(file, v), v.value());
        }
        for (String from : List.of(".BTF", "DWARF")) {
            List<Struct> listed = structs.stream().filter(s -> s.from().equals(from)).toList();
            out.printf("%nStructs (%s):%n", from.equals(".BTF") ? ".BTF" : "DWARF only, not in .BTF");
            if (listed.isEmpty()) {
                out.printf("  (none)%n");
            }
            for (Struct s : listed) {
                out.printf("%s%n%n", s.btf().definition(s.id()).strip());
            }
        }
    }

    private static String declaration(ObjectFile file, VariableSpec v) {
        Btf btf = file.spec.btf().orElse(null);
        return btf != null && v.typeId() > 0 ? btf.declaration(v.typeId(), v.name()) : v.typeName() + " " + v.name();
    }

    private String json(ObjectFile file, List<Section> sections, List<Struct> structs) {
        StringBuilder b = new StringBuilder("{\"object\":").append(Json.string(object.toString()))
                .append(",\"license\":").append(Json.string(file.spec.license()));
        StringJoiner list = new StringJoiner(",", "[", "]");
        for (Section s : sections) {
            list.add("{\"index\":" + s.index() + ",\"name\":" + Json.string(s.name()) + ",\"type\":"
                    + Json.string(sectionType(s)) + ",\"flags\":" + Json.string(sectionFlags(s)) + ",\"size\":"
                    + s.size() + "}");
        }
        b.append(",\"sections\":").append(list);
        list = new StringJoiner(",", "[", "]");
        for (ProgramSpec p : file.spec.programs()) {
            list.add("{\"name\":" + Json.string(p.name()) + ",\"section\":" + Json.string(p.section()) + ",\"type\":"
                    + Json.string(p.type().toString()) + ",\"attach\":" + Json.string(p.attachKind().name())
                    + ",\"target\":" + Json.string(p.attachTarget()) + ",\"instructions\":" + p.instructionCount()
                    + "}");
        }
        b.append(",\"programs\":").append(list);
        list = new StringJoiner(",", "[", "]");
        for (MapSpec m : file.spec.maps()) {
            list.add("{\"name\":" + Json.string(m.name()) + ",\"type\":" + Json.string(m.type().toString())
                    + ",\"key_size\":" + m.keySize() + ",\"value_size\":" + m.valueSize() + ",\"max_entries\":"
                    + m.maxEntries() + ",\"flags\":" + m.flags() + "}");
        }
        b.append(",\"maps\":").append(list);
        list = new StringJoiner(",", "[", "]");
        for (VariableSpec v : file.spec.variables()) {
            list.add("{\"name\":" + Json.string(v.name()) + ",\"section\":" + Json.string(v.section()) + ",\"type\":"
                    + Json.string(v.typeName()) + ",\"value\":" + Json.string(v.value()) + "}");
        }
        b.append(",\"globals\":").append(list);
        list = new StringJoiner(",", "[", "]");
        for (Struct s : structs) {
            list.add("{\"name\":" + Json.string(s.btf().name(s.id())) + ",\"from\":" + Json.string(s.from())
                    + ",\"c\":" + Json.string(s.btf().definition(s.id())) + "}");
        }
        return b.append(",\"structs\":").append(list).append('}').toString();
    }
}
