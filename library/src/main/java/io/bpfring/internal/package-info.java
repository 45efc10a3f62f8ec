/**
 * Internal: what the library's packages share that is no part of its API. {@link
 * io.bpfring.internal.PollLoop} is the poll loop of both kernel readers (one epoll, wake-up
 * through an eventfd, a close any thread may call); {@link io.bpfring.internal.UseCount} keeps
 * memory alive while calls use it, whichever thread closes; {@link
 * io.bpfring.internal.RecordViews} lets the perf buffer's consumer make and point record views,
 * whose constructor and setter the {@code ring} package keeps to itself.
 *
 * <p>Not exported by the module. It makes no system call of its own ({@code sys} does) and
 * knows no ring format.
 */
package io.bpfring.internal;
