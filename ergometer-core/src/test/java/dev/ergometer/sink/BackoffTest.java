package dev.ergometer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.random.RandomGenerator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0.25, 8);

    @Test
    void delaysDoubleUpToTheMaximumWithoutJitter() {
        Backoff exact = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0, 8);
        RandomGenerator random = RandomGenerator.getDefault();

        assertThat(exact.delayNanos(1, random)).isEqualTo(100_000_000L);
        assertThat(exact.delayNanos(2, random)).isEqualTo(200_000_000L);
        assertThat(exact.delayNanos(4, random)).isEqualTo(800_000_000L);
        assertThat(exact.delayNanos(5, random)).isEqualTo(1_000_000_000L);
        assertThat(exact.budget()).isEqualTo(Duration.ofMillis(100 + 200 + 400 + 800 + 1000 + 1000 + 1000));
    }

    @Property
    void jitterOnlyShortensTheDelayByAtMostItsFraction(@ForAll @IntRange(min = 1, max = 40) int retry) {
        long delay = backoff.delayNanos(retry, RandomGenerator.getDefault());
        long exact = (long) Math.min(100_000_000L * Math.pow(2, retry - 1), 1_000_000_000L);

        assertThat(delay).isBetween((long) (exact * 0.75) - 1, exact);
    }

    @Test
    void nonsensePoliciesAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 0, 3))
                .withMessageContaining("initial <= max");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 0.5, 0, 3))
                .withMessageContaining("multiplier");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 1, 1, 3))
                .withMessageContaining("jitter");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Backoff(Duration.ZERO, Duration.ZERO, 1, 0, 0))
                .withMessageContaining("at least 1 attempt");
    }
}
