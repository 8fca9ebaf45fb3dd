package dev.ergometer.formula;

import dev.ergometer.fleet.HwpcEvents;
import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.fleet.PowerReport;
import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PowerAPI's SmartWatts formula (powerapi-ng/smartwatts-formula, {@code handler/hwpc_report.py} and {@code model/}):
 * per socket and per scope (CPU: {@code RAPL_ENERGY_PKG}, DRAM: {@code RAPL_ENERGY_DRAM}), a power model per CPU
 * frequency layer, learnt online against RAPL.
 *
 * <p>For each tick, once {@link SmartWattsSettings#ticksWaited()} newer ticks arrived, and only when the tick has the
 * machine report ({@code all}) and at least one target:
 * <ol>
 *   <li>RAPL power: the reference event of the socket's first CPU × 2<sup>-32</sup> J over the report interval;
 *       reported as target {@code rapl};</li>
 *   <li>the package's mean frequency: {@code int(base frequency × mean APERF / mean MPERF)} over the socket's CPUs of
 *       the {@code msr} group (a tick whose MPERF is 0 ends here); the layer is the highest layer frequency not above
 *       it;</li>
 *   <li>the events: each target's {@code core} events of the socket summed over its CPUs ({@code time_*} left out),
 *       sorted by name; the machine's are the sum over all targets;</li>
 *   <li>without a model yet, the sample (RAPL power, machine events) is stored and a model learnt when there are
 *       enough; otherwise the machine's power is predicted (target {@code global}), each target's predicted and
 *       capped ({@link PowerModel#cap}), the sample and the error {@code |rapl - global|} stored, and a model learnt
 *       again when the error window's median exceeds the threshold.</li>
 * </ol>
 * Learning: {@link ElasticNet} with non-negative coefficients over the layer's sample history, with an intercept only
 * once the history is full; a model whose intercept is not in {@code [0, TDP)} is discarded.
 *
 * <p>Where PowerAPI would stop with an error, this formula goes on and says so in its log: without an {@code msr}
 * group (Ergometer's own sensors have none) the base frequency's layer is used; a socket without the reference event,
 * or a frequency below the lowest layer, gives the RAPL report only; a target without events on a socket gets no
 * report for it; events missing in a target count 0; a tick whose event names differ from those a layer learnt with
 * gives the RAPL report only.
 */
public final class SmartWattsFormula implements Formula {

    /** The formula's name. */
    public static final String NAME = "smartwatts";

    private static final Logger LOG = LoggerFactory.getLogger(SmartWattsFormula.class);

    private final SmartWattsSettings settings;

    public SmartWattsFormula(SmartWattsSettings settings) {
        this.settings = settings;
    }

    public SmartWattsSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SensorFormula start(String sensor) {
        return new Sensor(new TickBuffer(settings.ticksWaited()), new TreeMap<>(), new TreeMap<>());
    }

    @Override
    @SuppressWarnings("unchecked")
    public SensorFormula restore(String sensor, String stateJson) {
        Map<String, Object> json = JsonReader.object(stateJson);
        if (!NAME.equals(json.get("formula"))) {
            throw new IllegalArgumentException("state of sensor " + sensor + " was written by formula "
                    + json.get("formula") + ", not " + NAME + "; a group's workers must all run the same formula");
        }
        TreeMap<String, TreeMap<Integer, FrequencyLayer>> layers = new TreeMap<>();
        TreeMap<String, List<String>> eventNames = new TreeMap<>();
        for (var scope : ((Map<String, Object>) json.get("scopes")).entrySet()) {
            Map<String, Object> scopeJson = (Map<String, Object>) scope.getValue();
            eventNames.put(scope.getKey(), ((List<Object>) scopeJson.get("events")).stream()
                    .map(String.class::cast).toList());
            TreeMap<Integer, FrequencyLayer> byFrequency = new TreeMap<>();
            for (Object layer : (List<Object>) scopeJson.get("layers")) {
                FrequencyLayer restored = FrequencyLayer.read((Map<String, Object>) layer, settings);
                byFrequency.put(restored.model().frequencyMhz(), restored);
            }
            layers.put(scope.getKey(), byFrequency);
        }
        return new Sensor(TickBuffer.read((Map<String, Object>) json.get("ticks"), settings.ticksWaited()), layers,
                eventNames);
    }

    /** One sensor's ticks and, per "scope/socket", its layers (created when first used) and event names. */
    private final class Sensor implements SensorFormula {

        private final TickBuffer ticks;
        private final TreeMap<String, TreeMap<Integer, FrequencyLayer>> layers;
        private final TreeMap<String, List<String>> eventNames;

        Sensor(TickBuffer ticks, TreeMap<String, TreeMap<Integer, FrequencyLayer>> layers,
                TreeMap<String, List<String>> eventNames) {
            this.ticks = ticks;
            this.layers = layers;
            this.eventNames = eventNames;
        }

        @Override
        public List<PowerReport> accept(HwpcReport report) {
            List<PowerReport> out = new ArrayList<>();
            for (TickBuffer.Tick tick : ticks.add(report)) {
                process(tick, out);
            }
            return out;
        }

        private void process(TickBuffer.Tick tick, List<PowerReport> out) {
            Map<String, HwpcReport> targets = new LinkedHashMap<>(tick.reports());
            HwpcReport machine = targets.remove(HwpcReport.MACHINE_TARGET);
            if (machine == null) {
                LOG.warn("SmartWatts: tick {} of sensor {} has no machine report ('all'); skipped",
                        tick.timestampMillis(), tick.reports().values().iterator().next().sensor());
                return;
            }
            if (targets.isEmpty()) {
                return;
            }
            var rapl = machine.groups().get(HwpcEvents.RAPL_GROUP);
            if (rapl == null) {
                return;
            }
            for (String socket : rapl.keySet()) {
                if (settings.cpuFormula()) {
                    processScope(tick.timestampMillis(), "cpu", settings.cpuRaplEvent(),
                            settings.cpuErrorThreshold(), socket, machine, targets, out);
                }
                if (settings.dramFormula()) {
                    processScope(tick.timestampMillis(), "dram", settings.dramRaplEvent(),
                            settings.dramErrorThreshold(), socket, machine, targets, out);
                }
            }
        }

        private void processScope(long timestamp, String scope, String raplEvent, double errorThreshold,
                String socket, HwpcReport machine, Map<String, HwpcReport> targets, List<PowerReport> out) {
            SortedMap<String, SortedMap<String, Double>> raplCpus = machine.cpus(HwpcEvents.RAPL_GROUP, socket);
            if (raplCpus.isEmpty() || !raplCpus.get(raplCpus.firstKey()).containsKey(raplEvent)) {
                return;
            }
            int socketNumber;
            try {
                socketNumber = Integer.parseInt(socket);
            } catch (NumberFormatException e) {
                return;
            }
            String domain = (scope.equals("cpu") ? "package_" : "dram_") + socketNumber;
            double raplPower = HwpcEvents.joules(raplCpus.get(raplCpus.firstKey()).get(raplEvent))
                    / (settings.reportsFrequencyMillis() / 1000.0);
            out.add(report(timestamp, machine, PowerReport.RAPL_TARGET, domain, scope, socketNumber, raplEvent,
                    raplPower, 1.0));

            Optional<Integer> frequency = packageFrequencyMhz(machine, socket);
            if (frequency.isEmpty()) {
                LOG.debug("SmartWatts: tick {} of {}: package frequency of socket {} is invalid (MPERF 0)",
                        timestamp, machine.sensor(), socket);
                return;
            }
            String key = scope + "/" + socket;
            TreeMap<Integer, FrequencyLayer> scopeLayers = layers.computeIfAbsent(key, k -> new TreeMap<>());
            Integer layerFrequency = null;
            for (int f : settings.topology().supportedFrequenciesMhz()) {
                if (f <= frequency.get()) {
                    layerFrequency = f;
                }
            }
            if (layerFrequency == null) {
                LOG.warn("SmartWatts: tick {} of {}: package frequency {} MHz is below the lowest layer ({} MHz)",
                        timestamp, machine.sensor(), frequency.get(), settings.topology().minFrequencyMhz());
                return;
            }
            int lf = layerFrequency;
            FrequencyLayer layer = scopeLayers.computeIfAbsent(lf, f -> new FrequencyLayer(f, settings));

            Map<String, TreeMap<String, Double>> targetEvents = new LinkedHashMap<>();
            TreeMap<String, Double> global = new TreeMap<>();
            for (HwpcReport target : targets.values()) {
                SortedMap<String, SortedMap<String, Double>> cpus = target.cpus(HwpcEvents.CORE_GROUP, socket);
                if (cpus.isEmpty()) {
                    continue;
                }
                TreeMap<String, Double> events = new TreeMap<>();
                for (SortedMap<String, Double> cpu : cpus.values()) {
                    for (var event : cpu.entrySet()) {
                        if (!event.getKey().startsWith("time_")) {
                            events.merge(event.getKey(), event.getValue(), Double::sum);
                        }
                    }
                }
                targetEvents.put(target.target(), events);
                events.forEach((name, value) -> global.merge(name, value, Double::sum));
            }
            if (global.isEmpty()) {
                return;
            }
            List<String> names = List.copyOf(new TreeSet<>(global.keySet()));
            List<String> learntWith = eventNames.putIfAbsent(key, names);
            if (learntWith != null && !learntWith.equals(names)) {
                LOG.warn("SmartWatts: tick {} of {}: events {} differ from those the {} models of socket {} learn "
                        + "with ({}); only the RAPL power is reported", timestamp, machine.sensor(), names, scope,
                        socket, learntWith);
                return;
            }
            double[] globalValues = values(global, names);
            PowerModel model = layer.model();
            if (model.model().isEmpty()) {
                layer.samples().add(raplPower, globalValues);
                layer.update(0.0, settings.topology().tdpWatts());
                return;
            }
            LinearModel linear = model.model().get();
            double rawGlobal = linear.predict(globalValues);
            out.add(report(timestamp, machine, PowerReport.GLOBAL_TARGET, domain, scope, socketNumber, model.hash(),
                    rawGlobal, 1.0));
            for (var target : targetEvents.entrySet()) {
                double rawTarget = linear.predict(values(target.getValue(), names));
                PowerModel.Capped capped = PowerModel.cap(rawTarget, rawGlobal, linear.intercept());
                out.add(report(timestamp, targets.get(target.getKey()), target.getKey(), domain, scope, socketNumber,
                        model.hash(), capped.powerWatts(), capped.ratio()));
            }
            double error = Math.abs(raplPower - rawGlobal);
            layer.samples().add(raplPower, globalValues);
            layer.errors().add(error);
            if (layer.errors().summary(settings.errorWindowMethod()) > errorThreshold) {
                layer.update(0.0, settings.topology().tdpWatts());
            }
        }

        /** {@code int(base × mean APERF / mean MPERF)}, the base frequency without an msr group, empty for MPERF 0. */
        private Optional<Integer> packageFrequencyMhz(HwpcReport machine, String socket) {
            SortedMap<String, SortedMap<String, Double>> msr = machine.cpus(HwpcEvents.MSR_GROUP, socket);
            int base = settings.topology().baseFrequencyMhz();
            if (msr.isEmpty()) {
                return Optional.of(base);
            }
            double aperf = 0;
            double mperf = 0;
            int aperfCount = 0;
            int mperfCount = 0;
            for (SortedMap<String, Double> cpu : msr.values()) {
                if (cpu.containsKey(HwpcEvents.APERF)) {
                    aperf += cpu.get(HwpcEvents.APERF);
                    aperfCount++;
                }
                if (cpu.containsKey(HwpcEvents.MPERF)) {
                    mperf += cpu.get(HwpcEvents.MPERF);
                    mperfCount++;
                }
            }
            if (aperfCount == 0 || mperfCount == 0 || mperf == 0) {
                return Optional.empty();
            }
            double frequency = (base * (aperf / aperfCount)) / (mperf / mperfCount);
            return Double.isFinite(frequency) ? Optional.of((int) frequency) : Optional.empty();
        }

        @Override
        public String stateJson() {
            JsonWriter json = new JsonWriter(false).beginObject().name("formula").value(NAME).name("ticks");
            ticks.write(json);
            json.name("scopes").beginObject();
            for (var scope : layers.entrySet()) {
                json.name(scope.getKey()).beginObject().name("events").beginArray();
                for (String name : eventNames.getOrDefault(scope.getKey(), List.of())) {
                    json.value(name);
                }
                json.endArray().name("layers").beginArray();
                for (FrequencyLayer layer : scope.getValue().values()) {
                    if (!layer.isEmpty()) {
                        layer.write(json);
                    }
                }
                json.endArray().endObject();
            }
            return json.endObject().endObject().toString();
        }
    }

    private static double[] values(Map<String, Double> events, List<String> names) {
        double[] values = new double[names.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = events.getOrDefault(names.get(i), 0.0);
        }
        return values;
    }

    private static PowerReport report(long timestamp, HwpcReport source, String target, String domain, String scope,
            int socket, String formula, double power, double ratio) {
        TreeMap<String, Object> metadata = new TreeMap<>(source.metadata());
        metadata.put("scope", scope);
        metadata.put("socket", (long) socket);
        metadata.put("formula", formula);
        metadata.put("ratio", ratio);
        return new PowerReport(timestamp, source.sensor(), target, domain, power, metadata);
    }
}
