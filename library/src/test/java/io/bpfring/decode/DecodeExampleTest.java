package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.elf.ElfFile;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The example of the package's documentation, compiled and run. */
class DecodeExampleTest {
    @Test
    void aRecordDecodedByItsStructToJson() throws IOException {
        Path path = Fixtures.object("execsnoop_perfbuf.bpf.o");
        // @start region=json
        Btf btf = Btf.parse(ElfFile.read(path).section(".BTF").orElseThrow().data());
        RecordDecoder events = RecordDecoder.forStruct(btf, "event");   // compiled once, 532 bytes

        // A record as the program writes it: struct event { pid_t pid; char comm[16]; char filename[512]; }
        MemorySegment record = Arena.ofAuto().allocate(events.size());
        record.set(JAVA_INT, 0, 4242);
        record.setString(4, "sh");
        record.setString(20, "/bin/sh");

        String json = events.toJson(record);     // {"pid":4242,"comm":"sh","filename":"/bin/sh"}
        // @end
        assertEquals("{\"pid\":4242,\"comm\":\"sh\",\"filename\":\"/bin/sh\"}", json);
    }
}
