package io.bpfring.sys;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.UnionLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Kernel structs declared as a C compiler lays them out, and their fields reached by their C
 * names: the one source of the offsets bpfring passes to and reads from the kernel.
 *
 * <p>{@link #struct} and {@link #union} insert the padding C inserts, so a declaration reads
 * like the header it comes from. An unnamed struct or union member is an anonymous one, as in
 * C: its fields are named as if they were the enclosing struct's own ({@code attach_prog_fd},
 * not {@code 20.attach_prog_fd}); a named one is reached with a dot ({@code perf_event.bpf_cookie}).
 *
 * <p>Bitfields are declared as the integer word that holds them, with the bits as named masks
 * beside it; every architecture bpfring runs on is little-endian, so the first bitfield of a
 * word is its least significant bit.
 */
public final class Layouts {
    private Layouts() {
    }

    static ValueLayout.OfByte u8(String name) {
        return JAVA_BYTE.withName(name);
    }

    static ValueLayout.OfShort u16(String name) {
        return JAVA_SHORT.withName(name);
    }

    static ValueLayout.OfShort s16(String name) {
        return JAVA_SHORT.withName(name);
    }

    static ValueLayout.OfInt u32(String name) {
        return JAVA_INT.withName(name);
    }

    static ValueLayout.OfInt s32(String name) {
        return JAVA_INT.withName(name);
    }

    /** A {@code __u64} or {@code __aligned_u64} (8-byte aligned on every 64-bit architecture). */
    static ValueLayout.OfLong u64(String name) {
        return JAVA_LONG.withName(name);
    }

    static ValueLayout.OfLong s64(String name) {
        return JAVA_LONG.withName(name);
    }

    /** {@code char name[n]} or {@code __u8 name[n]}. */
    static SequenceLayout bytes(String name, long n) {
        return MemoryLayout.sequenceLayout(n, JAVA_BYTE).withName(name);
    }

    /** A C struct: each member at the first offset its alignment allows, the end padded to the largest alignment. */
    static StructLayout struct(MemoryLayout... members) {
        List<MemoryLayout> laid = new ArrayList<>();
        long offset = 0;
        long alignment = 1;
        for (MemoryLayout member : members) {
            long pad = -offset & (member.byteAlignment() - 1);
            if (pad > 0) {
                laid.add(MemoryLayout.paddingLayout(pad));
            }
            laid.add(member);
            offset += pad + member.byteSize();
            alignment = Math.max(alignment, member.byteAlignment());
        }
        long tail = -offset & (alignment - 1);
        if (tail > 0) {
            laid.add(MemoryLayout.paddingLayout(tail));
        }
        return MemoryLayout.structLayout(laid.toArray(MemoryLayout[]::new));
    }

    /** A C union: as large as its largest member, rounded up to its largest alignment. */
    static UnionLayout union(MemoryLayout... members) {
        long size = 0;
        long alignment = 1;
        for (MemoryLayout member : members) {
            size = Math.max(size, member.byteSize());
            alignment = Math.max(alignment, member.byteAlignment());
        }
        long rounded = (size + alignment - 1) & -alignment;
        if (rounded == size) {
            return MemoryLayout.unionLayout(members);
        }
        MemoryLayout[] padded = new MemoryLayout[members.length + 1];
        System.arraycopy(members, 0, padded, 0, members.length);
        padded[members.length] = MemoryLayout.paddingLayout(rounded);
        return MemoryLayout.unionLayout(padded);
    }

    /** The byte offset of {@code field} (a C name, dotted through named members) in {@code struct}. */
    public static long offset(GroupLayout struct, String field) {
        return struct.byteOffset(path(struct, field));
    }

    /** The layout of {@code field} in {@code struct}. */
    public static MemoryLayout layout(GroupLayout struct, String field) {
        return struct.select(path(struct, field));
    }

    /**
     * A handle on {@code field} of a struct at the start of a segment: coordinates
     * {@code (MemorySegment)}, as in {@code PROG_FD.set(attr, fd)}.
     */
    static VarHandle handle(GroupLayout struct, String field) {
        return MethodHandles.insertCoordinates(struct.varHandle(path(struct, field)), 1, 0L);
    }

    /**
     * A handle on {@code field} of the records of an array of {@code struct}s at the start of a
     * segment: coordinates {@code (MemorySegment, long index)}.
     */
    static VarHandle elementHandle(GroupLayout struct, String field) {
        return MethodHandles.insertCoordinates(struct.arrayElementVarHandle(path(struct, field)), 1, 0L);
    }

    /** The place of a {@code char[]} or {@code __u8[]} field. */
    static Bytes bytesField(GroupLayout struct, String field) {
        return new Bytes(offset(struct, field), layout(struct, field).byteSize());
    }

    /**
     * The C names of every field of {@code struct} that is not itself a struct or union, in
     * declaration order, members of anonymous ones under their own names and of named ones
     * dotted ({@code perf_event.bpf_cookie}). Padding has no name and is not listed.
     */
    public static List<String> fields(GroupLayout struct) {
        List<String> names = new ArrayList<>();
        collect(struct, "", names);
        return names;
    }

    private static void collect(GroupLayout group, String prefix, List<String> names) {
        for (MemoryLayout member : group.memberLayouts()) {
            if (member instanceof GroupLayout inner) {
                collect(inner, member.name().map(n -> prefix + n + ".").orElse(prefix), names);
            } else {
                member.name().ifPresent(n -> names.add(prefix + n));
            }
        }
    }

    private static PathElement[] path(GroupLayout struct, String field) {
        List<PathElement> path = new ArrayList<>();
        MemoryLayout at = struct;
        for (String name : field.split("\\.", -1)) {
            MemoryLayout found = at instanceof GroupLayout group ? find(group, name, path) : null;
            if (found == null) {
                throw new IllegalArgumentException(struct + " has no field " + field);
            }
            at = found;
        }
        return path.toArray(PathElement[]::new);
    }

    /** Finds {@code name} among the members of {@code group} and of its anonymous structs and unions. */
    private static MemoryLayout find(GroupLayout group, String name, List<PathElement> path) {
        List<MemoryLayout> members = group.memberLayouts();
        for (MemoryLayout member : members) {
            if (member.name().filter(name::equals).isPresent()) {
                path.add(PathElement.groupElement(name));
                return member;
            }
        }
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i) instanceof GroupLayout anonymous && anonymous.name().isEmpty()) {
                path.add(PathElement.groupElement(i));
                MemoryLayout found = find(anonymous, name, path);
                if (found != null) {
                    return found;
                }
                path.removeLast();
            }
        }
        return null;
    }

    /** Where a byte-array field such as a 16-byte object name lies in its struct. */
    public record Bytes(long offset, long size) {
        /** The field's bytes in {@code struct}. */
        public MemorySegment in(MemorySegment struct) {
            return struct.asSlice(offset, size);
        }

        /** The NUL-terminated string the field holds (all of it when it holds no NUL). */
        public String getString(MemorySegment struct) {
            MemorySegment bytes = in(struct);
            int length = 0;
            while (length < size && bytes.get(JAVA_BYTE, length) != 0) {
                length++;
            }
            return new String(bytes.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
        }

        /** Writes {@code value} and a terminating NUL; it must leave room for the NUL. */
        public void setString(MemorySegment struct, String value) {
            byte[] encoded = value.getBytes(StandardCharsets.UTF_8);
            if (encoded.length >= size) {
                throw new IllegalArgumentException("'" + value + "' takes " + encoded.length
                        + " bytes; the field holds " + (size - 1) + " and a NUL");
            }
            MemorySegment bytes = in(struct);
            MemorySegment.copy(encoded, 0, bytes, JAVA_BYTE, 0, encoded.length);
            bytes.set(JAVA_BYTE, encoded.length, (byte) 0);
        }
    }
}
