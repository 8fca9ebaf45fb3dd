package dev.ergometer.service;

import dev.ergometer.service.sandbox.PassTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How long a trial must last for the energy counters to measure it, and how many passes over the test cases make it
 * that long: the rule behind {@code repetitions_per_trial}.
 *
 * <p>A trial lasts at least {@link #minimumSeconds()}: {@code MIN_TRIAL_S} (0.1 s by default), and never less than
 * the counters resolve ({@link CounterResolution#minimumTrialSeconds}: {@value CounterResolution#STEPS} updates and
 * {@value CounterResolution#STEPS} steps at idle power). It lasts at most {@link #maximumSeconds()}:
 * {@value #MAX_TRIAL_SECONDS} s, and half the time limit of a run ({@code timeout_seconds}), which the sandbox also
 * applies to each trial. The calibration times passes in the sandbox, in rounds that grow (at least twice, at most
 * {@value #MAX_GROWTH} times per round) until a round lasts a quarter of the minimum, and never takes the first round
 * alone (the first pass may be cold) unless it already lasted the maximum. Then it times rounds of a whole trial's
 * passes (at most {@value #MAX_CONFIRMATIONS}) until two in a row agree within 10% on the time per pass, so that a
 * just-in-time compiler, caches and the memory of many fresh arguments have shown their effect. From the shorter time
 * per pass of the last two rounds, a trial runs {@value #MARGIN} times the minimum's worth of passes, so that it lasts
 * the minimum even when passes speed up a little; and no more passes than keep a trial within the maximum, their
 * fresh arguments within a quarter of the memory limit and the making of those arguments within a quarter of the
 * time limit; at least one.
 *
 * @param minimumSeconds the shortest trial the counters measure well
 * @param maximumSeconds the longest trial allowed
 * @param minimumReason what sets the minimum, for messages
 * @param memoryBytes the submission's memory limit
 * @param timeLimitSeconds the time limit of one run of all the test cases ({@code timeout_seconds})
 */
record TrialLength(double minimumSeconds, double maximumSeconds, String minimumReason, long memoryBytes,
        double timeLimitSeconds) {

    /** MIN_TRIAL_S's default. */
    static final Duration DEFAULT_MINIMUM = Duration.ofMillis(100);
    /** The longest trial, whatever the time limit. */
    static final int MAX_TRIAL_SECONDS = 10;
    /** How many minimums' worth of passes a trial runs. */
    static final double MARGIN = 1.2;
    /** The most a calibration round grows over the one before. */
    static final int MAX_GROWTH = 10;
    /** The most rounds that grow. */
    static final int MAX_ROUNDS = 30;
    /** The most rounds of a whole trial's passes after them. */
    static final int MAX_CONFIRMATIONS = 6;
    /** How closely two rounds must agree on the time per pass. */
    static final double AGREEMENT = 0.1;
    /** What rounding up forgives, so that 1.2 x 0.1 s / 30 ms gives 4 passes and not 5. */
    private static final double ROUNDING = 1e-9;
    /** The most passes of one trial, whatever else. */
    static final int MAX_PASSES = 10_000_000;

    TrialLength {
        if (!(minimumSeconds > 0) || !(maximumSeconds > 0) || memoryBytes <= 0 || !(timeLimitSeconds > 0)) {
            throw new IllegalArgumentException("a trial length needs positive bounds, memory and time limit, got "
                    + minimumSeconds + " s, " + maximumSeconds + " s, " + memoryBytes + " bytes, "
                    + timeLimitSeconds + " s");
        }
    }

    /**
     * The rule for one measurement.
     *
     * @param setting {@code MIN_TRIAL_S}
     * @param counters the resolution of the package and RAM counters
     * @param idleWatts their idle power
     * @param timeLimit the request's {@code timeout_seconds}
     * @param memoryBytes the request's memory limit
     */
    static TrialLength of(Duration setting, CounterResolution counters, double idleWatts, Duration timeLimit,
            long memoryBytes) {
        double configured = setting.toNanos() / 1e9;
        double resolved = counters.minimumTrialSeconds(idleWatts);
        double timeLimitSeconds = timeLimit.toNanos() / 1e9;
        String reason = resolved > configured
                ? String.format(Locale.ROOT, "%d updates of counters that update every %s s, or %d steps of %s J at"
                        + " the idle power of %s W", CounterResolution.STEPS, round(counters.updateIntervalSeconds()),
                        CounterResolution.STEPS, round(counters.resolutionJoules()), round(idleWatts))
                : "MIN_TRIAL_S";
        return new TrialLength(Math.max(configured, resolved), Math.min(MAX_TRIAL_SECONDS, timeLimitSeconds / 2),
                reason, memoryBytes, timeLimitSeconds);
    }

    /**
     * What the calibration chose.
     *
     * @param passes the passes over the test cases each trial runs
     * @param secondsPerPass the time of one pass in the last calibration round
     * @param rounds the calibration rounds, in order
     * @param shortfall why trials will last less than the minimum, when they will
     */
    record Calibration(int passes, double secondsPerPass, List<PassTimer.Round> rounds, Optional<String> shortfall) {

        Calibration {
            rounds = List.copyOf(rounds);
        }
    }

    /**
     * Times passes through {@code timer} and chooses the passes per trial.
     *
     * @return empty when the submission failed during a round
     */
    Optional<Calibration> calibrate(PassTimer timer) {
        double roundSeconds = targetSeconds() / 4;
        List<PassTimer.Round> rounds = new ArrayList<>();
        int passes = 1;
        while (true) { // rounds that grow until one lasts a quarter of a trial
            Optional<PassTimer.Round> timed = timer.time(passes);
            if (timed.isEmpty()) {
                return Optional.empty();
            }
            PassTimer.Round round = timed.get();
            rounds.add(round);
            double seconds = round.nanos() / 1e9;
            double cap = cap(round).passes();
            boolean longEnough = seconds >= roundSeconds && rounds.size() >= 2;
            if (longEnough || seconds >= maximumSeconds || passes >= cap || rounds.size() >= MAX_ROUNDS) {
                break;
            }
            if (seconds < roundSeconds) {
                double growth = seconds > 0 ? MARGIN * roundSeconds / seconds : MAX_GROWTH;
                growth = Math.min(MAX_GROWTH, Math.max(2, growth));
                passes = (int) Math.min(cap, Math.ceil(passes * growth));
            }
            // else: the first round was long enough but may have been cold: time the same passes again
        }
        Calibration chosen = choose(rounds);
        for (int i = 0; i < MAX_CONFIRMATIONS && !settled(rounds, chosen.passes()); i++) {
            Optional<PassTimer.Round> timed = timer.time(chosen.passes()); // a whole trial's passes
            if (timed.isEmpty()) {
                return Optional.empty();
            }
            rounds.add(timed.get());
            chosen = choose(rounds);
        }
        return Optional.of(chosen);
    }

    /** The length a trial aims at: the minimum, unless that is beyond the maximum. */
    private double targetSeconds() {
        return Math.min(minimumSeconds, maximumSeconds);
    }

    /**
     * Whether the last round ran about a trial's {@code passes} and agreed within {@value #AGREEMENT} with the one
     * before it on the time per pass: a just-in-time compiler, caches and memory have then shown their effect.
     */
    private static boolean settled(List<PassTimer.Round> rounds, int passes) {
        if (rounds.size() < 2) {
            return false;
        }
        double last = rounds.getLast().secondsPerPass();
        double before = rounds.get(rounds.size() - 2).secondsPerPass();
        return rounds.getLast().passes() >= (1 - AGREEMENT) * passes
                && Math.abs(last - before) <= AGREEMENT * Math.max(last, before);
    }

    /**
     * The passes per trial after these rounds: from the shorter time per pass of the last two (so that a trial lasts
     * the minimum even when passes run faster than in one of them), within the caps of the last round.
     */
    Calibration choose(List<PassTimer.Round> rounds) {
        PassTimer.Round round = rounds.getLast();
        double perPass = rounds.size() >= 2
                ? Math.min(round.secondsPerPass(), rounds.get(rounds.size() - 2).secondsPerPass())
                : round.secondsPerPass();
        Cap cap = cap(round);
        double wanted = perPass > 0 ? Math.ceil(MARGIN * targetSeconds() / perPass - ROUNDING) : MAX_PASSES;
        int passes = (int) Math.max(1, Math.min(cap.passes(), Math.min(wanted, MAX_PASSES)));
        Optional<String> shortfall = Optional.empty();
        if (passes * perPass < minimumSeconds) {
            String why = minimumSeconds > maximumSeconds
                    ? String.format(Locale.ROOT, "the counters need trials of %s s (%s) but a trial may last at most"
                            + " %s s (%d s, and half of timeout_seconds)", round(minimumSeconds), minimumReason,
                            round(maximumSeconds), MAX_TRIAL_SECONDS)
                    : cap.reason();
            shortfall = Optional.of(String.format(Locale.ROOT, "a trial of %d passes of %s s lasts about %s s, under"
                    + " the %s s the counters need: %s", passes, round(perPass), round(passes * perPass),
                    round(minimumSeconds), why));
        }
        return new Calibration(passes, perPass, rounds, shortfall);
    }

    /** The most passes a trial may run after {@code round}, and what limits them. */
    private Cap cap(PassTimer.Round round) {
        List<Cap> caps = new ArrayList<>();
        caps.add(new Cap(MAX_PASSES, "at most " + MAX_PASSES + " passes"));
        double perPass = round.secondsPerPass();
        if (perPass > 0) {
            caps.add(new Cap(maximumSeconds / perPass, "a trial may last at most " + round(maximumSeconds) + " s"));
        }
        if (round.argumentBytes() > 0) {
            caps.add(new Cap(memoryBytes / 4.0 / round.argumentBytes(), String.format(Locale.ROOT, "the fresh"
                    + " arguments of one pass take %d bytes and those of a trial at most a quarter of the memory"
                    + " limit (memory_limit_mb)", round.argumentBytes())));
        }
        double argumentSecondsPerPass = round.argumentNanos() / 1e9 / round.passes();
        if (argumentSecondsPerPass > 0) {
            caps.add(new Cap(timeLimitSeconds / 4 / argumentSecondsPerPass, String.format(Locale.ROOT, "making the"
                    + " fresh arguments of one pass takes %s s and those of a trial at most a quarter of"
                    + " timeout_seconds", round(argumentSecondsPerPass))));
        }
        Cap least = caps.getFirst();
        for (Cap cap : caps) {
            if (cap.passes() < least.passes()) {
                least = cap;
            }
        }
        return new Cap(Math.max(1, Math.floor(least.passes())), least.reason());
    }

    private record Cap(double passes, String reason) {
    }

    private static String round(double value) {
        return String.format(Locale.ROOT, "%.3g", value);
    }
}
