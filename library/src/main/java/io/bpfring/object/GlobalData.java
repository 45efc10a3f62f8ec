package io.bpfring.object;

import io.bpfring.bpf.MapType;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Section;

import java.util.ArrayList;
import java.util.List;

/**
 * Global data as libbpf maps it: one single-entry ARRAY per data section ({@code .data},
 * {@code .rodata}, {@code .bss} and their {@code .name} variants) holding the section, and one
 * for the {@code .kconfig} externs; the variables of each section's DATASEC as places in those
 * maps. {@code .rodata} and {@code .kconfig} are read-only for programs, and a map is mmapable
 * when its DATASEC has a non-static variable.
 */
final class GlobalData {
    /** The largest data section taken: a hostile .bss of gigabytes would otherwise be allocated here. */
    private static final long MAX_SECTION = 1 << 30;

    final List<MapSpec> maps = new ArrayList<>();
    final List<VariableSpec> variables = new ArrayList<>();

    /** A section's map: where it comes from and the section it holds. */
    record SectionMap(int sectionIndex, MapSpec map) {
    }

    final List<SectionMap> sectionMaps = new ArrayList<>();
    MapSpec kconfig;

    static GlobalData read(String objectName, ElfFile elf, Btf btf, KconfigExterns externs) {
        GlobalData g = new GlobalData();
        for (Section s : elf.sections()) {
            MapSpec.Kind kind = kindOf(s);
            if (kind == null || s.size() == 0) {
                continue;
            }
            if (Long.compareUnsigned(s.size(), MAX_SECTION) > 0) {
                throw new ObjectException("section " + s.name() + " of " + Long.toUnsignedString(s.size())
                        + " bytes is too large for a map value (at most " + MAX_SECTION + ")");
            }
            byte[] contents = kind == MapSpec.Kind.BSS ? new byte[(int) s.size()]
                    : s.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            MapSpec map = g.add(objectName, s.name(), kind, contents, btf);
            g.sectionMaps.add(new SectionMap(s.index(), map));
        }
        if (!externs.isEmpty()) {
            g.kconfig = g.add(objectName, KconfigExterns.SECTION, MapSpec.Kind.KCONFIG, new byte[externs.size()], btf);
        }
        return g;
    }

    /** libbpf's data section classes; null for other sections. */
    static MapSpec.Kind kindOf(Section s) {
        String n = s.name();
        if (s.type() == Section.SHT_PROGBITS && !s.isExecutable()) {
            if (n.equals(".data") || n.startsWith(".data.")) {
                return MapSpec.Kind.DATA;
            }
            if (n.equals(".rodata") || n.startsWith(".rodata.")) {
                return MapSpec.Kind.RODATA;
            }
        }
        if (s.isNoBits() && (n.equals(".bss") || n.startsWith(".bss."))) {
            return MapSpec.Kind.BSS;
        }
        return null;
    }

    private MapSpec add(String objectName, String section, MapSpec.Kind kind, byte[] contents, Btf btf) {
        int datasec = btf == null ? 0 : btf.findAll(section).stream().findFirst().orElse(0);
        BtfType.Datasec vars = datasec != 0 && btf.kind(datasec) == BtfKind.DATASEC
                ? (BtfType.Datasec) btf.type(datasec) : null;
        boolean mmapable = vars != null && vars.vars().stream()
                .anyMatch(v -> btf.type(v.type()) instanceof BtfType.Var var
                        && var.linkage() != BtfType.Linkage.STATIC);
        int flags = (kind.readOnly() ? MapSpec.F_RDONLY_PROG : 0) | (mmapable ? MapSpec.F_MMAPABLE : 0);
        MapSpec map = new MapSpec(internalName(objectName, section), kind, section, MapType.ARRAY, 4, contents.length,
                1, flags, 0, 0, MapSpec.Pinning.NONE, 0, datasec, null, contents);
        maps.add(map);
        if (vars != null && kind != MapSpec.Kind.KCONFIG) {
            for (BtfType.VarSecinfo v : vars.vars()) {
                if (btf.type(v.type()) instanceof BtfType.Var var) {
                    if (Integer.toUnsignedLong(v.offset()) + Integer.toUnsignedLong(v.size()) > contents.length) {
                        throw new ObjectException("variable '" + var.name() + "' (offset " + v.offset() + ", "
                                + v.size() + " bytes) runs past the end of section " + section);
                    }
                    variables.add(new VariableSpec(var.name(), map, v.offset(), v.size(), var.type(), btf));
                }
            }
        }
        return map;
    }

    /**
     * libbpf's {@code internal_map_name}: as much of the object name as fits before the section
     * name (which gets at least 7 characters), 15 characters in all; a section name with a second
     * dot ({@code .rodata.str1.1}) is used alone. Characters the kernel refuses become '_'.
     */
    static String internalName(String objectName, String section) {
        int suffix = Math.min(Math.max(7, section.length()), 15);
        int prefix = section.indexOf('.', 1) >= 0 ? 0 : Math.min(15 - suffix, objectName.length());
        String name = objectName.substring(0, prefix) + section.substring(0, Math.min(suffix, section.length()));
        StringBuilder clean = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            clean.append(Character.isLetterOrDigit(c) && c < 128 || c == '_' || c == '.' ? c : '_');
        }
        return clean.toString();
    }
}
