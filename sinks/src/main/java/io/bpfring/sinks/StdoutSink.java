package io.bpfring.sinks;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code stdout} (a table) and {@code stdout:json} (one JSON object a line). */
final class StdoutSink extends Sink {
    private final boolean json;
    private final PrintStream out;
    private final TableFormat table;
    private boolean headerDone;

    StdoutSink(String name, boolean json, OnFull onFull, int capacity, SinkOptions options) {
        super(name, onFull, capacity, options.err());
        this.json = json;
        this.out = options.out();
        this.table = json ? null : options.table();
    }

    @Override
    void open(SinkOptions options) {
    }

    @Override
    void write(List<SinkRecord> batch) {
        long written = 0;
        for (SinkRecord record : batch) {
            if (json) {
                byte[] line = record.json();
                out.write(line, 0, line.length);
                out.write('\n');
                written += line.length + 1;
            } else {
                header(record);
                String row = table.row(record);
                out.println(row);
                written += row.getBytes(StandardCharsets.UTF_8).length + 1;
            }
        }
        // checkError flushes: each batch reaches the terminal or pipe as soon as it is written.
        if (out.checkError()) {
            failed(batch.size(), new IOException("standard output is closed or failing"));
        } else {
            delivered(batch.size(), written);
        }
    }

    /** Prints the table's header once: at the first record, or before any if its columns are fixed. */
    private void header(SinkRecord first) {
        if (!headerDone) {
            String header = first == null ? table.header() : table.header(first);
            if (header != null) {
                out.println(header);
                headerDone = true;
            }
        }
    }

    @Override
    void idle() {
        if (!json) {
            header(null);
        }
        out.flush();
    }

    @Override
    void finish() {
        if (!gaveUp()) {
            out.flush(); // not on a stream that a stuck write still holds
        }
    }
}
