package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfType;
import io.bpfring.btf.BtfWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * Rewrites BTF kinds an older kernel does not know into ones it does, as libbpf's
 * {@code bpf_object__sanitize_btf} does, keeping every type id (and so every reference from
 * maps, func_info and line_info). A kernel that knows everything gets the BTF unchanged.
 */
final class BtfSanitizer {
    /**
     * What the kernel's BTF loader accepts. Taken from the kernel version: these kinds came in
     * with 5.0 (FUNC), 5.2 (VAR, DATASEC), 5.6 (global FUNC), 5.13 (FLOAT), 5.16 (DECL_TAG),
     * 5.17 (TYPE_TAG) and 6.0 (ENUM64).
     */
    record Features(boolean func, boolean datasec, boolean globalFunc, boolean floats, boolean declTag,
                    boolean typeTag, boolean enum64) {
        static Features of(int kernelVersion) {
            return new Features(kernelVersion >= Kconfig.version(5, 0, 0), kernelVersion >= Kconfig.version(5, 2, 0),
                    kernelVersion >= Kconfig.version(5, 6, 0), kernelVersion >= Kconfig.version(5, 13, 0),
                    kernelVersion >= Kconfig.version(5, 16, 0), kernelVersion >= Kconfig.version(5, 17, 0),
                    kernelVersion >= Kconfig.version(6, 0, 0));
        }

        boolean all() {
            return func && datasec && globalFunc && floats && declTag && typeTag && enum64;
        }
    }

    private BtfSanitizer() {
    }

    /** {@code raw}, the blob of {@code btf}, as {@code features} lets the kernel take it. */
    static byte[] sanitize(Btf btf, byte[] raw, Features features) {
        if (features.all()) {
            return raw;
        }
        BtfWriter w = BtfWriter.of(btf);
        int placeholder = 0;
        int count = btf.typeCount();
        for (int id = 1; id < count; id++) {
            BtfType t = btf.type(id);
            BtfType replaced = switch (t) {
                case BtfType.Var v when !features.datasec() -> tinyInt(v.name());
                case BtfType.DeclTag d when !features.declTag() -> tinyInt(d.name());
                case BtfType.Datasec d when !features.datasec() -> struct(btf, d);
                case BtfType.FuncProto p when !features.func() -> new BtfType.Enum("", 4, false,
                        p.params().stream().map(x -> new BtfType.EnumValue(x.name(), x.type())).toList());
                case BtfType.Func f when !features.func() -> new BtfType.Typedef(f.name(), f.type());
                case BtfType.Func f when !features.globalFunc() && f.linkage() == BtfType.Linkage.GLOBAL ->
                        new BtfType.Func(f.name(), f.type(), BtfType.Linkage.STATIC);
                case BtfType.Float f when !features.floats() -> new BtfType.Struct("", f.size(), List.of(), false);
                case BtfType.TypeTag tag when !features.typeTag() -> new BtfType.Const(tag.type());
                case BtfType.Enum e when !features.enum64() && e.signed() -> new BtfType.Enum(e.name(), e.size(), false,
                        e.values());
                case BtfType.Enum64 e when !features.enum64() -> {
                    if (placeholder == 0) {
                        placeholder = w.add(new BtfType.Int("enum64_placeholder", 1, 0, 0, 8));
                    }
                    int member = placeholder;
                    yield new BtfType.Union(e.name(), e.size(), e.values().stream()
                            .map(v -> new BtfType.Member(v.name(), member, 0, 0)).toList(), false);
                }
                default -> null;
            };
            if (replaced != null) {
                w.set(id, replaced);
            }
        }
        return w.toBytes();
    }

    /** libbpf's stand-in for a VAR or DECL_TAG: a one-byte int, small enough for any variable. */
    private static BtfType tinyInt(String name) {
        return new BtfType.Int(name, 1, 0, 0, 8);
    }

    /** A DATASEC as a struct of its variables, with a name C accepts. */
    private static BtfType struct(Btf btf, BtfType.Datasec d) {
        List<BtfType.Member> members = new ArrayList<>();
        for (BtfType.VarSecinfo v : d.vars()) {
            members.add(new BtfType.Member(btf.name(v.type()), v.type(), v.offset() * 8, 0));
        }
        return new BtfType.Struct(d.name().replace('.', '_').replace('?', '_'), d.size(), members, false);
    }
}
