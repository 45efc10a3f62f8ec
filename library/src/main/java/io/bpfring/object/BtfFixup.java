package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.btf.BtfWriter;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Section;
import io.bpfring.elf.Symbol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fills in what clang leaves out of {@code .BTF} and the kernel needs, as libbpf does when it
 * opens an object: DATASEC sizes and VAR offsets from the ELF sections and symbols (a linked
 * object already has them), the {@code .kconfig} DATASEC laid out as the loader lays out the
 * externs, and hidden globals turned static (hidden functions are verified with their caller,
 * hidden variables are not exposed). VARs in a DATASEC end up sorted by offset.
 */
final class BtfFixup {
    private final Btf btf;
    private final ElfFile elf;
    private final Map<String, Symbol> globals = new HashMap<>();
    private final BtfWriter writer;
    private boolean changed;

    private BtfFixup(Btf btf, ElfFile elf) {
        this.btf = btf;
        this.elf = elf;
        this.writer = BtfWriter.of(btf);
        for (Symbol s : elf.symbols()) {
            if (s.type() == Symbol.Type.OBJECT
                    && (s.binding() == Symbol.Binding.GLOBAL || s.binding() == Symbol.Binding.WEAK)) {
                globals.putIfAbsent(s.name(), s);
            }
        }
    }

    /** {@code btf} fixed up; the same table when nothing needed fixing. */
    static Btf apply(Btf btf, ElfFile elf, KconfigExterns externs, Set<String> hiddenFunctions) {
        BtfFixup f = new BtfFixup(btf, elf);
        for (int id = 1; id < btf.typeCount(); id++) {
            BtfKind kind = btf.kind(id);
            if (kind != BtfKind.DATASEC && kind != BtfKind.FUNC) {
                continue;
            }
            switch (btf.type(id)) {
                case BtfType.Datasec d when d.name().equals(KconfigExterns.SECTION) -> f.kconfig(id, d, externs);
                case BtfType.Datasec d -> f.datasec(id, d);
                case BtfType.Func fn when fn.linkage() == BtfType.Linkage.GLOBAL && hiddenFunctions.contains(fn.name())
                        -> f.set(id, new BtfType.Func(fn.name(), fn.type(), BtfType.Linkage.STATIC));
                default -> {
                }
            }
        }
        return f.changed ? Btf.parse(f.writer.toBytes()) : btf;
    }

    private void kconfig(int id, BtfType.Datasec d, KconfigExterns externs) {
        List<BtfType.VarSecinfo> vars = new ArrayList<>();
        for (BtfType.VarSecinfo v : d.vars()) {
            if (!(btf.type(v.type()) instanceof BtfType.Var var)) {
                throw new ObjectException("BTF DATASEC '.kconfig' lists type id " + v.type() + ", which is not a VAR");
            }
            KconfigExterns.Extern e = externs.extern(var.name()).orElseThrow(() -> new ObjectException(
                    "BTF VAR '" + var.name() + "' of DATASEC '.kconfig' has no extern symbol"));
            set(v.type(), new BtfType.Var(var.name(), var.type(), BtfType.Linkage.GLOBAL));
            vars.add(new BtfType.VarSecinfo(v.type(), e.offset(), v.size()));
        }
        vars.sort(Comparator.comparingInt(BtfType.VarSecinfo::offset));
        set(id, new BtfType.Datasec(d.name(), externs.size(), vars));
    }

    private void datasec(int id, BtfType.Datasec d) {
        int size = d.size();
        boolean fillOffsets = size == 0;
        if (fillOffsets) {
            Section section = elf.section(d.name()).orElse(null);
            if (section == null || section.size() == 0) {
                throw new ObjectException("BTF DATASEC '" + d.name() + "' has size 0 and the object has no "
                        + "section of that name to take it from");
            }
            size = (int) section.size();
        }
        List<BtfType.VarSecinfo> vars = new ArrayList<>();
        for (BtfType.VarSecinfo v : d.vars()) {
            if (!(btf.type(v.type()) instanceof BtfType.Var var)) {
                throw new ObjectException("BTF DATASEC '" + d.name() + "' lists type id " + v.type()
                        + ", which is not a VAR");
            }
            if (var.linkage() != BtfType.Linkage.GLOBAL) {
                vars.add(v); // clang knows where static variables are
                continue;
            }
            Symbol sym = globals.get(var.name());
            if (sym == null) {
                throw new ObjectException("BTF VAR '" + var.name() + "' of DATASEC '" + d.name()
                        + "' has no global ELF symbol to take its offset from");
            }
            vars.add(fillOffsets ? new BtfType.VarSecinfo(v.type(), (int) sym.value(), v.size()) : v);
            if (sym.visibility() == Symbol.Visibility.HIDDEN || sym.visibility() == Symbol.Visibility.INTERNAL) {
                set(v.type(), new BtfType.Var(var.name(), var.type(), BtfType.Linkage.STATIC));
            }
        }
        List<BtfType.VarSecinfo> sorted = new ArrayList<>(vars);
        sorted.sort(Comparator.comparingInt(BtfType.VarSecinfo::offset));
        if (size != d.size() || !sorted.equals(d.vars())) {
            set(id, new BtfType.Datasec(d.name(), size, sorted));
        }
    }

    private void set(int id, BtfType type) {
        writer.set(id, type);
        changed = true;
    }
}
