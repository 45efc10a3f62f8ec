/**
 * Internal: the one place that calls the native linker. Thin wrappers over bpf(2),
 * perf_event_open(2), mmap, epoll, eventfd, futex, ioctl, statx and close ({@link
 * io.bpfring.sys.Sys}, {@link io.bpfring.sys.Epoll}, {@link io.bpfring.sys.EventFd}); every
 * failure a {@link io.bpfring.SyscallException} naming the call and the errno. Kernel structs as
 * {@link java.lang.foreign.StructLayout}s ({@link io.bpfring.sys.BpfAttr}, {@link
 * io.bpfring.sys.PerfEvent}, ...), the one source of their offsets.
 *
 * <p>Not exported by the module, and no public signature of an exported package names one of
 * its types. It knows nothing of what BPF means: callers give each call its name for messages.
 */
package io.bpfring.sys;
