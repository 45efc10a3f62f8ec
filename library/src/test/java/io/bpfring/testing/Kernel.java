package io.bpfring.testing;

import io.bpfring.SyscallException;
import io.bpfring.bpf.BpfMap;
import org.junit.jupiter.api.Assumptions;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Kernel tests call {@link #require()} first. Without BPF they skip and say why; with
 * BPFRING_REQUIRE_KERNEL=1 (as CI sets it) they fail instead, so no kernel test skips silently.
 */
public final class Kernel {
    private static String unavailable;
    private static boolean checked;

    private Kernel() {
    }

    public static synchronized void require() {
        if (!checked) {
            checked = true;
            try (BpfMap probe = BpfMap.array("probe", 8, 1)) {
                unavailable = null;
            } catch (SyscallException | UnsatisfiedLinkError | UnsupportedOperationException e) {
                unavailable = "BPF is not available here: " + e.getMessage();
            }
        }
        if (unavailable != null) {
            if ("1".equals(System.getenv("BPFRING_REQUIRE_KERNEL"))) {
                fail(unavailable + " (BPFRING_REQUIRE_KERNEL=1 forbids skipping)");
            }
            Assumptions.abort(unavailable);
        }
    }
}
