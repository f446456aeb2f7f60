package io.fulcrum.nativeio;

import io.fulcrum.testsupport.ThreadCpus;
import org.junit.jupiter.api.Test;

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
        assertThat(CpuList.parse(ThreadCpus.ofCallingThread())).containsExactly(Libc.allowedCpus());
    }
}
