package io.bpfring.cli.run;

import io.bpfring.btf.Btf;
import io.bpfring.btf.BtfType;
import io.bpfring.decode.RecordDecoder;
import io.bpfring.decode.TextBuffer;
import io.bpfring.ring.RecordView;
import io.bpfring.sinks.SinkRecord;
import io.bpfring.sinks.TableFormat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.SequencedMap;

/**
 * Ring records as the sinks take them: the decoder's JSON line, copied out of the ring, the time
 * it was read, and as key the record's {@code pid} (or {@code tgid}) member when the struct has
 * an integer one. With the stdout table among the sinks, the decoder's row goes along.
 */
final class DecodedRecords {
    private final RecordDecoder decoder;
    private final boolean rows;
    private final int keyOffset;
    private final int keySize;
    private final TextBuffer text = new TextBuffer();

    /** The stdout table: the decoder's header, and the rows written with each record. */
    static TableFormat table(RecordDecoder decoder) {
        return new TableFormat() {
            @Override
            public String header() {
                return decoder.tableHeader();
            }

            @Override
            public String row(SinkRecord record) {
                return ((WithRow) record).row();
            }
        };
    }

    /**
     * @param struct the record's struct, for its key member
     * @param rows whether to write each record's table row too
     */
    DecodedRecords(RecordDecoder decoder, Btf btf, int struct, boolean rows) {
        this.decoder = decoder;
        this.rows = rows;
        int offset = -1;
        int size = 0;
        if (btf.type(struct) instanceof BtfType.Struct s) {
            for (String name : new String[] {"pid", "tgid"}) {
                for (BtfType.Member m : s.members()) {
                    if (offset < 0 && m.name().equals(name) && m.bitfieldSize() == 0 && m.bitOffset() % 8 == 0
                            && btf.type(btf.resolve(m.type())) instanceof BtfType.Int i && (i.size() == 4 || i.size() == 8)) {
                        offset = m.bitOffset() / 8;
                        size = i.size();
                    }
                }
            }
        }
        this.keyOffset = offset;
        this.keySize = size;
    }

    /** The record in the view, holding its own copy; on the reading thread. */
    SinkRecord read(RecordView view) {
        Instant now = Instant.now();
        long time = now.getEpochSecond() * 1_000_000_000L + now.getNano();
        decoder.writeJson(view, text);
        SinkRecord record = SinkRecord.ofJson(decoder.typeName(), line(), time, key(view));
        if (rows) {
            decoder.writeRow(view, text);
            return new WithRow(record, new String(line(), StandardCharsets.UTF_8));
        }
        return record;
    }

    /** The line in the buffer without its newline, and the buffer emptied. */
    private byte[] line() {
        byte[] line = Arrays.copyOf(text.array(), text.length() - 1);
        text.clear();
        return line;
    }

    private long key(RecordView view) {
        if (keyOffset < 0 || view.length() < keyOffset + keySize) {
            return SinkRecord.NO_KEY;
        }
        return keySize == 4 ? view.getInt(keyOffset) : view.getLong(keyOffset);
    }

    /** A record with its table row. */
    private record WithRow(SinkRecord record, String row) implements SinkRecord {
        @Override
        public String type() {
            return record.type();
        }

        @Override
        public SequencedMap<String, Object> fields() {
            return record.fields();
        }

        @Override
        public byte[] json() {
            return record.json();
        }

        @Override
        public long timeNanos() {
            return record.timeNanos();
        }

        @Override
        public long key() {
            return record.key();
        }
    }
}
