package dev.ergometer.mongodb;

import dev.ergometer.sink.Sample;
import java.util.Date;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bson.Document;

/**
 * A PowerAPI {@code PowerReport} as PowerAPI's MongoDB output stores it, built from one of Ergometer's power samples.
 *
 * <p>PowerAPI's MongoDB encoder stores {@code vars(report)}: {@code timestamp} (a Python {@code datetime}, which
 * pymongo writes as a BSON date), {@code sensor}, {@code target}, {@code metadata} (a free-form dict) and
 * {@code power} (watts, a float), in that order (powerapi-ng/powerapi, {@code src/powerapi/report/report.py},
 * {@code report/power_report.py} and {@code database/mongodb/codecs.py}). The document written here has exactly those
 * fields, with those BSON types, after a deterministic {@code _id}.
 *
 * <p>Targets follow SmartWatts (powerapi-ng/smartwatts-formula, {@code handler/hwpc_report.py}): the power a RAPL
 * counter measured for the whole machine is target {@value #MEASURED_MACHINE_TARGET}, the machine's power from a model
 * is target {@value #MODELLED_MACHINE_TARGET}, and a consumer's power is targeted at the consumer itself.
 */
final class PowerReportDocument {

    /** Ergometer's machine-wide power per domain; becomes a report targeted at the machine. */
    static final String MACHINE_POWER_METRIC = "ergometer_power_watts";

    /** Ergometer's power attributed to a consumer; becomes a report targeted at that consumer. */
    static final String CONSUMER_POWER_METRIC = "ergometer_consumer_power_watts";

    /** SmartWatts' target for the machine's power read from RAPL, its reference measurement. */
    static final String MEASURED_MACHINE_TARGET = "rapl";

    /** SmartWatts' target for the machine's power estimated by its model; also any non-RAPL machine-wide power. */
    static final String MODELLED_MACHINE_TARGET = "global";

    private static final String CONSUMER_LABEL = "consumer";
    private static final String DOMAIN_LABEL = "domain";
    private static final String SOCKET_LABEL = "socket";
    private static final String ESTIMATED_LABEL = "estimated";

    /** pyJoules' RAPL domain ids, as Ergometer's Domain names them. */
    private static final Pattern RAPL_DOMAIN = Pattern.compile("(package|core|uncore|dram)_\\d+|psys");
    private static final Pattern SOCKET_NUMBER = Pattern.compile("0|[1-9]\\d{0,8}");

    private PowerReportDocument() {
    }

    /**
     * The PowerReport document for {@code sample}, or empty when the sample is not a power report: any metric other
     * than the two power metrics, and consumer power without a {@code consumer} label (it names nobody to target).
     */
    static Optional<Document> of(Sample sample, String sensor) {
        Map<String, String> labels = sample.labels();
        String target;
        if (sample.metric().equals(MACHINE_POWER_METRIC)) {
            target = machineTarget(labels);
        } else if (sample.metric().equals(CONSUMER_POWER_METRIC) && labels.containsKey(CONSUMER_LABEL)) {
            target = labels.get(CONSUMER_LABEL);
        } else {
            return Optional.empty();
        }
        Date timestamp = new Date(sample.timestampMillis());
        Document metadata = new Document();
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (!label.getKey().equals(CONSUMER_LABEL)) {
                metadata.append(label.getKey(), metadataValue(label.getKey(), label.getValue()));
            }
        }
        return Optional.of(new Document("_id", id(sensor, target, timestamp, labels.get(DOMAIN_LABEL)))
                .append("timestamp", timestamp)
                .append("sensor", sensor)
                .append("target", target)
                .append("metadata", metadata)
                .append("power", sample.value()));
    }

    /**
     * The document's {@code _id}: sensor, target, timestamp and domain, the fields that make a report unique, so that
     * the same report written twice (a batch retried after a timeout) collides instead of being stored twice.
     */
    static Document id(String sensor, String target, Date timestamp, String domain) {
        return new Document("sensor", sensor)
                .append("target", target)
                .append("timestamp", timestamp)
                .append("domain", domain);
    }

    private static String machineTarget(Map<String, String> labels) {
        boolean estimated = "true".equals(labels.get(ESTIMATED_LABEL));
        String domain = labels.getOrDefault(DOMAIN_LABEL, "");
        return !estimated && RAPL_DOMAIN.matcher(domain).matches() ? MEASURED_MACHINE_TARGET : MODELLED_MACHINE_TARGET;
    }

    /**
     * A label's value as metadata: {@code socket} as an integer, as SmartWatts stores it, {@code estimated} as a
     * boolean, as Ergometer's other MongoDB documents store it; every other label as its string.
     */
    private static Object metadataValue(String name, String value) {
        if (name.equals(SOCKET_LABEL) && SOCKET_NUMBER.matcher(value).matches()) {
            return Integer.valueOf(value);
        }
        if (name.equals(ESTIMATED_LABEL) && (value.equals("true") || value.equals("false"))) {
            return Boolean.valueOf(value);
        }
        return value;
    }
}
