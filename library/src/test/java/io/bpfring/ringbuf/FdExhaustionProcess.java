package io.bpfring.ringbuf;

import io.bpfring.memring.MemoryRing;
import io.bpfring.perf.PerfBufReader;

import io.bpfring.bpf.BpfMap;
import io.bpfring.Errno;
import io.bpfring.sys.Sys;
import io.bpfring.SyscallException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Makes readers and writers with only a few fd slots free, so that a constructor fails after it
 * has opened some of its fds, for the hygiene test. Run in a process of its own with a low fd
 * limit: for each kind and for 0 to 4 free slots it takes every other slot, makes one and closes
 * it, and prints {@code KIND FREE OUTCOME LEFT}: OUTCOME is {@code ok} or the errno (else the
 * exception) of the failure, LEFT the slots free afterwards, which must be FREE again.
 */
public final class FdExhaustionProcess {
    private FdExhaustionProcess() {
    }

    public static void main(String[] args) throws Exception {
        try (BpfMap ring = BpfMap.ringBuf("exhaust_rb", 16 * 1024);
             BpfMap userRing = BpfMap.userRingBuf("exhaust_urb", 16 * 1024);
             BpfMap perf = BpfMap.perfEventArray("exhaust_pb")) {
            Map<String, Supplier<AutoCloseable>> kinds = new LinkedHashMap<>();
            kinds.put("ringbuf", () -> RingBufReader.of(ring, r -> true));
            kinds.put("perfbuf", () -> PerfBufReader.builder(perf).pagesPerCpu(1).onSample((cpu, s) -> true).open());
            kinds.put("userringbuf", () -> new UserRingBufWriter(userRing));
            kinds.put("memoryring", () -> MemoryRing.inMemory(4096));
            // Everything once with fds to spare, a failure too: a class loaded later would need a
            // file opened when there is no slot for it.
            for (Supplier<AutoCloseable> kind : kinds.values()) {
                kind.get().close();
            }
            new SyscallException("warm-up", Errno.EMFILE).errnoName();
            fillAll().forEach(Sys::close);
            for (Map.Entry<String, Supplier<AutoCloseable>> kind : kinds.entrySet()) {
                for (int free = 0; free <= 4; free++) {
                    List<Integer> fillers = fillAll();
                    for (int i = 0; i < free; i++) {
                        Sys.close(fillers.removeLast());
                    }
                    String outcome = "ok";
                    try {
                        kind.getValue().get().close();
                    } catch (RuntimeException e) {
                        // An errno, or a file the reader reads that it could not open.
                        outcome = e instanceof SyscallException sys ? sys.errnoName() : e.getClass().getSimpleName();
                    }
                    List<Integer> left = fillAll();
                    left.forEach(Sys::close);
                    fillers.forEach(Sys::close);
                    System.out.println(kind.getKey() + " " + free + " " + outcome + " " + left.size());
                }
            }
        }
    }

    /** Opens /dev/null until no fd slot is left; returns the fds, lowest first. */
    private static List<Integer> fillAll() {
        List<Integer> fds = new ArrayList<>();
        while (true) {
            try {
                fds.add(Sys.open("/dev/null", false));
            } catch (SyscallException e) {
                if (e.errno() != Errno.EMFILE) {
                    throw e;
                }
                return fds;
            }
        }
    }
}
