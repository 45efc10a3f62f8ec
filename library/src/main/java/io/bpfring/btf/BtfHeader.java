package io.bpfring.btf;

import io.bpfring.BtfException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct btf_header}, checked as libbpf's {@code btf_parse_hdr} checks it: the type
 * section, then the optional layout section, then the string section, all inside the blob.
 * Offsets in the header count from its end; the {@code ...Start} values here from the blob's
 * start.
 *
 * @param length   {@code hdr_len}: 24, 32 with the layout section, or more
 * @param flags    the header's flags byte
 */
record BtfHeader(int length, int flags, long typesStart, int typeLength, long layoutStart, int layoutLength,
                 long stringsStart, int stringLength) {

    static BtfHeader parse(MemorySegment data) {
        if (data.byteSize() > Integer.MAX_VALUE) {
            throw new BtfException("BTF blob of " + data.byteSize() + " bytes is too large");
        }
        if (data.byteSize() < Btf.HEADER_MIN) {
            throw new BtfException("BTF header truncated: " + data.byteSize() + " bytes, the header alone takes "
                    + Btf.HEADER_MIN);
        }
        int magic = data.get(Btf.U16, 0) & 0xffff;
        if (magic == Integer.reverseBytes(Btf.MAGIC) >>> 16) {
            throw new BtfException("big-endian BTF: only little-endian BTF is read");
        }
        if (magic != Btf.MAGIC) {
            throw new BtfException(String.format("not BTF: magic 0x%04x at offset 0, expected 0x%04x", magic,
                    Btf.MAGIC));
        }
        int version = data.get(ValueLayout.JAVA_BYTE, 2) & 0xff;
        if (version != 1) {
            throw new BtfException("BTF version " + version + ", only version 1 is known");
        }
        int flags = data.get(ValueLayout.JAVA_BYTE, 3) & 0xff;
        long hdrLen = u32(data, 4);
        if (hdrLen < Btf.HEADER_MIN || hdrLen > data.byteSize()) {
            throw new BtfException("BTF header length " + hdrLen + " is not between " + Btf.HEADER_MIN
                    + " and the blob's " + data.byteSize() + " bytes");
        }
        long typeOff = u32(data, 8);
        long typeLen = u32(data, 12);
        long strOff = u32(data, 16);
        long strLen = u32(data, 20);
        long layoutOff = hdrLen >= Btf.HEADER_WITH_LAYOUT ? u32(data, 24) : 0;
        long layoutLen = hdrLen >= Btf.HEADER_WITH_LAYOUT ? u32(data, 28) : 0;
        long body = data.byteSize() - hdrLen;
        if (strOff + strLen > body) {
            throw new BtfException("BTF string section (offset " + strOff + ", " + strLen
                    + " bytes) runs past the end of the blob (" + body + " bytes after the header)");
        }
        if (typeOff + typeLen > strOff) {
            throw new BtfException("BTF type section (offset " + typeOff + ", " + typeLen
                    + " bytes) runs into the string section at offset " + strOff);
        }
        if (typeOff % 4 != 0) {
            throw new BtfException("BTF type section offset " + typeOff + " is not a multiple of 4");
        }
        if (layoutLen != 0 && (layoutOff % 4 != 0 || layoutOff < typeOff + typeLen
                || layoutOff + layoutLen > strOff)) {
            throw new BtfException("BTF layout section (offset " + layoutOff + ", " + layoutLen
                    + " bytes) is not 4-aligned between the type section and the string section");
        }
        return new BtfHeader((int) hdrLen, flags, hdrLen + typeOff, (int) typeLen, hdrLen + layoutOff,
                (int) layoutLen, hdrLen + strOff, (int) strLen);
    }

    private static long u32(MemorySegment data, long offset) {
        return data.get(Btf.U32, offset) & 0xffffffffL;
    }
}
