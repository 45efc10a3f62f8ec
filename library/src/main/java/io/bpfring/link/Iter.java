package io.bpfring.link;

import io.bpfring.bpf.AttachType;
import io.bpfring.bpf.BpfProgram;
import io.bpfring.bpf.ProgramType;
import io.bpfring.sys.BpfAttr;
import io.bpfring.Errno;
import io.bpfring.sys.Sys;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * BPF iterators ({@code SEC("iter/task")} ...): a {@link ProgramType#TRACING} program loaded
 * with TRACE_ITER and the BTF id of {@code bpf_iter_<name>} runs once for each kernel object of
 * that kind (task, file, map, socket ...) when its output is read, writing it with
 * {@code bpf_seq_write} or {@code bpf_seq_printf}. The link is the iterator; each
 * {@link #read} makes a fresh pass (BPF_ITER_CREATE) and reads it to the end.
 */
public final class Iter {
    private static final int BUFFER = 64 * 1024;

    private Iter() {
    }

    /** Attaches {@code program} as an iterator over every object of its kind. */
    public static Link attach(BpfProgram program) {
        Bpf.requireType(program, "an iterator", ProgramType.TRACING);
        String target = KernelBtf.attachTarget(program);
        String what = "iterator " + (target.startsWith("bpf_iter_") ? target.substring("bpf_iter_".length()) : target);
        int fd = Bpf.linkCreate(program, 0, AttachType.TRACE_ITER, 0, null, what, errno -> errno == Errno.EINVAL
                ? "the kernel refused the iterator: the program must be loaded with TRACE_ITER and the BTF id of a"
                + " bpf_iter_<name> function, and iterators over maps need the map (iterators need Linux 5.8)"
                : null);
        return new Link(program.name(), what, fd);
    }

    /** Runs the iterator once over every object and returns all it wrote. */
    public static byte[] read(Link iterator) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = BpfAttr.allocate(arena);
            BpfAttr.IterCreate.LINK_FD.set(attr, iterator.fd());
            int fd = Sys.bpfOrErrno(Bpf.ITER_CREATE, attr);
            if (fd < 0) {
                throw Bpf.failure("bpf(BPF_ITER_CREATE) of " + iterator, -fd, errno -> errno == Errno.EINVAL
                        ? "the link is no iterator: attach the program with Iter.attach" : null);
            }
            try {
                MemorySegment buffer = arena.allocate(BUFFER);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                for (long n; (n = Sys.read(fd, buffer)) != 0; ) {
                    if (n == -Errno.EINTR || n == -Errno.EAGAIN) {
                        continue;
                    }
                    if (n < 0) {
                        throw Bpf.failure("read(" + iterator + ")", (int) -n, errno -> errno == Errno.E2BIG
                                ? "the program wrote more for one object than a page holds" : null);
                    }
                    out.writeBytes(buffer.asSlice(0, n).toArray(JAVA_BYTE));
                }
                return out.toByteArray();
            } finally {
                Sys.close(fd);
            }
        }
    }
}
