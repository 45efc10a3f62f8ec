/**
 * Reads BPF ELF objects, the relocatable files clang writes for {@code -target bpf}: sections
 * and their names, the symbol table, {@code .rel} relocations, and section data as read-only
 * views of the file.
 *
 * {@snippet class=io.bpfring.elf.ElfExampleTest region=read}
 *
 * <p>It is a reader only: it does not interpret program sections, maps, BTF or relocations
 * (that is the loader's job), makes no system call besides reading the file, and reads 64-bit
 * little-endian objects only. Every field of the file is untrusted: anything out of range is an
 * {@link io.bpfring.ElfException} naming the field and where it is, never a read outside
 * the file.
 *
 * <p>{@link io.bpfring.elf.ElfBinary} reads the other kind of ELF file bpfring meets:
 * executables and shared libraries of any machine, whose function symbols and loadable
 * segments locate a uprobe.
 */
package io.bpfring.elf;
