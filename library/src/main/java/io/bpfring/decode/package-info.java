/**
 * Decoding records: the bytes a BPF program sends, laid out as a C struct, turned into JSON
 * lines, table rows, or typed Java values, from the struct's type (BTF, or DWARF read into the
 * same model).
 *
 * <p>{@link io.bpfring.decode.RecordDecoder} writes JSON and table rows into a reusable
 * {@link io.bpfring.decode.TextBuffer}: a struct's type is compiled once into a flat plan of
 * offsets, sizes and pre-encoded names, and each record runs the plan straight from the ring,
 * allocating nothing.
 *
 * <p>Records are untrusted: a record shorter than its struct decodes the whole fields it holds,
 * and nothing is ever read outside it. Types are untrusted too: one that cannot be decoded, or
 * whose offsets contradict its sizes, is a {@link io.bpfring.decode.DecodeException} when the
 * decoder is built, never when a record is decoded. Multi-byte values are little-endian, as is
 * the BTF this library reads.
 */
package io.bpfring.decode;
