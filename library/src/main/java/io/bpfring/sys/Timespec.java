package io.bpfring.sys;

import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static io.bpfring.sys.Layouts.handle;
import static io.bpfring.sys.Layouts.s64;
import static io.bpfring.sys.Layouts.struct;

/**
 * {@code struct __kernel_timespec} (include/uapi/linux/time_types.h, Linux 6.18), the timeout of
 * futex(2) on 64-bit architectures.
 */
public final class Timespec {
    public static final StructLayout LAYOUT = struct(
            s64("tv_sec"),
            s64("tv_nsec"));
    public static final VarHandle TV_SEC = handle(LAYOUT, "tv_sec");
    public static final VarHandle TV_NSEC = handle(LAYOUT, "tv_nsec");

    private Timespec() {
    }
}
