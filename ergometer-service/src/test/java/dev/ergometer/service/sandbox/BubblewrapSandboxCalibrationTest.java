package dev.ergometer.service.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The calibration in the real sandbox, with the real python3 and JDK: the harness times the rounds of passes the
 * worker asks for, and each trial runs the passes chosen, between its start and end markers. The submissions count
 * their calls and fail on the first call of trial 2, which shows how many passes ran before.
 */
class BubblewrapSandboxCalibrationTest {

    static BubblewrapSandbox sandbox;

    @BeforeAll
    static void buildTheSandbox() throws IOException {
        sandbox = BubblewrapSandboxTest.buildRealSandbox();
    }

    /** Times rounds of 5 and 20 passes, then asks for 30 passes per trial; remembers what it saw. */
    static final class TimingListener implements TrialListener {
        final List<PassTimer.Round> rounds = new ArrayList<>();
        final List<Integer> started = new CopyOnWriteArrayList<>();
        final List<Long> trialNanos = new ArrayList<>();
        private final int passes;
        private long startedNanos;

        TimingListener(int passes) {
            this.passes = passes;
        }

        @Override
        public int passesPerTrial(PassTimer timer) {
            for (int round : new int[] {5, 20}) {
                var timed = timer.time(round);
                if (timed.isEmpty()) {
                    return 0;
                }
                rounds.add(timed.get());
            }
            return passes;
        }

        @Override
        public void trialStarted(int trial) {
            started.add(trial);
            startedNanos = System.nanoTime();
        }

        @Override
        public boolean trialEnded(int trial) {
            if (trial >= 0) {
                trialNanos.add(System.nanoTime() - startedNanos);
            }
            return true;
        }
    }

    // validation 1 + warmup 1 + rounds 5 + 20 + trials 0 and 1 of 30 passes: call 88 is trial 2's first.
    private static final int TRIAL_TWO_FIRST_CALL = 1 + 1 + 5 + 20 + 2 * 30 + 1;

    private static SandboxRequest request(Language language, String code, String entryPoint) {
        return new SandboxRequest(language, code, entryPoint, List.of(List.of(7)), 1, 5, Duration.ofSeconds(10),
                BubblewrapSandboxTest.MEMORY_BYTES, -1);
    }

    private static void assertCalibratedAndThirtyPassesPerTrial(SandboxResult result, TimingListener listener) {
        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.FAILED);
        assertThat(result.errorType()).as(result.errorMessage()).isEqualTo("RUNTIME");
        assertThat(result.errorMessage()).contains("call " + TRIAL_TWO_FIRST_CALL);
        assertThat(result.outputs()).containsExactly(7L);
        assertThat(result.trialsRun()).isEqualTo(2);
        assertThat(listener.started).containsExactly(-1, 0, 1, 2);
        assertThat(listener.rounds).extracting(PassTimer.Round::passes).containsExactly(5, 20);
        // each pass sleeps 1 ms: a round of N passes takes N ms or a little more
        assertThat(listener.rounds.get(0).nanos()).isBetween(5_000_000L, 60_000_000L);
        assertThat(listener.rounds.get(1).nanos()).isBetween(20_000_000L, 200_000_000L);
        assertThat(listener.rounds).allSatisfy(r -> assertThat(r.argumentBytes()).isPositive());
        assertThat(listener.trialNanos).as("30 passes of 1 ms between each trial's markers")
                .allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(30_000_000L));
    }

    @Test
    void pythonTimesTheRoundsAskedForAndRunsThePassesChosenInEachTrial() throws IOException {
        TimingListener listener = new TimingListener(30);

        SandboxResult result = sandbox.run(request(Language.PYTHON, """
                import time
                calls = 0
                def solve(x):
                    global calls
                    calls += 1
                    if calls == %d:
                        raise ValueError("call %%d" %% calls)
                    time.sleep(0.001)
                    return x
                """.formatted(TRIAL_TWO_FIRST_CALL), "solve"), listener);

        assertCalibratedAndThirtyPassesPerTrial(result, listener);
    }

    @Test
    void javaTimesTheRoundsAskedForAndRunsThePassesChosenInEachTrial() throws IOException {
        TimingListener listener = new TimingListener(30);

        SandboxResult result = sandbox.run(request(Language.JAVA, """
                public class Counted {
                    static int calls;
                    public static long solve(long x) throws InterruptedException {
                        calls++;
                        if (calls == %d) {
                            throw new IllegalStateException("call " + calls);
                        }
                        Thread.sleep(1);
                        return x;
                    }
                }
                """.formatted(TRIAL_TWO_FIRST_CALL), "Counted.solve"), listener);

        assertCalibratedAndThirtyPassesPerTrial(result, listener);
    }

    @Test
    void stoppingAtTheCalibrationRunsNoTrial() throws IOException {
        List<Integer> started = new CopyOnWriteArrayList<>();
        TrialListener stopper = new TrialListener() {
            @Override
            public int passesPerTrial(PassTimer timer) {
                return 0;
            }

            @Override
            public void trialStarted(int trial) {
                started.add(trial);
            }

            @Override
            public boolean trialEnded(int trial) {
                return true;
            }
        };

        SandboxResult result = sandbox.run(request(Language.PYTHON, "def solve(x):\n    return x\n", "solve"),
                stopper);

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(result.trialsRun()).isZero();
        assertThat(started).containsExactly(-1);
    }

    @Test
    void aSubmissionThatFakesTheHarnesssClockBreaksTheProtocol() throws IOException {
        TimingListener listener = new TimingListener(30);

        SandboxResult result = sandbox.run(request(Language.PYTHON, """
                import time
                _now = [0]
                def _fast_forward():
                    _now[0] += 10 ** 12
                    return _now[0]
                time.perf_counter_ns = _fast_forward
                def solve(x):
                    return x
                """, "solve"), listener);

        assertThat(result.errorType()).as(result.errorMessage()).isEqualTo("SECURITY");
        assertThat(result.errorMessage()).contains("protocol was broken during the calibration", "calibrated");
        assertThat(listener.rounds).isEmpty();
        assertThat(listener.started).containsExactly(-1);
    }
}
