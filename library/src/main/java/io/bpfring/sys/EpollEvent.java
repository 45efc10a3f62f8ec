package io.bpfring.sys;

import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;

import static io.bpfring.sys.Layouts.elementHandle;
import static io.bpfring.sys.Layouts.struct;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * {@code struct epoll_event} (include/uapi/linux/eventpoll.h, Linux 6.18): {@code __u32 events;
 * __u64 data;}. The header declares it packed on x86_64 ({@code EPOLL_PACKED}: 12 bytes, data at
 * 4, no alignment) and naturally aligned elsewhere (16 bytes, data at 8). Handles index an array of events.
 */
public final class EpollEvent {
    private static final boolean PACKED = System.getProperty("os.arch").matches("amd64|x86_64");

    public static final StructLayout LAYOUT = struct(
            (PACKED ? JAVA_INT_UNALIGNED : JAVA_INT).withName("events"),
            (PACKED ? JAVA_LONG_UNALIGNED : JAVA_LONG).withName("data"));
    public static final VarHandle EVENTS = elementHandle(LAYOUT, "events");
    public static final VarHandle DATA = elementHandle(LAYOUT, "data");

    private EpollEvent() {
    }
}
