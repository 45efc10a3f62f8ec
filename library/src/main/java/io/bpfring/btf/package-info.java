/**
 * BTF, the BPF Type Format: the type and string tables of {@code .BTF} (an object's own types,
 * or the running kernel's {@code /sys/kernel/btf/vmlinux}, or a module's split BTF on top of
 * it), the {@code .BTF.ext} records of an object (func_info, line_info, CO-RE relocations), C
 * renderings of types, and writing a type table back to bytes for the kernel.
 *
 * {@snippet class=io.bpfring.btf.BtfExampleTest region=kernel}
 *
 * <p>Parsing keeps the input's bytes and an array of type offsets; a type becomes a
 * {@link io.bpfring.btf.BtfType} record only when asked for. Types refer to each other by id,
 * never by object, so reference cycles cost nothing and a whole vmlinux is never inflated.
 *
 * <p>It does not load BTF into the kernel or read DWARF, and it
 * reads little-endian BTF only. Input is untrusted: anything out of range, unknown or cyclic is
 * a {@link io.bpfring.BtfException} naming the type id or offset, never a read outside the
 * input.
 */
package io.bpfring.btf;
