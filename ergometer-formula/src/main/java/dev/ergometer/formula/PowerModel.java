package dev.ergometer.formula;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The power model of one SmartWatts frequency layer: learnt from the layer's sample history with a non-negative
 * {@link ElasticNet}, with an id that counts the models learnt and a hash that names the current one (the
 * {@code formula} of SmartWatts' power reports). Mutable; owned by one {@link FrequencyLayer}.
 */
final class PowerModel {

    /** The hash of a layer that has learnt nothing yet, as SmartWatts names it. */
    static final String UNINITIALIZED = "uninitialized";

    private final int frequencyMhz;
    private final int minSamples;
    private LinearModel model;
    private String hash = UNINITIALIZED;
    private int id;

    PowerModel(int frequencyMhz, int minSamples) {
        this.frequencyMhz = frequencyMhz;
        this.minSamples = minSamples;
    }

    /** A model restored from its state. */
    PowerModel(int frequencyMhz, int minSamples, LinearModel model, String hash, int id) {
        this(frequencyMhz, minSamples);
        this.model = model;
        this.hash = hash;
        this.id = id;
    }

    /**
     * Learns a model from {@code history} when it holds at least the minimum of samples: with an intercept only when
     * the history is full, and kept only when the intercept is in {@code [minIntercept, maxIntercept)}.
     */
    void learn(SampleHistory history, double minIntercept, double maxIntercept) {
        if (history.size() < minSamples || history.size() == 0) {
            return;
        }
        boolean fitIntercept = history.size() == history.capacity();
        LinearModel learnt = ElasticNet.smartWatts(fitIntercept).fit(history.events(), history.powers());
        if (!(minIntercept <= learnt.intercept() && learnt.intercept() < maxIntercept)) {
            return;
        }
        model = learnt;
        id++;
        hash = hash(frequencyMhz, id, learnt);
    }

    /** The current model, or empty before the first one was learnt (scikit-learn's NotFittedError). */
    Optional<LinearModel> model() {
        return Optional.ofNullable(model);
    }

    /**
     * A target's power capped by the machine's, SmartWatts' {@code cap_power_estimation}: the intercept (the power
     * nobody in particular draws) is shared in proportion to the targets' dynamic power. With
     * {@code t = raw target - intercept} and {@code g = raw global - intercept}: nothing when either is {@code <= 0};
     * otherwise ratio {@code t / g} and power {@code t + ratio × intercept}.
     */
    static Capped cap(double rawTargetWatts, double rawGlobalWatts, double intercept) {
        double target = rawTargetWatts - intercept;
        double global = rawGlobalWatts - intercept;
        if (global <= 0.0 || target <= 0.0) {
            return new Capped(0.0, 0.0);
        }
        double ratio = target / global;
        return new Capped(target + ratio * intercept, ratio);
    }

    int frequencyMhz() {
        return frequencyMhz;
    }

    String hash() {
        return hash;
    }

    int id() {
        return id;
    }

    private static String hash(int frequencyMhz, int id, LinearModel model) {
        ByteBuffer bytes = ByteBuffer.allocate(16 + 8 * model.features());
        bytes.putInt(frequencyMhz).putInt(id).putDouble(model.intercept());
        for (double c : model.coefficients()) {
            bytes.putDouble(c);
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes.array()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JDK has no SHA-1, which every JDK must have", e);
        }
    }

    /** A capped power and its ratio of the machine's dynamic power. */
    record Capped(double powerWatts, double ratio) {
    }
}
