package io.bpfring.sinks;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.concurrent.CountDownLatch;

/** Standard output that stalls (a terminal nobody reads) until released, then keeps what was written. */
final class BlockingOutput extends OutputStream {
    final ByteArrayOutputStream written = new ByteArrayOutputStream();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch stalled = new CountDownLatch(1);

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        stalled.countDown();
        boolean interrupted = false;
        while (true) {
            try {
                release.await(); // like a write to a pipe nobody reads: interrupts do not end it
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (written) {
            written.write(b, off, len);
        }
    }

    String text() {
        synchronized (written) {
            return written.toString(java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
