package dev.ergometer.junit;

import dev.ergometer.json.JsonWriter;
import dev.ergometer.meter.EnergyOrigin;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The energy one test invocation used, as its JSON report gives it.
 *
 * @param testId JUnit's unique id of the test
 * @param displayName the display names from the class down to the test, joined by {@code " > "}
 * @param className the class declaring the test method
 * @param methodName the test method
 * @param invocation the repetition or parameter set of a test template (from 1), or 0 for a plain test
 * @param startEpochSeconds when the invocation began, in seconds since the Unix epoch
 * @param durationSeconds how long the invocation took
 * @param energyJoules energy per domain id, in joules
 * @param origin the source of the numbers and whether they are estimated
 * @param passed false when the test method threw
 */
record TestEnergy(String testId, String displayName, String className, String methodName, int invocation,
        double startEpochSeconds, double durationSeconds, Map<String, Double> energyJoules, EnergyOrigin origin,
        boolean passed) {

    TestEnergy {
        Objects.requireNonNull(testId, "testId");
        Objects.requireNonNull(displayName, "displayName");
        Objects.requireNonNull(origin, "origin");
        energyJoules = Collections.unmodifiableMap(new LinkedHashMap<>(energyJoules));
    }

    /** The method this invocation belongs to, {@code class#method}: the repetitions of one test share it. */
    String methodKey() {
        return className + "#" + methodName;
    }

    /** Average power of a domain over the invocation, in watts (0 for an empty invocation). */
    double powerWatts(String domainId) {
        return durationSeconds == 0 ? 0 : energyJoules.get(domainId) / durationSeconds;
    }

    /** A file name for this test's report, unique among the tests of a run once {@code suffix} is added. */
    String fileStem() {
        String simple = className.substring(className.lastIndexOf('.') + 1).replace('$', '.');
        String stem = simple + "." + methodName + (invocation > 0 ? "-" + invocation : "");
        return stem.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    String toJson() {
        JsonWriter json = new JsonWriter().beginObject()
                .name("test_id").value(testId)
                .name("display_name").value(displayName)
                .name("class").value(className)
                .name("method").value(methodName);
        if (invocation > 0) {
            json.name("invocation").value(invocation);
        }
        json.name("passed").value(passed)
                .name("start").value(Instant.ofEpochMilli(Math.round(startEpochSeconds * 1e3)).toString())
                .name("duration_s").value(durationSeconds)
                .name("source").value(origin.source())
                .name("method_of_source").value(origin.method())
                .name("estimated").value(origin.estimated())
                .name("energy_j").beginObject();
        energyJoules.forEach((domain, joules) -> json.name(domain).value(joules));
        json.endObject().name("power_w").beginObject();
        energyJoules.keySet().forEach(domain -> json.name(domain).value(powerWatts(domain)));
        return json.endObject().endObject().toString() + "\n";
    }
}
