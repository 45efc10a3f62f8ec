package io.bpfring.link;

import io.bpfring.btf.TargetBtf;
import io.bpfring.object.BpfObject;
import io.bpfring.object.LoadOptions;
import io.bpfring.object.ObjectSpec;
import io.bpfring.testing.Fixtures;
import io.bpfring.testing.Kernel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * Loading an object and attaching its programs use one parse of the kernel's BTF: loading
 * relocates against and resolves attach points in {@link TargetBtf#kernel()}, and attaching names
 * what a loaded program attaches to from the same instance.
 */
class SharedKernelBtfTest {
    @Test
    void loadingAndAttachingShareOneParseOfTheKernelsBtf() throws IOException {
        Kernel.require();
        ObjectSpec spec = ObjectSpec.open(Fixtures.object("sections.bpf.o"));
        Set<String> wanted = Set.of("sec_tp_btf", "sec_raw_tp");
        spec.programs().forEach(p -> p.setAutoload(wanted.contains(p.name())));
        try (BpfObject o = spec.load(LoadOptions.defaults())) {
            o.attach("sec_tp_btf");
            o.attach("sec_raw_tp");
            TargetBtf kernel = TargetBtf.kernel();
            assertSame(kernel, TargetBtf.kernel(), "the kernel's BTF is parsed once and kept");
            assertSame(kernel.vmlinux(), KernelBtf.vmlinux(), "attaching reads the instance loading used");
        }
    }
}
