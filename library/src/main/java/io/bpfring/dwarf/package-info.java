/**
 * Reads the types a BPF object describes in DWARF ({@code .debug_info}, versions 2 to 5) into
 * the BTF type model, for types clang leaves out of {@code .BTF}: a ring buffer's event struct
 * that is only ever used through a pointer, for one.
 *
 * {@snippet class=io.bpfring.dwarf.DwarfExampleTest region=types}
 *
 * <p>It reads types only (base types, structs, unions, enums, typedefs, arrays, pointers,
 * qualifiers, function types), not functions, variables, locations, line tables or call frames,
 * and not split DWARF, type units or supplementary files. Input is untrusted: anything out of
 * range or malformed is a {@link io.bpfring.dwarf.DwarfException} naming the section and
 * offset.
 */
package io.bpfring.dwarf;
