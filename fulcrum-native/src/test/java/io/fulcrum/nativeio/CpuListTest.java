package io.fulcrum.nativeio;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CPU lists read and written as the kernel does. */
class CpuListTest {

    @Test
    void rangesAndSinglesAreRead() {
        assertThat(CpuList.parse("0-3,5")).containsExactly(0, 1, 2, 3, 5);
        assertThat(CpuList.parse("7")).containsExactly(7);
        assertThat(CpuList.parse("")).isEmpty();
        assertThat(CpuList.parse("5,1-2,2")).containsExactly(1, 2, 5);
    }

    @Test
    void theShortestListIsWritten() {
        assertThat(CpuList.format(0, 1, 2, 3, 5)).isEqualTo("0-3,5");
        assertThat(CpuList.format(1)).isEqualTo("1");
        assertThat(CpuList.format()).isEmpty();
        assertThat(CpuList.format(4, 0, 2, 1)).isEqualTo("0-2,4");
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> CpuList.parse("0-")).hasMessageContaining("not a CPU list");
        assertThatThrownBy(() -> CpuList.parse("3-1")).hasMessageContaining("not a CPU list");
        assertThatThrownBy(() -> CpuList.parse("a")).hasMessageContaining("not a CPU list");
    }

    @Test
    void theKernelsListIsTheCpusSchedGetaffinityReports() throws Exception {
        String list = Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow();
        assertThat(CpuList.parse(list.substring(list.indexOf(':') + 1))).containsExactly(Libc.allowedCpus());
    }
}
