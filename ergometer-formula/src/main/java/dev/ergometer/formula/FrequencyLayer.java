package dev.ergometer.formula;

import dev.ergometer.json.JsonWriter;
import java.util.List;
import java.util.Map;

/**
 * One SmartWatts frequency layer: the power model for intervals whose mean package frequency falls in it, with the
 * samples it learns from and its recent errors. Mutable; owned by one sensor's formula.
 */
final class FrequencyLayer {

    private final PowerModel model;
    private final SampleHistory samples;
    private final ErrorHistory errors;

    FrequencyLayer(int frequencyMhz, SmartWattsSettings settings) {
        this(new PowerModel(frequencyMhz, settings.minSamplesRequired()), settings);
    }

    private FrequencyLayer(PowerModel model, SmartWattsSettings settings) {
        this.model = model;
        this.samples = new SampleHistory(settings.historyWindowSize());
        this.errors = new ErrorHistory(settings.errorWindowSize());
    }

    PowerModel model() {
        return model;
    }

    SampleHistory samples() {
        return samples;
    }

    ErrorHistory errors() {
        return errors;
    }

    /** Learns a new model from the samples (kept when its intercept is in range) and forgets the errors. */
    void update(double minIntercept, double maxIntercept) {
        model.learn(samples, minIntercept, maxIntercept);
        errors.clear();
    }

    boolean isEmpty() {
        return samples.size() == 0 && errors.size() == 0 && model.model().isEmpty();
    }

    void write(JsonWriter json) {
        json.beginObject().name("frequency").value(model.frequencyMhz());
        json.name("samples").beginArray();
        double[][] events = samples.events();
        double[] powers = samples.powers();
        for (int i = 0; i < powers.length; i++) {
            json.beginArray().value(powers[i]);
            for (double e : events[i]) {
                json.value(e);
            }
            json.endArray();
        }
        json.endArray().name("errors").beginArray();
        for (double e : errors.values()) {
            json.value(e);
        }
        json.endArray();
        json.name("hash").value(model.hash()).name("id").value(model.id());
        if (model.model().isPresent()) {
            LinearModel m = model.model().get();
            json.name("intercept").value(m.intercept()).name("coefficients").beginArray();
            for (double c : m.coefficients()) {
                json.value(c);
            }
            json.endArray();
        }
        json.endObject();
    }

    @SuppressWarnings("unchecked")
    static FrequencyLayer read(Map<String, Object> json, SmartWattsSettings settings) {
        int frequency = ((Number) json.get("frequency")).intValue();
        LinearModel linear = null;
        if (json.get("coefficients") instanceof List<?> coefficients) {
            linear = new LinearModel(((Number) json.get("intercept")).doubleValue(), doubles(coefficients));
        }
        PowerModel model = new PowerModel(frequency, settings.minSamplesRequired(), linear, (String) json.get("hash"),
                ((Number) json.get("id")).intValue());
        FrequencyLayer layer = new FrequencyLayer(model, settings);
        for (Object sample : (List<Object>) json.get("samples")) {
            double[] values = doubles((List<?>) sample);
            layer.samples.add(values[0], java.util.Arrays.copyOfRange(values, 1, values.length));
        }
        for (Object error : (List<Object>) json.get("errors")) {
            layer.errors.add(((Number) error).doubleValue());
        }
        return layer;
    }

    static double[] doubles(List<?> values) {
        double[] out = new double[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) values.get(i)).doubleValue();
        }
        return out;
    }
}
