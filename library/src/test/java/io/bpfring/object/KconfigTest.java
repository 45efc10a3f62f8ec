package io.bpfring.object;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KconfigTest {
    @Test
    void theRunningKernelsConfigurationAndVersion() throws IOException {
        Kconfig k = Kconfig.system();
        assertEquals(Optional.of("y"), k.value("CONFIG_BPF_SYSCALL"), "a kernel that runs these tests has BPF");
        assertEquals(Optional.empty(), k.value("CONFIG_FIXTURE_NOT_A_REAL_OPTION"));
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease"));
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)").matcher(release);
        assertTrue(m.lookingAt());
        if (!Files.exists(Path.of("/proc/version_signature"))
                && !Files.readString(Path.of("/proc/sys/kernel/version")).contains("Debian ")) {
            assertEquals(Kconfig.version(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3))), k.kernelVersion());
        }
    }

    @Test
    void versionsAreEncodedAsTheKernelEncodesThem() {
        assertEquals(0x06122c, Kconfig.version(6, 18, 44));
        assertEquals(0x0612ff, Kconfig.version(6, 18, 300), "the patch is capped at 255");
    }

    @Test
    void givenTextIsParsedLineByLine() {
        Kconfig k = Kconfig.of("# comment\nCONFIG_A=y\nCONFIG_B=\"text\"\nCONFIG_C=\nNOT_CONFIG=1\nCONFIG_A=n\n", 1);
        assertEquals(Optional.of("y"), k.value("CONFIG_A"), "the first setting wins, as libbpf reads it");
        assertEquals(Optional.of("\"text\""), k.value("CONFIG_B"));
        assertEquals(Optional.empty(), k.value("CONFIG_C"));
        assertEquals(Optional.empty(), k.value("NOT_CONFIG"));
        assertEquals(1, k.kernelVersion());
    }
}
