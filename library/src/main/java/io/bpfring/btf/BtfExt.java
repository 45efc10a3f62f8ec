package io.bpfring.btf;

import io.bpfring.BtfException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.bpfring.btf.Btf.U32;

/**
 * An object's {@code .BTF.ext}: per program section, the functions (func_info), the source line
 * of instructions (line_info) and the CO-RE relocations, checked as libbpf's
 * {@code btf_ext_parse} checks them. Names and strings are in the object's {@code .BTF}.
 *
 * <p>Records may be larger than this reader knows (a newer clang): the known leading fields are
 * read and the rest skipped, as libbpf does; {@link #funcInfoSize()} and friends say the size
 * found. Instruction offsets are in bytes, as the file has them.
 */
public final class BtfExt {
    private static final int HEADER_MIN = 24;
    private static final int HEADER_WITH_CORE_RELO = 32;
    private static final int SECTION_HEADER = 8;

    private final Map<String, List<FuncInfo>> funcInfos;
    private final Map<String, List<LineInfo>> lineInfos;
    private final Map<String, List<CoreRelo>> coreRelos;
    private final int[] recordSizes = new int[3];

    /** A function starting at {@code insnOffset} bytes into its section, of FUNC type {@code typeId}. */
    public record FuncInfo(int insnOffset, int typeId) {
        public int insnIndex() {
            return insnOffset / 8;
        }
    }

    /**
     * The source line of the instruction at {@code insnOffset}: {@code lineColumn} packs the line
     * number (upper 22 bits) and column (lower 10); the string offsets are kept for the kernel.
     */
    public record LineInfo(int insnOffset, int fileNameOffset, int lineOffset, int lineColumn, String fileName,
                           String line) {
        public int insnIndex() {
            return insnOffset / 8;
        }

        public int lineNumber() {
            return lineColumn >>> 10;
        }

        public int column() {
            return lineColumn & 0x3ff;
        }
    }

    /**
     * A CO-RE relocation of the instruction at {@code insnOffset}: {@code kind} of the access
     * {@code accessString} ("0:1:2": member and array indexes) from local type {@code typeId}.
     */
    public record CoreRelo(int insnOffset, int typeId, int accessStringOffset, String accessString,
                           CoreReloKind kind) {
        public int insnIndex() {
            return insnOffset / 8;
        }
    }

    private enum Info {
        FUNC_INFO("func_info", 8), LINE_INFO("line_info", 16), CORE_RELO("core_relo", 16);

        final String label;
        final int minSize;

        Info(String label, int minSize) {
            this.label = label;
            this.minSize = minSize;
        }
    }

    private BtfExt(MemorySegment data, Btf btf) {
        if (data.byteSize() < HEADER_MIN) {
            throw new BtfException(".BTF.ext truncated: " + data.byteSize() + " bytes, its header takes at least "
                    + HEADER_MIN);
        }
        int magic = data.get(Btf.U16, 0) & 0xffff;
        if (magic != Btf.MAGIC) {
            throw new BtfException(String.format(".BTF.ext: magic 0x%04x at offset 0, expected 0x%04x%s", magic,
                    Btf.MAGIC, magic == 0x9feb ? " (big-endian data is not read)" : ""));
        }
        int version = data.get(ValueLayout.JAVA_BYTE, 2) & 0xff;
        int flags = data.get(ValueLayout.JAVA_BYTE, 3) & 0xff;
        if (version != 1 || flags != 0) {
            throw new BtfException(".BTF.ext version " + version + " flags " + flags + ", only version 1 without flags"
                    + " is known");
        }
        long hdrLen = data.get(U32, 4) & 0xffffffffL;
        if (hdrLen < HEADER_MIN || hdrLen > data.byteSize()) {
            throw new BtfException(".BTF.ext header length " + hdrLen + " is not between " + HEADER_MIN
                    + " and the section's " + data.byteSize() + " bytes");
        }
        Parser p = new Parser(data, btf, hdrLen);
        funcInfos = p.parse(Info.FUNC_INFO, 8, (at, where) -> new FuncInfo(p.insn(at, where),
                p.func(at + 4, where)));
        lineInfos = p.parse(Info.LINE_INFO, 16, (at, where) -> new LineInfo(p.insn(at, where), p.u32(at + 4),
                p.u32(at + 8), p.u32(at + 12), p.string(at + 4, where + ": file name"),
                p.string(at + 8, where + ": line")));
        coreRelos = hdrLen < HEADER_WITH_CORE_RELO ? Map.of() : p.parse(Info.CORE_RELO, 24, (at, where) ->
                new CoreRelo(p.insn(at, where), p.type(at + 4, where), p.u32(at + 8),
                        p.string(at + 8, where + ": access string"), p.kind(at + 12, where)));
        System.arraycopy(p.sizes, 0, recordSizes, 0, 3);
    }

    /** Parses {@code .BTF.ext} whose strings and types are in {@code btf}. */
    public static BtfExt parse(MemorySegment data, Btf btf) {
        return new BtfExt(data.asReadOnly(), btf);
    }

    /** func_info records by section name, sections in file order. */
    public Map<String, List<FuncInfo>> funcInfos() {
        return funcInfos;
    }

    /** line_info records by section name, sections in file order. */
    public Map<String, List<LineInfo>> lineInfos() {
        return lineInfos;
    }

    /** CO-RE relocations by section name, sections in file order. */
    public Map<String, List<CoreRelo>> coreRelos() {
        return coreRelos;
    }

    /** The func_info record size in the file, 0 if there are none. */
    public int funcInfoSize() {
        return recordSizes[0];
    }

    public int lineInfoSize() {
        return recordSizes[1];
    }

    public int coreReloSize() {
        return recordSizes[2];
    }

    private interface RecordReader<T> {
        T read(long at, String where);
    }

    /** Bounds-checked reading of the subsections; every message says where. */
    private static final class Parser {
        final MemorySegment data;
        final Btf btf;
        final long hdrLen;
        final int[] sizes = new int[3];

        Parser(MemorySegment data, Btf btf, long hdrLen) {
            this.data = data;
            this.btf = btf;
            this.hdrLen = hdrLen;
        }

        /** One subsection: record size, then per program section its name, count and records. */
        <T> Map<String, List<T>> parse(Info info, int headerField, RecordReader<T> reader) {
            long off = u32(headerField) & 0xffffffffL;
            long len = u32(headerField + 4) & 0xffffffffL;
            if (len == 0) {
                return Map.of();
            }
            String what = ".BTF.ext " + info.label;
            if (off % 4 != 0) {
                throw new BtfException(what + " offset " + off + " is not a multiple of 4");
            }
            long start = hdrLen + off;
            if (start + len > data.byteSize()) {
                throw new BtfException(what + " (offset " + off + ", " + len + " bytes) runs past the end of .BTF.ext ("
                        + data.byteSize() + " bytes)");
            }
            if (len < 4) {
                throw new BtfException(what + " has no record size");
            }
            long recordSize = u32(start) & 0xffffffffL;
            if (recordSize < info.minSize || recordSize % 4 != 0 || recordSize > len) {
                throw new BtfException(what + " record size " + recordSize + " is not a multiple of 4 of at least "
                        + info.minSize);
            }
            sizes[info.ordinal()] = (int) recordSize;
            if (len == 4) {
                throw new BtfException(what + " has no records");
            }
            Map<String, List<T>> bySection = new LinkedHashMap<>();
            long end = start + len;
            for (long at = start + 4; at < end; ) {
                if (end - at < SECTION_HEADER) {
                    throw new BtfException(what + " at offset " + at + ": truncated section header");
                }
                String section = string(at, what + " at offset " + at + ": section name");
                long count = u32(at + 4) & 0xffffffffL;
                if (count == 0 || count > (end - at - SECTION_HEADER) / recordSize) {
                    throw new BtfException(what + " for section '" + section + "' at offset " + at + ": " + count
                            + " records of " + recordSize + " bytes do not fit in the " + (end - at - SECTION_HEADER)
                            + " bytes left");
                }
                List<T> records = bySection.computeIfAbsent(section, k -> new ArrayList<>());
                at += SECTION_HEADER;
                for (long i = 0; i < count; i++, at += recordSize) {
                    records.add(reader.read(at, what + " record " + i + " of section '" + section + "' at offset " + at));
                }
            }
            bySection.replaceAll((k, v) -> List.copyOf(v));
            return Collections.unmodifiableMap(bySection);
        }

        int u32(long at) {
            return data.get(U32, at);
        }

        int insn(long at, String where) {
            int offset = u32(at);
            if (offset < 0 || offset % 8 != 0) {
                throw new BtfException(where + ": instruction offset " + Integer.toUnsignedString(offset)
                        + " is not at an instruction (a multiple of 8 below 2^31)");
            }
            return offset;
        }

        int type(long at, String where) {
            int id = u32(at);
            if (Integer.compareUnsigned(id, btf.typeCount()) >= 0) {
                throw new BtfException(where + ": type id " + Integer.toUnsignedString(id)
                        + " is past the last type id " + (btf.typeCount() - 1));
            }
            return id;
        }

        int func(long at, String where) {
            int id = type(at, where);
            if (btf.kind(id) != BtfKind.FUNC) {
                throw new BtfException(where + ": type id " + id + " is a " + btf.kind(id) + ", not a FUNC");
            }
            return id;
        }

        CoreReloKind kind(long at, String where) {
            int kind = u32(at);
            CoreReloKind k = CoreReloKind.of(kind);
            if (k == null) {
                throw new BtfException(where + ": unknown CO-RE relocation kind " + Integer.toUnsignedString(kind));
            }
            return k;
        }

        String string(long at, String where) {
            try {
                return btf.string(u32(at));
            } catch (BtfException e) {
                throw new BtfException(where + ": " + e.getMessage());
            }
        }
    }
}
