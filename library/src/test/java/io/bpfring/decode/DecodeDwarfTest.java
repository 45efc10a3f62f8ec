package io.bpfring.decode;

import io.bpfring.btf.Btf;
import io.bpfring.dwarf.DwarfTypes;
import io.bpfring.elf.ElfFile;
import io.bpfring.testing.Fixtures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Structs that clang put in DWARF, read into the same type model: decoded as their {@code .BTF}
 * twins are, and where only DWARF has them (the reserve/submit tracer's event, core.bpf.o's
 * {@code core_event}), decoded at all.
 */
class DecodeDwarfTest {
    private static Btf dwarf(String object) throws IOException {
        return DwarfTypes.read(ElfFile.read(Fixtures.object(object)));
    }

    @Test
    void eventOnlyInDwarf() throws IOException {
        RecordDecoder events = RecordDecoder.forStruct(dwarf("execsnoop_ringbuf_reserve.bpf.o"), "event");
        assertEquals(532, events.size());
        assertEquals("{\"pid\":3232062,\"comm\":\"sh\",\"filename\":\"/bin/sh\"}",
                events.toJson(Records.execEvent(3232062, "sh", "/bin/sh")));
    }

    /** Field values of the README's table for one getpgid call (here made up, but of the right kinds). */
    @Test
    void coreEventOnlyInDwarf() throws IOException {
        RecordDecoder core = RecordDecoder.forStruct(dwarf("core.bpf.o"), "core_event");
        assertEquals(136, core.size());
        Records r = Records.of(136).u32(0, 4242).u32(4, 4243).u32(8, 1).u32(12, 4242).u32(16, 4242).u32(20, 17)
                .u32(24, 0x400040).u32(28, 120).u32(32, 120).u32(36, 0).u64(40, 123_000_000_000L)
                .str(48, "java").str(64, "java").u32(80, 16).u32(84, 1).u32(92, 1).u32(100, 1).u32(108, 2)
                .u32(112, 114).u32(116, 12).u32(120, 3264).u32(132, 1264);
        assertEquals("{\"pid\":4242,\"tid\":4243,\"ppid\":1,\"pgid\":4242,\"sid\":4242,\"nr_threads\":17,"
                + "\"flags\":4194368,\"prio\":120,\"static_prio\":120,\"state\":0,\"start_time\":123000000000,"
                + "\"comm\":\"java\",\"leader_comm\":\"java\",\"comm_size\":16,\"has_pid_field\":1,\"has_old_state\":0,"
                + "\"has_old_flavour_type\":1,\"has_absent_type\":0,\"has_pgid_enum\":1,\"has_absent_enum\":0,"
                + "\"pgid_enum_value\":2,\"task_struct_kernel_id\":114,\"task_struct_local_id\":12,"
                + "\"task_struct_size\":3264,\"sched_reset_on_fork\":0,\"in_execve\":0,\"pid_offset\":1264}",
                core.toJson(r.segment()));
    }

    /**
     * Every kind of member, from DWARF: the same JSON as from .BTF, for the sample and random
     * records, but where clang 14 tells the two apart. Its BTF cannot say that an enum is signed
     * (LLVM 15 added that) where its DWARF does: a value of {@code enum decode_color} (which has
     * -1) that no enumerator has is negative from DWARF, the same 32 bits unsigned from BTF.
     */
    @Test
    void sampleFromDwarfAsFromBtf() throws IOException {
        RecordDecoder fromBtf = RecordDecoder.forStruct(DecodeSampleTest.BTF, "decode_sample");
        RecordDecoder fromDwarf = RecordDecoder.forStruct(dwarf("decode.bpf.o"), "decode_sample");
        assertEquals(DecodeSampleTest.SAMPLE_JSON, fromDwarf.toJson(MemorySegment.ofArray(DecodeSampleTest.SAMPLE)));
        assertEquals(fromBtf.tableHeader(), fromDwarf.tableHeader());
        Random random = new Random(9);
        for (int i = 0; i < 200; i++) {
            byte[] bytes = new byte[random.nextInt(230)];
            random.nextBytes(bytes);
            MemorySegment record = MemorySegment.ofArray(bytes);
            Map<String, Object> btf = Json.object(fromBtf.toJson(record));
            Map<String, Object> dwarf = Json.object(fromDwarf.toJson(record));
            for (String e : new String[] {"color", "unknown"}) {
                if (btf.get(e) instanceof BigInteger b && dwarf.get(e) instanceof BigInteger d) {
                    assertEquals(b.longValue() & 0xffffffffL, d.longValue() & 0xffffffffL, e);
                    dwarf.put(e, b);
                }
            }
            assertEquals(btf, dwarf);
        }
    }
}
