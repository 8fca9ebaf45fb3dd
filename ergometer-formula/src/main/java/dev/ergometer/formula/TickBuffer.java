package dev.ergometer.formula;

import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.json.JsonWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The reports of one sensor grouped by tick (timestamp), held until enough newer ticks arrived that no report of the
 * oldest is expected any more; PowerAPI's {@code ticks} of its HWPC report handler. Ticks leave in the order they first
 * arrived. A report for a target already in its tick replaces it (a report sent twice counts once); a report for a tick
 * already processed is dropped and counted (PowerAPI would process it as a new, partial tick). Mutable.
 */
final class TickBuffer {

    private final int ticksWaited;
    private final LinkedHashMap<Long, LinkedHashMap<String, HwpcReport>> ticks = new LinkedHashMap<>();
    private long lastProcessedMillis = Long.MIN_VALUE;
    private long lateReports;

    /** A buffer that releases its oldest tick once more than {@code ticksWaited} ticks are held. */
    TickBuffer(int ticksWaited) {
        if (ticksWaited < 1) {
            throw new IllegalArgumentException("at least one tick is held, got " + ticksWaited);
        }
        this.ticksWaited = ticksWaited;
    }

    /** Adds a report and returns the ticks it completes (oldest first), usually none or one. */
    List<Tick> add(HwpcReport report) {
        if (report.timestampMillis() <= lastProcessedMillis && !ticks.containsKey(report.timestampMillis())) {
            lateReports++;
            return List.of();
        }
        ticks.computeIfAbsent(report.timestampMillis(), t -> new LinkedHashMap<>()).put(report.target(), report);
        List<Tick> ready = new ArrayList<>(1);
        while (ticks.size() > ticksWaited) {
            Iterator<Map.Entry<Long, LinkedHashMap<String, HwpcReport>>> oldest = ticks.entrySet().iterator();
            Map.Entry<Long, LinkedHashMap<String, HwpcReport>> tick = oldest.next();
            oldest.remove();
            lastProcessedMillis = Math.max(lastProcessedMillis, tick.getKey());
            ready.add(new Tick(tick.getKey(), tick.getValue()));
        }
        return ready;
    }

    /** Reports dropped because their tick had been processed already. */
    long lateReports() {
        return lateReports;
    }

    void write(JsonWriter json) {
        json.beginObject().name("lastProcessed").value(lastProcessedMillis).name("late").value(lateReports)
                .name("pending").beginArray();
        for (Map<String, HwpcReport> tick : ticks.values()) {
            for (HwpcReport report : tick.values()) {
                json.value(report.toJson());
            }
        }
        json.endArray().endObject();
    }

    static TickBuffer read(Map<String, Object> json, int ticksWaited) {
        TickBuffer buffer = new TickBuffer(ticksWaited);
        for (Object report : (List<?>) json.get("pending")) {
            HwpcReport r = HwpcReport.fromJson((String) report);
            buffer.ticks.computeIfAbsent(r.timestampMillis(), t -> new LinkedHashMap<>()).put(r.target(), r);
        }
        buffer.lastProcessedMillis = ((Number) json.get("lastProcessed")).longValue();
        buffer.lateReports = ((Number) json.get("late")).longValue();
        return buffer;
    }

    /**
     * One tick of a sensor: its reports by target, in arrival order.
     *
     * @param timestampMillis the tick's timestamp
     * @param reports the reports by target
     */
    record Tick(long timestampMillis, Map<String, HwpcReport> reports) {
    }
}
