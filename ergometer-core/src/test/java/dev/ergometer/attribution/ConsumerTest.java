package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConsumerTest {

    @Test
    void processesWithTheSamePidButAnotherStartTimeDiffer() {
        assertThat(new Consumer.Process(42, 100, "a")).isNotEqualTo(new Consumer.Process(42, 200, "a"));
        assertThat(new Consumer.Process(42, 100, "a")).isEqualTo(new Consumer.Process(42, 100, "renamed"));
    }

    @Test
    void processLabelNamesCommandAndPid() {
        assertThat(new Consumer.Process(7, 1, "my (weird) cmd").label()).isEqualTo("my (weird) cmd (pid 7)");
        assertThat(new Consumer.Process(7, 1, "x").id()).isEqualTo("process/7@1");
    }

    @Test
    void cgroupAcceptsASlashlessPathAndRejectsDotDot() {
        assertThat(Consumer.Cgroup.of("slice/group").path()).isEqualTo("/slice/group");
        assertThatThrownBy(() -> Consumer.Cgroup.of("/a/../b")).hasMessageContaining("'..'");
        assertThatThrownBy(() -> new Consumer.Cgroup("/a/")).hasMessageContaining("trailing");
    }

    @Test
    void containerIdMustBeHexadecimal() {
        assertThatThrownBy(() -> new Consumer.Container("docker", "not-hex")).hasMessageContaining("hexadecimal");
        Consumer.Container c = new Consumer.Container("docker", "0123456789ab".repeat(5) + "cdef");
        assertThat(c.label()).isEqualTo("0123456789ab (docker)");
        assertThat(c.withName("web").label()).isEqualTo("web (docker)");
        assertThat(c.withName("web")).isEqualTo(c);
    }

    @Test
    void podNeedsADashedUid() {
        assertThatThrownBy(() -> new Consumer.Pod("0123_4567", Consumer.QosClass.BURSTABLE))
                .hasMessageContaining("pod UID");
        assertThat(new Consumer.Pod("01234567-89ab-cdef-0123-456789abcdef", Consumer.QosClass.BEST_EFFORT).label())
                .isEqualTo("pod 01234567-89ab-cdef-0123-456789abcdef (BestEffort)");
    }

    @Test
    void hostIsOne() {
        assertThat(new Consumer.Host()).isEqualTo(new Consumer.Host());
        assertThat(new Consumer.Host().kind()).isEqualTo(Consumer.Kind.HOST);
    }
}
