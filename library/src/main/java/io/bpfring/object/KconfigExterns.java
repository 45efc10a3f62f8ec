package io.bpfring.object;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Symbol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The object's {@code __kconfig} externs: undefined symbols whose BTF VARs sit in the
 * {@code .kconfig} DATASEC. They are laid out in one map value as libbpf lays them out (largest
 * alignment first, then smallest size, then name) and filled at load from the kernel's
 * configuration: y/m/n become 1/2/0 for a tristate and 1/0 for a bool, numbers and strings are
 * taken as written, {@code LINUX_KERNEL_VERSION} is the running kernel's; a missing weak extern
 * is 0, a missing strong one fails the load.
 */
final class KconfigExterns {
    /** How libbpf reads a value into the extern ({@code enum kcfg_type}). */
    enum Type { BOOL, CHAR, INT, TRISTATE, CHAR_ARRAY }

    /** One extern and its place in the map value. */
    record Extern(String name, boolean weak, int varId, Type type, int size, int align, boolean signed, int offset) {
    }

    static final String SECTION = ".kconfig";

    private final List<Extern> externs;
    private final Map<String, Extern> bySymbol = new HashMap<>();
    private final int size;

    private KconfigExterns(List<Extern> externs) {
        this.externs = externs;
        this.size = externs.isEmpty() ? 0 : externs.getLast().offset() + externs.getLast().size();
        externs.forEach(e -> bySymbol.put(e.name(), e));
    }

    /** The externs of {@code elf}, none if it has none; unsupported kinds of extern fail here. */
    static KconfigExterns collect(ElfFile elf, Btf btf) {
        List<Extern> found = new ArrayList<>();
        for (Symbol sym : elf.symbols()) {
            if (!isExtern(sym)) {
                continue;
            }
            if (btf == null) {
                throw new ObjectException("extern '" + sym.name() + "': the object has no .BTF to say what it is");
            }
            int varId = externVar(btf, sym.name());
            int sec = datasecOf(btf, varId, sym.name());
            String secName = btf.name(sec);
            if (btf.kind(varId) == BtfKind.FUNC) {
                throw new ObjectException("extern function '" + sym.name() + "' (in " + secName + "): calls of kernel"
                        + " functions (kfuncs) are not supported");
            }
            if (secName.equals(".ksyms")) {
                throw new ObjectException("extern '" + sym.name() + "' (__ksym): kernel symbol externs are not"
                        + " supported");
            }
            if (!secName.equals(SECTION)) {
                throw new ObjectException("extern '" + sym.name() + "' in section '" + secName
                        + "': only .kconfig externs are supported");
            }
            found.add(describe(btf, sym, varId));
        }
        found.sort(Comparator.comparingInt(Extern::align).reversed().thenComparingInt(Extern::size)
                .thenComparing(Extern::name));
        List<Extern> laid = new ArrayList<>();
        int offset = 0;
        for (Extern e : found) {
            int at = (offset + e.align() - 1) / e.align() * e.align();
            laid.add(new Extern(e.name(), e.weak(), e.varId(), e.type(), e.size(), e.align(), e.signed(), at));
            offset = at + e.size();
        }
        return new KconfigExterns(List.copyOf(laid));
    }

    /** libbpf's {@code sym_is_extern}: undefined, global or weak, no type. */
    static boolean isExtern(Symbol sym) {
        return sym.isUndefined() && !sym.name().isEmpty() && sym.type() == Symbol.Type.NOTYPE
                && (sym.binding() == Symbol.Binding.GLOBAL || sym.binding() == Symbol.Binding.WEAK);
    }

    boolean isEmpty() {
        return externs.isEmpty();
    }

    List<Extern> externs() {
        return externs;
    }

    Optional<Extern> extern(String symbolName) {
        return Optional.ofNullable(bySymbol.get(symbolName));
    }

    /** The bytes of the map value. */
    int size() {
        return size;
    }

    /** The map value for this kernel: every extern resolved from {@code config}, or a failure naming the extern. */
    byte[] image(Kconfig config) {
        ByteBuffer value = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (Extern e : externs) {
            Optional<String> text = e.name().startsWith("CONFIG_") ? config.value(e.name()) : virtual(e, config);
            if (text.isEmpty()) {
                if (!e.weak()) {
                    throw new ObjectException("extern '" + e.name() + "' (__kconfig): the kernel's configuration "
                            + "does not set it and it is not __weak");
                }
                continue; // a missing weak extern is 0
            }
            write(e, text.get(), value);
        }
        return value.array();
    }

    /** libbpf's virtual {@code LINUX_*} externs. */
    private static Optional<String> virtual(Extern e, Kconfig config) {
        return switch (e.name()) {
            case "LINUX_KERNEL_VERSION" -> Optional.of(Integer.toString(config.kernelVersion()));
            case "LINUX_HAS_BPF_COOKIE" -> Optional.of(config.kernelVersion() >= Kconfig.version(5, 15, 0) ? "1" : "0");
            case "LINUX_HAS_SYSCALL_WRAPPER" -> Optional.of(config.hasSyscallWrapper() ? "1" : "0");
            default -> {
                if (!e.weak() || !e.name().startsWith("LINUX_")) {
                    throw new ObjectException("extern '" + e.name() + "' (__kconfig): not a CONFIG_ option and not a"
                            + " virtual extern this loader knows");
                }
                yield Optional.empty();
            }
        };
    }

    /** libbpf's {@code bpf_object__process_kconfig_line} for one value. */
    private static void write(Extern e, String text, ByteBuffer value) {
        String what = "extern '" + e.name() + "' (" + e.type().name().toLowerCase() + "): value '" + text + "' ";
        if (text.equals("y") || text.equals("n") || text.equals("m")) {
            char c = text.charAt(0);
            switch (e.type()) {
                case BOOL -> {
                    if (c == 'm') {
                        throw new ObjectException(what + "is a module: the extern must be a tristate or char");
                    }
                    value.put(e.offset(), (byte) (c == 'y' ? 1 : 0));
                }
                case TRISTATE -> value.putInt(e.offset(), c == 'y' ? 1 : c == 'm' ? 2 : 0);
                case CHAR -> value.put(e.offset(), (byte) c);
                default -> throw new ObjectException(what + "needs a bool, tristate or char");
            }
        } else if (text.startsWith("\"")) {
            if (e.type() != Type.CHAR_ARRAY) {
                throw new ObjectException(what + "needs a char array");
            }
            if (text.length() < 2 || !text.endsWith("\"")) {
                throw new ObjectException(what + "is not a quoted string");
            }
            byte[] s = text.substring(1, text.length() - 1).getBytes(StandardCharsets.UTF_8);
            value.put(e.offset(), s, 0, Math.min(s.length, e.size() - 1)); // cut as libbpf cuts, NUL left
        } else {
            long n;
            try {
                n = text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16)
                        : text.startsWith("-") ? Long.parseLong(text) : Long.parseUnsignedLong(text);
            } catch (NumberFormatException ex) {
                throw new ObjectException(what + "is not a valid integer");
            }
            if (e.type() != Type.INT && e.type() != Type.CHAR && e.type() != Type.BOOL) {
                throw new ObjectException(what + "needs an integer, char or bool");
            }
            if (e.type() == Type.BOOL && (n & ~1L) != 0) {
                throw new ObjectException(what + "is not 0 or 1");
            }
            int bits = e.size() * 8;
            long half = 1L << (bits - 1);
            boolean fits = bits == 64 || (e.signed() ? n + half >= 0 && n + half < 2 * half : n >>> bits == 0);
            if (!fits) {
                throw new ObjectException(what + "does not fit in " + e.size() + " bytes");
            }
            for (int i = 0; i < e.size(); i++) {
                value.put(e.offset() + i, (byte) (n >>> (8 * i)));
            }
        }
    }

    private static int externVar(Btf btf, String name) {
        for (int id : btf.findAll(name)) {
            switch (btf.type(id)) {
                case BtfType.Var v when v.linkage() == BtfType.Linkage.EXTERN -> {
                    return id;
                }
                case BtfType.Func f when f.linkage() == BtfType.Linkage.EXTERN -> {
                    return id;
                }
                case BtfType.Var v -> throw new ObjectException("extern '" + name + "': its BTF VAR is not extern");
                case BtfType.Func f -> throw new ObjectException("extern '" + name + "': its BTF FUNC is not extern");
                default -> {
                }
            }
        }
        throw new ObjectException("extern '" + name + "': no BTF VAR or FUNC describes it");
    }

    private static int datasecOf(Btf btf, int varId, String name) {
        for (int id = 1; id < btf.typeCount(); id++) {
            if (btf.kind(id) == BtfKind.DATASEC
                    && ((BtfType.Datasec) btf.type(id)).vars().stream().anyMatch(v -> v.type() == varId)) {
                return id;
            }
        }
        throw new ObjectException("extern '" + name + "': no BTF DATASEC holds it");
    }

    /** libbpf's {@code find_kcfg_type}, with the extern's size and alignment. */
    private static Extern describe(Btf btf, Symbol sym, int varId) {
        String name = sym.name();
        int typeId = ((BtfType.Var) btf.type(varId)).type();
        int size = (int) btf.sizeOf(typeId);
        int align = alignOf(btf, typeId);
        BtfType t = btf.type(btf.resolve(typeId));
        boolean signed = false;
        Type type = switch (t) {
            case BtfType.Int i when (i.encoding() & BtfType.Int.BOOL) != 0 -> i.size() == 1 ? Type.BOOL : null;
            case BtfType.Int i -> {
                signed = i.isSigned();
                yield i.size() == 1 ? Type.CHAR : Integer.bitCount(i.size()) == 1 && i.size() <= 8 ? Type.INT : null;
            }
            case BtfType.Enumeration e when e.name().equals("libbpf_tristate")
                    && (e.size() == 4 || e.kind() == BtfKind.ENUM64) -> Type.TRISTATE;
            case BtfType.Array a when a.count() != 0 && btf.type(btf.resolve(a.type())) instanceof BtfType.Int i
                    && i.size() == 1 && (i.encoding() & BtfType.Int.BOOL) == 0 -> Type.CHAR_ARRAY;
            default -> null;
        };
        if (type == null) {
            throw new ObjectException("extern '" + name + "' (__kconfig): type " + btf.typeName(typeId)
                    + " is not a bool, tristate, char, integer or char array");
        }
        return new Extern(name, sym.binding() == Symbol.Binding.WEAK, varId, type, size, align, signed, 0);
    }

    /** libbpf's {@code btf__align_of}. */
    static int alignOf(Btf btf, int id) {
        BtfType t = btf.type(btf.resolve(id));
        return switch (t) {
            case BtfType.Int i -> Math.min(8, i.size());
            case BtfType.Enumeration e -> Math.min(8, e.size());
            case BtfType.Float f -> Math.min(8, f.size());
            case BtfType.Pointer p -> 8;
            case BtfType.Array a -> alignOf(btf, a.type());
            case BtfType.Composite c -> {
                int align = 1;
                for (BtfType.Member m : c.members()) {
                    align = Math.max(align, alignOf(btf, m.type()));
                }
                yield align;
            }
            default -> throw new ObjectException("type " + btf.typeName(id) + " has no alignment");
        };
    }
}
