package io.bpfring.decode;

import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The table form of a struct: a column for each top-level field, as wide as its type can print
 * (or its name, if longer), left-aligned and one space apart like the {@code %-16s} columns of
 * the BPF tools; the last column is not padded. A {@code char[16]} is 16 wide (longer char
 * arrays {@value #MAX_TEXT}), a {@code u32} 10, a pointer 18. Strings, enum names and pointers
 * are bare; nested structs and arrays are JSON in their cell. A field the record does not hold
 * is an empty cell. A cell wider than its column (JSON, a long string) pushes the next cells
 * right until slack in later cells takes the excess back.
 */
final class Table {
    /** Columns of longer char arrays (paths, argument buffers) are this wide: their strings are mostly shorter. */
    static final int MAX_TEXT = 32;

    private final Plan plan;
    private final int[] widths;
    private final String header;
    private final byte[] headerBytes;

    Table(Plan plan) {
        this.plan = plan;
        int[] top = plan.top();
        this.widths = new int[top.length];
        StringBuilder h = new StringBuilder();
        for (int c = 0; c < top.length; c++) {
            Plan.Op op = plan.op(top[c]);
            String name = CString.encode(op.name(), false).toUpperCase(Locale.ROOT);
            widths[c] = Math.max(width(op), name.codePointCount(0, name.length()));
            h.append(name);
            if (c < top.length - 1) {
                h.append(" ".repeat(widths[c] - name.codePointCount(0, name.length()) + 1));
            }
        }
        this.header = h.toString();
        this.headerBytes = header.getBytes(StandardCharsets.UTF_8);
    }

    String header() {
        return header;
    }

    byte[] headerBytes() {
        return headerBytes;
    }

    /** Writes one row of the record whose bytes up to {@code limit} are at {@code base}. */
    void row(MemorySegment s, long base, long limit, TextBuffer out) {
        int[] top = plan.top();
        int carry = 0;
        for (int c = 0; c < top.length; c++) {
            int start = out.length();
            Plan.Op op = plan.op(top[c]);
            long at = base + op.offset();
            if (at + op.size() <= limit) {
                plan.value(top[c], s, at, limit, out, false);
            }
            if (c < top.length - 1) {
                // A cell wider than its column pushes the next ones right; later slack takes it back.
                int pad = widths[c] - cellWidth(op, start, out) - carry;
                carry = Math.max(0, -pad);
                out.spaces(pad);
                out.put((byte) ' ');
            }
        }
        out.endLine();
    }

    /** Characters in the cell from {@code start}: only strings, and JSON holding them, may be other than ASCII. */
    private static int cellWidth(Plan.Op op, int start, TextBuffer out) {
        return op.shape() instanceof Shape.Scalar ? out.length() - start : out.codePointsSince(start);
    }

    /** The widest a value of the step's type prints. */
    private static int width(Plan.Op op) {
        return switch (op.shape()) {
            case Shape.Scalar sc -> switch (sc.kind()) {
                case INT -> digits(sc.bits(), sc.signed());
                case BOOL -> 5;
                case ENUM -> Math.max(sc.names().longest(), digits(sc.bits(), sc.signed()));
                case FLOAT -> sc.size() <= 4 ? 14 : 24;
                case POINTER -> 2 + 2 * sc.size();
            };
            case Shape.Text t -> Math.min(t.length(), MAX_TEXT);
            default -> 0;
        };
    }

    /** Characters of the widest integer of {@code bits} bits: its digits, and a sign if signed. */
    static int digits(int bits, boolean signed) {
        BigInteger max = BigInteger.ONE.shiftLeft(signed ? bits - 1 : bits);
        return max.toString().length() + (signed ? 1 : 0);
    }
}
