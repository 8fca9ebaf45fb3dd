package dev.ergometer.agent;

import dev.ergometer.prometheus.MetricFamily;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkQueueCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The metric families of /metrics, built from the agent's latest state and counters (names in docs/agent.md). */
final class AgentMetrics {

    private AgentMetrics() {
    }

    static List<MetricFamily> of(Agent agent) {
        AgentState state = agent.state();
        long now = System.currentTimeMillis();
        List<Sample> energy = AgentSamples.energy(state, now);
        List<Sample> power = AgentSamples.power(state, now);
        List<Sample> consumers = AgentSamples.consumerPower(state, now);
        List<Sample> sent = new ArrayList<>();
        List<Sample> retried = new ArrayList<>();
        List<Sample> dropped = new ArrayList<>();
        List<Sample> queued = new ArrayList<>();
        for (Map.Entry<String, SinkQueueCounts> sink : agent.sinkCounts().entrySet()) {
            SinkQueueCounts counts = sink.getValue();
            sent.add(Sample.of("ergometer_sink_sent_samples_total", counts.sentSamples(), now, "sink", sink.getKey()));
            retried.add(Sample.of("ergometer_sink_retried_samples_total", counts.retriedSamples(), now,
                    "sink", sink.getKey()));
            dropped.add(Sample.of("ergometer_sink_dropped_samples_total", counts.droppedSamples(), now,
                    "sink", sink.getKey()));
            queued.add(Sample.of("ergometer_sink_queued_batches", counts.queuedBatches(), now, "sink", sink.getKey()));
        }
        return List.of(
                MetricFamily.counter("ergometer_energy_joules", "joules",
                        "Energy used per domain since the agent started.", energy),
                MetricFamily.counter("ergometer_carbon_grams", "grams",
                        "Grams of CO2e of each domain's energy since the agent started, at GRID_INTENSITY_G_PER_KWH"
                                + " (domains overlap: never add them).", AgentSamples.carbon(state, now)),
                MetricFamily.counter("ergometer_cost", "",
                        "What each domain's energy since the agent started cost at PRICE_PER_KWH, in the currency"
                                + " label (domains overlap: never add them).", AgentSamples.cost(state, now)),
                MetricFamily.gauge("ergometer_power_watts", "watts",
                        "Average power per domain over the latest sample interval.", power),
                MetricFamily.gauge("ergometer_consumer_power_watts", "watts",
                        "Average power per domain over the latest attributed interval of the top "
                                + Agent.TOP_CONSUMERS + " processes, every container and every pod.", consumers),
                MetricFamily.gauge("ergometer_source_info", "",
                        "The energy source; estimated=true when its numbers come from a model.",
                        List.of(Sample.of("ergometer_source_info", 1, now, "source", state.source(),
                                "estimated", Boolean.toString(state.estimated()), "method", state.method()))),
                MetricFamily.counter("ergometer_agent_samples", "", "Samples the agent has taken.",
                        List.of(Sample.of("ergometer_agent_samples_total", agent.samplesTaken(), now))),
                MetricFamily.counter("ergometer_agent_sample_failures", "",
                        "Samples that failed because the source could not be read.",
                        List.of(Sample.of("ergometer_agent_sample_failures_total", agent.sampleFailures(), now))),
                MetricFamily.counter("ergometer_agent_attributions", "", "Attributed intervals the agent has taken.",
                        List.of(Sample.of("ergometer_agent_attributions_total", agent.attributionsTaken(), now))),
                MetricFamily.counter("ergometer_sink_sent_samples", "", "Samples a sink accepted.", sent),
                MetricFamily.counter("ergometer_sink_retried_samples", "",
                        "Samples sent again after a retryable failure, once per retry.", retried),
                MetricFamily.counter("ergometer_sink_dropped_samples", "",
                        "Samples a sink queue gave up: refused, out of attempts, pushed out of a full buffer, or "
                                + "left at shutdown.", dropped),
                MetricFamily.gauge("ergometer_sink_queued_batches", "", "Batches waiting in a sink queue.", queued));
    }
}
