/**
 * Decoding records: the bytes a BPF program sends, laid out as a C struct, turned into JSON
 * lines, table rows, or typed Java values, from the struct's type (BTF, or DWARF read into the
 * same model).
 *
 * {@snippet class=io.bpfring.decode.DecodeExampleTest region=json}
 *
 * <ul>
 * <li>{@link io.bpfring.decode.RecordDecoder} writes JSON lines and table rows into a reusable
 * {@link io.bpfring.decode.TextBuffer}: the struct's type is compiled once into a flat plan of
 * offsets, sizes and pre-encoded names, and each record runs the plan straight from the ring,
 * allocating nothing.</li>
 * <li>{@link io.bpfring.decode.StructView} and {@link io.bpfring.decode.FieldAccessor} read
 * fields by name at run time, for code that knows the struct only then.</li>
 * <li>{@link io.bpfring.decode.RecordGenerator} writes the Java source of a record class for the
 * struct, with a view that reads fields in place, for code that knows it when it is built.</li>
 * </ul>
 *
 * <p>All three read the same compiled form of the type, so they agree on every value: typedefs
 * and qualifiers resolved, anonymous structs and unions flattened into their parent, bitfields
 * located, every offset checked to lie inside the struct.
 *
 * <p>Records are untrusted: a record shorter than its struct decodes the whole fields it holds,
 * and nothing is ever read outside it. Types are untrusted too: one that cannot be decoded, or
 * whose offsets contradict its sizes, is a {@link io.bpfring.decode.DecodeException} when the
 * decoder is built, never when a record is decoded. Multi-byte values are little-endian, as is
 * the BTF this library reads.
 */
package io.bpfring.decode;
