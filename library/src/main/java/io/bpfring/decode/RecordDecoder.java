package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.ring.RecordView;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes records laid out as a C struct or union into JSON lines or table rows, from the type
 * as BTF (or DWARF read into the same model) describes it. Built once per type, then run for
 * every record: immutable and safe to share between threads, each with its own
 * {@link TextBuffer}.
 *
 * <pre>{@code
 * RecordDecoder events = RecordDecoder.forStruct(btf, "event");
 * TextBuffer out = new TextBuffer(System.out);
 * RingBufReader reader = RingBufReader.of(ringMap, view -> {
 *     events.writeJson(view, out);
 *     return true;
 * });
 * out.flush();
 * }</pre>
 *
 * <p>JSON: one object a line, field name to value. Integers are numbers, signed or not as the
 * type says (a {@code u64} above {@link Long#MAX_VALUE} in full, 128-bit ones too); {@code bool}
 * is {@code true}/{@code false}; an enum is its enumerator's name, or its number when no name
 * has that value; floats are numbers ({@code null} for NaN and infinities); pointers are hex
 * strings ({@code "0xffff8881003c2a40"}), which no JSON reader rounds, unlike numbers past 2^53;
 * char arrays are strings cut at the first NUL (control characters escaped, bytes that are not
 * UTF-8 replaced by U+FFFD); other arrays are arrays (of arrays, for more dimensions); a nested
 * struct or named union is an object; anonymous structs and unions are flattened into their
 * parent, as C lets one name their members; bitfields are their value. A trailing flexible array
 * ({@code char data[]}) takes what the record holds past the struct.
 *
 * <p>A record is untrusted. One shorter than the struct (tools send variable-length tails)
 * gives the fields it holds whole and leaves out the rest, and the write methods return
 * {@code false} so the caller can count or mark it; bytes past the struct are ignored. Nothing
 * is read outside {@code [offset, offset + length)}.
 */
public final class RecordDecoder {
    private final Shape.Struct shape;
    private final Plan plan;
    private final Table table;

    private RecordDecoder(Shape.Struct shape) {
        this.shape = shape;
        this.plan = new Plan(shape);
        this.table = new Table(plan);
    }

    /**
     * The decoder of the struct or union {@code name} (or a typedef of one; {@code "struct x"}
     * or {@code "union x"} to say which).
     *
     * @throws DecodeException if there is none, or it cannot be decoded
     */
    public static RecordDecoder forStruct(Btf btf, String name) {
        return forType(btf, ShapeCompiler.find(btf, name));
    }

    /** The decoder of type {@code id}, a struct or union or a typedef of one. */
    public static RecordDecoder forType(Btf btf, int id) {
        return new RecordDecoder(ShapeCompiler.compile(btf, id));
    }

    /** The type as C names it, e.g. {@code struct event}. */
    public String typeName() {
        return shape.cName();
    }

    /** The struct's size in bytes: a record at least this long holds every field. */
    public int size() {
        return shape.size();
    }

    /** The top-level field names, anonymous members' own included: the JSON keys and table columns. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        for (int i : plan.top()) {
            names.add(plan.op(i).name());
        }
        return names;
    }

    /**
     * Writes the record of {@code length} bytes at {@code offset} of {@code data} as one line of
     * JSON; returns whether it held the whole struct.
     *
     * @throws IndexOutOfBoundsException if the record is not inside {@code data}
     */
    public boolean writeJson(MemorySegment data, long offset, int length, TextBuffer out) {
        long limit = limit(data, offset, length);
        plan.record(data, offset, limit, out);
        out.endLine();
        return length >= shape.size();
    }

    /** Writes all of {@code record} as one line of JSON; returns whether it held the whole struct. */
    public boolean writeJson(MemorySegment record, TextBuffer out) {
        return writeJson(record, 0, length(record), out);
    }

    /** The record as a JSON object, without the newline: for tests and tools, not for every record. */
    public String toJson(MemorySegment record) {
        TextBuffer out = new TextBuffer();
        writeJson(record, out);
        out.truncate(out.length() - 1);
        return out.toString();
    }

    /**
     * Writes a ring record as one line of JSON, from the view a {@code RecordHandler} gets;
     * returns whether it held the whole struct.
     */
    public boolean writeJson(RecordView record, TextBuffer out) {
        return writeJson(record.data(), record.offset(), record.length(), out);
    }

    /** The table's header line, without a newline: the field names in capitals, padded to their columns. */
    public String tableHeader() {
        return table.header();
    }

    /** Writes the header line into {@code out}. */
    public void writeTableHeader(TextBuffer out) {
        out.put(table.headerBytes());
        out.endLine();
    }

    /**
     * Writes the record of {@code length} bytes at {@code offset} of {@code data} as one table
     * row; returns whether it held the whole struct (if not, the cells of missing fields are empty).
     */
    public boolean writeRow(MemorySegment data, long offset, int length, TextBuffer out) {
        table.row(data, offset, limit(data, offset, length), out);
        return length >= shape.size();
    }

    /** Writes the record that is all of {@code record} as one table row. */
    public boolean writeRow(MemorySegment record, TextBuffer out) {
        return writeRow(record, 0, length(record), out);
    }

    /** Writes a ring record as one table row, from the view a {@code RecordHandler} gets. */
    public boolean writeRow(RecordView record, TextBuffer out) {
        return writeRow(record.data(), record.offset(), record.length(), out);
    }

    /** Where reading must stop: the record's end. */
    private static long limit(MemorySegment data, long offset, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("record length " + length + " is negative");
        }
        Objects.checkFromIndexSize(offset, length, data.byteSize());
        return offset + length;
    }

    private static int length(MemorySegment record) {
        if (record.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a record of " + record.byteSize() + " bytes is larger than any ring's");
        }
        return (int) record.byteSize();
    }

    /** The compiled type, for the other views of the same struct. */
    Shape.Struct shape() {
        return shape;
    }

    @Override
    public String toString() {
        return "decoder of " + shape.cName() + " (" + shape.size() + " bytes)";
    }
}
