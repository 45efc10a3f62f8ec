/**
 * bpfring: the Linux BPF ring buffer in pure Java, on the Foreign Function and Memory API.
 *
 * <p>Exported, the API: {@code io.bpfring} (the error family, the reader type), {@code ring}
 * (the ring buffer protocol over memory you give it), {@code ringbuf} (kernel ring buffers and
 * user ring buffers), {@code perf} (perf buffers), {@code memring} (rings of Java producers),
 * {@code bpf} (maps, programs, tracepoints), {@code asm} (the assembler), {@code link}
 * (attaching programs), {@code elf}, {@code btf}, {@code dwarf} and {@code object} (reading and
 * loading BPF objects), {@code decode} (records by their BTF types), {@code flow} (any reader's
 * records as a {@code Flow.Publisher}). Not exported: {@code sys},
 * the one place that calls the native linker, and {@code internal}, what the readers share.
 *
 * <p>The library calls the kernel through the native linker, so a program that uses it from
 * the module path runs with {@code --enable-native-access=io.bpfring} (on the class path,
 * {@code --enable-native-access=ALL-UNNAMED}).
 */
module io.bpfring {
    exports io.bpfring;
    exports io.bpfring.asm;
    exports io.bpfring.bpf;
    exports io.bpfring.btf;
    exports io.bpfring.decode;
    exports io.bpfring.dwarf;
    exports io.bpfring.elf;
    exports io.bpfring.flow;
    exports io.bpfring.link;
    exports io.bpfring.memring;
    exports io.bpfring.object;
    exports io.bpfring.perf;
    exports io.bpfring.ring;
    exports io.bpfring.ringbuf;
}
