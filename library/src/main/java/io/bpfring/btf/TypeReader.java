package io.bpfring.btf;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static io.bpfring.btf.Btf.U32;

/** Decodes one checked type of the type section into its record. */
final class TypeReader {
    private TypeReader() {
    }

    static BtfType read(Btf btf, int id, MemorySegment types, int at) {
        int info = types.get(U32, at + 4);
        BtfKind kind = BtfKind.of((info >>> 24) & 0x7f);
        int vlen = info & 0xffffff;
        boolean flag = info < 0;
        String name = btf.string(types.get(U32, at));
        int sizeOrType = types.get(U32, at + 8);
        long extra = at + Btf.TYPE_SIZE;
        return switch (kind) {
            case INT -> {
                int bits = types.get(U32, extra);
                yield new BtfType.Int(name, sizeOrType, (bits >>> 24) & 0x0f, (bits >>> 16) & 0xff, bits & 0xff);
            }
            case PTR -> new BtfType.Pointer(sizeOrType);
            case ARRAY -> new BtfType.Array(types.get(U32, extra), types.get(U32, extra + 4),
                    types.get(U32, extra + 8));
            case STRUCT -> new BtfType.Struct(name, sizeOrType, members(btf, types, extra, vlen, flag), flag);
            case UNION -> new BtfType.Union(name, sizeOrType, members(btf, types, extra, vlen, flag), flag);
            case ENUM -> {
                List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    long e = extra + 8L * i;
                    int value = types.get(U32, e + 4);
                    values.add(new BtfType.EnumValue(btf.string(types.get(U32, e)),
                            flag ? value : value & 0xffffffffL));
                }
                yield new BtfType.Enum(name, sizeOrType, flag, values);
            }
            case ENUM64 -> {
                List<BtfType.EnumValue> values = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    long e = extra + 12L * i;
                    long value = (types.get(U32, e + 4) & 0xffffffffL) | ((long) types.get(U32, e + 8) << 32);
                    values.add(new BtfType.EnumValue(btf.string(types.get(U32, e)), value));
                }
                yield new BtfType.Enum64(name, sizeOrType, flag, values);
            }
            case FWD -> new BtfType.Fwd(name, flag);
            case TYPEDEF -> new BtfType.Typedef(name, sizeOrType);
            case VOLATILE -> new BtfType.Volatile(sizeOrType);
            case CONST -> new BtfType.Const(sizeOrType);
            case RESTRICT -> new BtfType.Restrict(sizeOrType);
            case FUNC -> new BtfType.Func(name, sizeOrType, BtfType.Linkage.values()[vlen]);
            case FUNC_PROTO -> {
                List<BtfType.Param> params = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    long p = extra + 8L * i;
                    params.add(new BtfType.Param(btf.string(types.get(U32, p)), types.get(U32, p + 4)));
                }
                yield new BtfType.FuncProto(sizeOrType, params);
            }
            case VAR -> new BtfType.Var(name, sizeOrType, BtfType.Linkage.values()[types.get(U32, extra)]);
            case DATASEC -> {
                List<BtfType.VarSecinfo> vars = new ArrayList<>(vlen);
                for (int i = 0; i < vlen; i++) {
                    long v = extra + 12L * i;
                    vars.add(new BtfType.VarSecinfo(types.get(U32, v), types.get(U32, v + 4), types.get(U32, v + 8)));
                }
                yield new BtfType.Datasec(name, sizeOrType, vars);
            }
            case FLOAT -> new BtfType.Float(name, sizeOrType);
            case DECL_TAG -> new BtfType.DeclTag(name, sizeOrType, types.get(U32, extra), flag);
            case TYPE_TAG -> new BtfType.TypeTag(name, sizeOrType, flag);
            case VOID -> throw new IllegalStateException("type id " + id + " has kind 0, which the checks reject");
        };
    }

    private static List<BtfType.Member> members(Btf btf, MemorySegment types, long at, int vlen, boolean bitfields) {
        List<BtfType.Member> members = new ArrayList<>(vlen);
        for (int i = 0; i < vlen; i++) {
            long m = at + 12L * i;
            int offset = types.get(U32, m + 8);
            members.add(new BtfType.Member(btf.string(types.get(U32, m)), types.get(U32, m + 4),
                    bitfields ? offset & 0xffffff : offset, bitfields ? offset >>> 24 : 0));
        }
        return members;
    }
}
