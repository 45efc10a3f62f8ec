package io.bpfring.object;

import io.bpfring.bpf.MapType;
import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfKind;
import io.bpfring.btf.BtfType;
import io.bpfring.elf.ElfFile;
import io.bpfring.elf.Relocation;
import io.bpfring.elf.Section;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The BTF-defined maps of {@code .maps}, read as libbpf's {@code parse_btf_map_def} reads them:
 * each variable's type is a struct whose members say what the map is. {@code __uint(name, v)} is
 * a pointer to an array of {@code v} elements, {@code __type(name, T)} a pointer to {@code T},
 * {@code __array(values, struct inner)} a zero-length array of pointers to the inner map's
 * definition (or to a function prototype, for a program array). Unknown members are refused.
 */
final class DeclaredMaps {
    static final String SECTION = ".maps";

    private DeclaredMaps() {
    }

    /** A map and where its definition lies in {@code .maps}. */
    record Placed(MapSpec map, int offset, int size, int typeId) {
    }

    /** The maps declared in {@code section}, in DATASEC order. */
    static List<Placed> read(Btf btf, Section section) {
        if (btf == null) {
            throw new ObjectException("section '.maps' declares maps in BTF, but the object has no .BTF section");
        }
        int datasec = btf.findAll(SECTION).stream().filter(id -> btf.kind(id) == BtfKind.DATASEC).findFirst()
                .orElseThrow(() -> new ObjectException("section '.maps' has no BTF DATASEC '.maps' to say what the"
                        + " maps are"));
        List<Placed> maps = new ArrayList<>();
        for (BtfType.VarSecinfo v : ((BtfType.Datasec) btf.type(datasec)).vars()) {
            if (!(btf.type(v.type()) instanceof BtfType.Var var)) {
                throw new ObjectException("BTF DATASEC '.maps' lists type id " + v.type() + ", which is not a VAR");
            }
            String name = var.name();
            if (name.isEmpty()) {
                throw new ObjectException("a map in .maps has no name");
            }
            if (Integer.toUnsignedLong(v.offset()) + Integer.toUnsignedLong(v.size()) > section.size()) {
                throw new ObjectException("map '" + name + "': its definition (offset " + v.offset() + ", "
                        + v.size() + " bytes) runs past the end of .maps (" + section.size() + " bytes)");
            }
            if (var.linkage() != BtfType.Linkage.GLOBAL) {
                throw new ObjectException("map '" + name + "': " + var.linkage().name().toLowerCase()
                        + " maps are not supported; declare it as a global");
            }
            int def = btf.resolve(var.type());
            if (!(btf.type(def) instanceof BtfType.Struct s)) {
                throw new ObjectException("map '" + name + "': its definition is a " + btf.kind(def)
                        + ", not a struct");
            }
            if (Integer.toUnsignedLong(s.size()) > Integer.toUnsignedLong(v.size())) {
                throw new ObjectException("map '" + name + "': its definition is larger than its variable");
            }
            maps.add(new Placed(new Definition(btf, name, false).parse(s), v.offset(), v.size(), def));
        }
        return maps;
    }

    /**
     * Initial slots of maps of maps and program arrays, from the relocations of {@code .maps}:
     * each points a slot of {@code values} at a map or an entry program.
     */
    static void readSlots(ElfFile elf, Btf btf, Section section, List<Placed> maps, Map<String, MapSpec> byName,
                          Map<String, ProgramSpec> programs) {
        for (Relocation r : elf.relocations(section)) {
            String name = r.symbol().name();
            String what = ".maps relocation at offset " + r.offset() + " against '" + name + "': ";
            Placed outer = maps.stream().filter(p -> Integer.toUnsignedLong(p.offset()) <= r.offset()
                            && r.offset() + 8 <= Integer.toUnsignedLong(p.offset()) + Integer.toUnsignedLong(p.size()))
                    .findFirst().orElseThrow(() -> new ObjectException(what + "no map is defined there"));
            MapSpec map = outer.map();
            boolean mapInMap = map.type().equals(MapType.ARRAY_OF_MAPS) || map.type().equals(MapType.HASH_OF_MAPS);
            Object target;
            if (mapInMap) {
                if (r.symbol().sectionIndex() != section.index() || !byName.containsKey(name)
                        || byName.get(name).isInternal()) {
                    throw new ObjectException(what + "map '" + map.name() + "' can only hold maps of .maps");
                }
                if (map.type().equals(MapType.HASH_OF_MAPS) && map.keySize() != 4) {
                    throw new ObjectException(what + "hash of maps '" + map.name() + "' needs 4-byte keys for slots");
                }
                target = byName.get(name);
            } else if (map.type().equals(MapType.PROG_ARRAY)) {
                ProgramSpec program = programs.get(name);
                if (program == null || program.function().sectionIndex != r.symbol().sectionIndex()
                        || program.function().start * 8L != r.symbol().value()) {
                    throw new ObjectException(what + "program array '" + map.name() + "' can only hold entry programs");
                }
                target = program;
            } else {
                throw new ObjectException(what + map + " has no slots to initialise");
            }
            BtfType.Struct def = (BtfType.Struct) btf.type(outer.typeId());
            BtfType.Member values = def.members().isEmpty() ? null : def.members().getLast();
            if (values == null || !values.name().equals("values")) {
                throw new ObjectException(what + "map '" + map.name() + "' has no 'values' member last");
            }
            long slotOffset = r.offset() - Integer.toUnsignedLong(outer.offset()) - values.bitOffset() / 8;
            if (slotOffset < 0 || slotOffset % 8 != 0) {
                throw new ObjectException(what + "it is not at a slot of 'values' of map '" + map.name() + "'");
            }
            map.slots().put((int) (slotOffset / 8), target);
        }
    }

    /** One map definition struct; {@code inner} for the definition of an inner map. */
    private record Definition(Btf btf, String name, boolean inner) {
        MapSpec parse(BtfType.Struct def) {
            MapType type = null;
            int maxEntries = 0;
            int flags = 0;
            int numaNode = 0;
            int keySize = 0;
            int valueSize = 0;
            int keyType = 0;
            int valueType = 0;
            long mapExtra = 0;
            MapSpec.Pinning pinning = MapSpec.Pinning.NONE;
            MapSpec innerMap = null;
            List<BtfType.Member> members = def.members();
            for (int i = 0; i < members.size(); i++) {
                BtfType.Member m = members.get(i);
                switch (m.name()) {
                    case "type" -> type = MapType.of(uint(m));
                    case "max_entries" -> maxEntries = uint(m);
                    case "map_flags" -> flags = uint(m);
                    case "numa_node" -> numaNode = uint(m);
                    case "key_size" -> keySize = size(m, keySize, uint(m), "key");
                    case "value_size" -> valueSize = size(m, valueSize, uint(m), "value");
                    case "key" -> {
                        keyType = pointee(m);
                        keySize = size(m, keySize, sizeOf(keyType, "key"), "key");
                    }
                    case "value" -> {
                        valueType = pointee(m);
                        valueSize = size(m, valueSize, sizeOf(valueType, "value"), "value");
                    }
                    case "values" -> {
                        if (inner) {
                            throw error("inner maps cannot have inner maps");
                        }
                        if (i != members.size() - 1) {
                            throw error("'values' must be the last member");
                        }
                        valueSize = size(m, valueSize, 4, "value");
                        innerMap = values(m, type);
                    }
                    case "pinning" -> {
                        if (inner) {
                            throw error("an inner map cannot be pinned");
                        }
                        int p = uint(m);
                        if (p > 1) {
                            throw error("pinning " + Integer.toUnsignedString(p) + " is neither LIBBPF_PIN_NONE (0)"
                                    + " nor LIBBPF_PIN_BY_NAME (1)");
                        }
                        pinning = p == 1 ? MapSpec.Pinning.BY_NAME : MapSpec.Pinning.NONE;
                    }
                    case "map_extra" -> mapExtra = ulong(m);
                    default -> throw error("unknown member '" + m.name() + "'");
                }
            }
            if (type == null || type.equals(MapType.UNSPEC)) {
                throw error("no map type");
            }
            return new MapSpec(name, MapSpec.Kind.DECLARED, SECTION, type, keySize, valueSize, maxEntries, flags,
                    numaNode, mapExtra, pinning, keyType, valueType, innerMap, null);
        }

        /** {@code __uint}: the element count of the array the member points to. */
        private int uint(BtfType.Member m) {
            BtfType t = btf.type(btf.resolve(m.type()));
            if (!(t instanceof BtfType.Pointer p)) {
                throw error("'" + m.name() + "' is a " + t.kind() + ", expected __uint's pointer to an array");
            }
            if (!(btf.type(p.type()) instanceof BtfType.Array a)) {
                throw error("'" + m.name() + "' points to a " + btf.kind(p.type()) + ", expected __uint's array");
            }
            return a.count();
        }

        /** {@code __ulong}: a one-value enum, or a {@code __uint}. */
        private long ulong(BtfType.Member m) {
            BtfType t = btf.type(btf.resolve(m.type()));
            if (t instanceof BtfType.Pointer) {
                return Integer.toUnsignedLong(uint(m));
            }
            if (!(t instanceof BtfType.Enumeration e) || e.values().size() != 1) {
                throw error("'" + m.name() + "' is not __ulong's one-value enum");
            }
            return e.values().getFirst().value();
        }

        /** {@code __type}: the type the member points to. */
        private int pointee(BtfType.Member m) {
            if (!(btf.type(m.type()) instanceof BtfType.Pointer p)) {
                throw error("'" + m.name() + "' is a " + btf.kind(m.type()) + ", expected __type's pointer");
            }
            return p.type();
        }

        private int sizeOf(int type, String what) {
            try {
                return (int) btf.sizeOf(type);
            } catch (io.bpfring.BtfException e) {
                throw error("the " + what + " type has no size: " + e.getMessage());
            }
        }

        private int size(BtfType.Member m, int known, int size, String what) {
            if (known != 0 && known != size) {
                throw error("'" + m.name() + "' says the " + what + " takes " + Integer.toUnsignedString(size)
                        + " bytes, another member says " + Integer.toUnsignedString(known));
            }
            return size;
        }

        /** {@code __array(values, ...)}: the inner map's definition, or null for a program array. */
        private MapSpec values(BtfType.Member m, MapType type) {
            boolean mapInMap = MapType.ARRAY_OF_MAPS.equals(type) || MapType.HASH_OF_MAPS.equals(type);
            if (!mapInMap && !MapType.PROG_ARRAY.equals(type)) {
                throw error("'values' needs a map of maps or a program array, and the type is " + type);
            }
            if (!(btf.type(m.type()) instanceof BtfType.Array a) || a.count() != 0) {
                throw error("'values' is not a zero-length array");
            }
            if (!(btf.type(btf.resolve(a.type())) instanceof BtfType.Pointer p)) {
                throw error("'values' is not an array of pointers");
            }
            BtfType target = btf.type(btf.resolve(p.type()));
            if (!mapInMap) {
                if (!(target instanceof BtfType.FuncProto)) {
                    throw error("a program array's 'values' must point to a function prototype");
                }
                return null;
            }
            if (!(target instanceof BtfType.Struct s)) {
                throw error("a map of maps' 'values' must point to the inner map's definition struct");
            }
            return new Definition(btf, name + ".inner", true).parse(s);
        }

        private ObjectException error(String what) {
            return new ObjectException("map '" + name + "': " + what);
        }
    }
}
