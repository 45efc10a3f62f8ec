package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.BtfException;
import io.bpfring.btf.BtfExt;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Relocation;
import io.bpfring.elf.RelocationType;
import io.bpfring.elf.Section;
import io.bpfring.elf.Symbol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an {@link ElfFile} into an {@link ObjectSpec}, in libbpf's order: sections, BTF, the
 * functions of every code section, the externs, the BTF fix-ups, the maps, then every
 * relocation resolved to what it refers to. Nothing here calls the kernel.
 */
final class ObjectReader {
    private static final String TEXT = ".text";

    private final String name;
    private final ElfFile elf;
    private String license = "";
    private Integer kernVersion;
    private Btf btf;
    private BtfExt ext;
    private Section text;
    private Section mapsSection;
    /** Each code section's functions, by section index, sorted by start. */
    private final Map<Integer, List<Function>> bySection = new HashMap<>();
    private final List<ProgramSpec> programs = new ArrayList<>();
    private final Map<String, MapSpec> maps = new LinkedHashMap<>();
    private final Map<Integer, MapSpec> dataMaps = new HashMap<>();
    private final Map<Long, MapSpec> declaredByOffset = new HashMap<>();
    private KconfigExterns externs;
    private MapSpec kconfigMap;

    private ObjectReader(String name, ElfFile elf) {
        this.name = name;
        this.elf = elf;
    }

    static ObjectSpec read(String name, ElfFile elf) {
        return new ObjectReader(name, elf).read();
    }

    private ObjectSpec read() {
        if (elf.symbols().isEmpty()) {
            throw new ObjectException("the object has no symbol table (was it stripped?): programs cannot be found");
        }
        sections();
        functions();
        externs = KconfigExterns.collect(elf, btf);
        Btf fixed = btf == null ? null : fixBtf();
        List<DeclaredMaps.Placed> declared = mapsSection == null ? List.of() : DeclaredMaps.read(fixed, mapsSection);
        for (DeclaredMaps.Placed p : declared) {
            addMap(p.map());
            declaredByOffset.put(Integer.toUnsignedLong(p.offset()), p.map());
        }
        GlobalData data = GlobalData.read(name, elf, fixed, externs);
        data.maps.forEach(this::addMap);
        data.sectionMaps.forEach(s -> dataMaps.put(s.sectionIndex(), s.map()));
        kconfigMap = data.kconfig;
        for (List<Function> functions : bySection.values()) {
            for (Function f : functions) {
                relocations(f);
            }
        }
        Map<String, ProgramSpec> byName = new HashMap<>();
        programs.forEach(p -> byName.putIfAbsent(p.name(), p));
        if (mapsSection != null) {
            DeclaredMaps.readSlots(elf, fixed, mapsSection, declared, maps, byName);
        }
        List<Function> subprograms = text == null ? List.of() : bySection.getOrDefault(text.index(), List.of());
        return new ObjectSpec(name, license, kernVersion, fixed, List.copyOf(programs), subprograms,
                List.copyOf(maps.values()), data.variables, externs, kconfigMap);
    }

    private void addMap(MapSpec map) {
        if (maps.putIfAbsent(map.name(), map) != null) {
            throw new ObjectException("two maps are named '" + map.name() + "'");
        }
    }

    // ---- sections

    private void sections() {
        Section btfSection = null;
        Section extSection = null;
        for (Section s : elf.sections()) {
            switch (s.name()) {
                case "license" -> license = cString(s, 64);
                case "version" -> {
                    if (s.size() != 4) {
                        throw new ObjectException("section 'version' has " + s.size() + " bytes, not a u32");
                    }
                    kernVersion = s.buffer().getInt(0);
                }
                case "maps" -> throw new ObjectException("section 'maps' holds legacy map definitions, which are not "
                        + "supported: declare maps in '.maps' with BTF (__uint, __type)");
                case DeclaredMaps.SECTION -> mapsSection = s;
                case ".BTF" -> btfSection = s;
                case ".BTF.ext" -> extSection = s;
                case ".struct_ops", ".struct_ops.link", "?.struct_ops", "?.struct_ops.link" ->
                        throw new ObjectException("section '" + s.name() + "': struct_ops maps are not supported");
                case ".addr_space.1" ->
                        throw new ObjectException("section '.addr_space.1': arena globals are not supported");
                default -> {
                    if (s.name().equals(TEXT) && s.isExecutable()) {
                        text = s;
                    }
                }
            }
        }
        try {
            if (btfSection != null) {
                btf = Btf.parse(btfSection.data());
                if (extSection != null) {
                    ext = BtfExt.parse(extSection.data(), btf);
                }
            }
        } catch (BtfException e) {
            throw new ObjectException(e.getMessage(), e);
        }
    }

    private static String cString(Section s, int max) {
        byte[] bytes = s.data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        int n = 0;
        while (n < bytes.length && n < max - 1 && bytes[n] != 0) {
            n++;
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }

    // ---- functions and programs

    private void functions() {
        Map<Integer, List<Symbol>> symbols = new HashMap<>();
        for (Symbol sym : elf.symbols()) {
            if (sym.type() == Symbol.Type.FUNC && sym.inSection()) {
                symbols.computeIfAbsent(sym.sectionIndex(), k -> new ArrayList<>()).add(sym);
            }
        }
        for (Section s : elf.sections()) {
            if (!s.isExecutable() || s.size() == 0) {
                continue;
            }
            List<Symbol> syms = new ArrayList<>(symbols.getOrDefault(s.index(), List.of()));
            syms.sort(Comparator.comparingLong(Symbol::value));
            List<Function> functions = new ArrayList<>();
            for (Symbol sym : syms) {
                functions.add(function(s, sym));
            }
            bySection.put(s.index(), functions);
        }
    }

    private Function function(Section s, Symbol sym) {
        String where = "section '" + s.name() + "': function '" + sym.name() + "'";
        if (sym.value() % 8 != 0 || sym.size() % 8 != 0 || sym.size() == 0
                || Long.compareUnsigned(sym.value(), s.size()) > 0
                || Long.compareUnsigned(sym.size(), s.size() - sym.value()) > 0) {
            throw new ObjectException(where + " (offset " + Long.toUnsignedString(sym.value()) + ", "
                    + Long.toUnsignedString(sym.size()) + " bytes) is not whole instructions inside the section ("
                    + s.size() + " bytes)");
        }
        boolean isText = s == text;
        if (!isText && sym.binding() == Symbol.Binding.LOCAL) {
            throw new ObjectException(where + " is static: entry programs must be global functions");
        }
        boolean hidden = sym.binding() != Symbol.Binding.LOCAL && (sym.visibility() == Symbol.Visibility.HIDDEN
                || sym.visibility() == Symbol.Visibility.INTERNAL);
        int start = (int) (sym.value() / 8);
        Function f = new Function(sym.name(), s.name(), s.index(), start, Insns.read(s.data(), sym.value(),
                (int) (sym.size() / 8)), hidden);
        if (ext != null) {
            f.funcInfos = within(ext.funcInfos().get(s.name()), f, (r, by) -> new BtfExt.FuncInfo(r.insnOffset() - by,
                    r.typeId()), BtfExt.FuncInfo::insnIndex);
            f.lineInfos = within(ext.lineInfos().get(s.name()), f, (r, by) -> new BtfExt.LineInfo(r.insnOffset() - by,
                    r.fileNameOffset(), r.lineOffset(), r.lineColumn(), r.fileName(), r.line()),
                    BtfExt.LineInfo::insnIndex);
            f.coreRelos = within(ext.coreRelos().get(s.name()), f, (r, by) -> new BtfExt.CoreRelo(r.insnOffset() - by,
                    r.typeId(), r.accessStringOffset(), r.accessString(), r.kind()), BtfExt.CoreRelo::insnIndex);
        }
        if (!isText) {
            boolean autoload = !s.name().startsWith("?");
            String section = autoload ? s.name() : s.name().substring(1);
            programs.add(new ProgramSpec(f, section, SectionDef.match(section).orElse(null), autoload));
        }
        return f;
    }

    private interface Rebase<T> {
        T apply(T record, int byBytes);
    }

    /** The records of {@code f}'s instructions, with offsets from its start. */
    private static <T> List<T> within(List<T> records, Function f, Rebase<T> rebase,
                                      java.util.function.ToIntFunction<T> index) {
        if (records == null) {
            return List.of();
        }
        List<T> mine = new ArrayList<>();
        for (T r : records) {
            if (f.contains(index.applyAsInt(r))) {
                mine.add(rebase.apply(r, f.start * 8));
            }
        }
        return List.copyOf(mine);
    }

    private Set<String> hiddenTextFunctions() {
        Set<String> hidden = new HashSet<>();
        if (text != null) {
            bySection.getOrDefault(text.index(), List.of()).stream().filter(f -> f.hidden)
                    .forEach(f -> hidden.add(f.name));
        }
        return hidden;
    }

    private Btf fixBtf() {
        try {
            return BtfFixup.apply(btf, elf, externs, hiddenTextFunctions());
        } catch (BtfException e) {
            throw new ObjectException("fixing up .BTF: " + e.getMessage(), e);
        }
    }

    // ---- relocations

    /** The function of {@code .text} that starts at instruction {@code insn}, or null. */
    private Function textFunctionAt(long insn) {
        if (text == null) {
            return null;
        }
        for (Function f : bySection.get(text.index())) {
            if (f.start == insn) {
                return f;
            }
        }
        return null;
    }

    private void relocations(Function f) {
        Section section = elf.section(f.sectionIndex);
        Set<Integer> relocated = new HashSet<>();
        for (Relocation r : elf.relocations(section)) {
            int sectionInsn = (int) (r.offset() / 8);
            if (!f.contains(sectionInsn) || r.type() == RelocationType.R_BPF_NONE) {
                continue; // another function's, or nothing to do
            }
            int insn = sectionInsn - f.start;
            relocated.add(insn);
            f.relocs.add(resolve(f, insn, r));
        }
        for (int insn = 0; insn < f.insns.length; insn++) {
            long code = f.insns[insn];
            if (Insns.isPseudoCall(code) && !relocated.contains(insn)) {
                f.relocs.add(localCall(f, insn));
            } else if (Insns.isLdImm64(code) && Insns.src(code) == Insns.PSEUDO_FUNC && !relocated.contains(insn)) {
                throw new ObjectException(f.at(insn) + "a function address without a relocation to say which");
            }
        }
    }

    /** A call within {@code .text} that clang left without a relocation: relative to itself. */
    private Reloc localCall(Function f, int insn) {
        long target = (long) f.start + insn + Insns.imm(f.insns[insn]) + 1;
        if (text == null || f.sectionIndex != text.index()) {
            throw new ObjectException(f.at(insn) + "a call to instruction " + target + " of its own section without a"
                    + " relocation: only functions in .text can be called");
        }
        Function callee = textFunctionAt(target);
        if (callee == null) {
            throw new ObjectException(f.at(insn) + "a call into nowhere: no function of .text starts at instruction "
                    + target);
        }
        return new Reloc.Call(insn, callee);
    }

    private Reloc resolve(Function f, int insn, Relocation r) {
        long code = f.insns[insn];
        Symbol sym = r.symbol();
        String symName = sym.type() == Symbol.Type.SECTION && sym.name().isEmpty() && sym.inSection()
                ? elf.section(sym.sectionIndex()).name() : sym.name();
        String at = f.at(insn) + "relocation against '" + symName + "': ";
        boolean call = Insns.isCall(code);
        if (!call && !Insns.isLdImm64(code)) {
            throw new ObjectException(at + String.format("instruction 0x%02x is neither an ld_imm64 nor a call",
                    Insns.code(code)));
        }
        if (call ? r.type() != RelocationType.R_BPF_64_32 : r.type() != RelocationType.R_BPF_64_64) {
            throw new ObjectException(at + r.type() + " does not apply to " + (call ? "a call" : "an ld_imm64"));
        }
        if (call && insn + 1 > f.insns.length || !call && insn + 2 > f.insns.length) {
            throw new ObjectException(at + "the instruction runs past the end of the function");
        }
        if (KconfigExterns.isExtern(sym)) {
            if (call) {
                throw new ObjectException(at + "a call to an extern function (a kfunc or helper declared extern)"
                        + " is not supported");
            }
            KconfigExterns.Extern e = externs.extern(sym.name()).orElseThrow(() -> new ObjectException(at
                    + "an extern this loader does not know"));
            return new Reloc.MapValue(insn, kconfigMap, e.offset());
        }
        if (!sym.inSection()) {
            throw new ObjectException(at + "the symbol is " + (sym.isUndefined() ? "undefined" : "not in a section")
                    + " (a missing definition, or a global variable left uninitialised?)");
        }
        int imm = Insns.imm(code);
        if (call) {
            if (Insns.src(code) != Insns.PSEUDO_CALL) {
                throw new ObjectException(at + "a helper call with a relocation (src_reg " + Insns.src(code)
                        + ", not BPF_PSEUDO_CALL)");
            }
            if (text == null || sym.sectionIndex() != text.index()) {
                throw new ObjectException(at + "a call into section '" + elf.section(sym.sectionIndex()).name()
                        + "': only functions in .text can be called");
            }
            long target = sym.value() / 8 + imm + 1;
            Function callee = sym.value() % 8 == 0 ? textFunctionAt(target) : null;
            if (callee == null) {
                throw new ObjectException(at + "a call into nowhere: no function of .text starts at instruction "
                        + target);
            }
            return new Reloc.Call(insn, callee);
        }
        if (text != null && sym.sectionIndex() == text.index()) {
            long bytes = sym.value() + imm;
            Function target = bytes % 8 == 0 ? textFunctionAt(bytes / 8) : null;
            if (target == null) {
                throw new ObjectException(at + "the address of .text byte " + bytes + ", where no function starts");
            }
            return new Reloc.FuncAddr(insn, target);
        }
        if (mapsSection != null && sym.sectionIndex() == mapsSection.index()) {
            MapSpec map = declaredByOffset.get(sym.value());
            if (map == null) {
                throw new ObjectException(at + "no map of .maps is defined at offset " + sym.value());
            }
            return new Reloc.MapFd(insn, map);
        }
        MapSpec data = dataMaps.get(sym.sectionIndex());
        if (data != null) {
            long offset = sym.value() + imm;
            if (offset < 0 || offset >= data.valueSize()) {
                throw new ObjectException(at + "offset " + offset + " is outside section " + data.section() + " ("
                        + data.valueSize() + " bytes)");
            }
            return new Reloc.MapValue(insn, data, (int) offset);
        }
        throw new ObjectException(at + "section '" + elf.section(sym.sectionIndex()).name()
                + "' holds neither maps, global data nor functions");
    }
}
