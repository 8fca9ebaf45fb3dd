package dev.ergometer.agent;

import dev.ergometer.agent.AgentState.ConsumerPower;
import dev.ergometer.agent.AgentState.DomainReading;
import dev.ergometer.sink.Sample;
import java.util.ArrayList;
import java.util.List;

/**
 * The energy and power series of an {@link AgentState}, built one way for /metrics and for every sink, each carrying
 * {@code estimated="true"} when the source is a model (so a modelled number stays labelled wherever it lands).
 */
final class AgentSamples {

    static final String ENERGY = "ergometer_energy_joules_total";
    static final String POWER = "ergometer_power_watts";
    static final String CONSUMER_POWER = "ergometer_consumer_power_watts";
    static final String CARBON = "ergometer_carbon_grams_total";
    static final String COST = "ergometer_cost_total";

    private AgentSamples() {
    }

    /** Each domain's cumulative energy, J: {@code ergometer_energy_joules_total{domain,socket,estimated,...}}. */
    static List<Sample> energy(AgentState state, long millis, String... extraLabels) {
        List<Sample> samples = new ArrayList<>(state.domains().size());
        for (DomainReading reading : state.domains()) {
            samples.add(Sample.of(ENERGY, reading.energyJoules(), millis,
                    labels(extraLabels, "domain", reading.domain().id(), "socket", socket(reading),
                            "estimated", Boolean.toString(state.estimated()))));
        }
        return samples;
    }

    /** Each domain's power over the latest sample interval, W: {@code ergometer_power_watts{domain,socket,...}}. */
    static List<Sample> power(AgentState state, long millis, String... extraLabels) {
        List<Sample> samples = new ArrayList<>(state.domains().size());
        for (DomainReading reading : state.domains()) {
            samples.add(Sample.of(POWER, reading.powerWatts(), millis,
                    labels(extraLabels, "domain", reading.domain().id(), "socket", socket(reading),
                            "estimated", Boolean.toString(state.estimated()))));
        }
        return samples;
    }

    /**
     * Each domain's grams of CO2e since the agent started, at the grid intensity in force over each interval:
     * {@code ergometer_carbon_grams_total{domain,socket,estimated,...}}.
     */
    static List<Sample> carbon(AgentState state, long millis, String... extraLabels) {
        List<Sample> samples = new ArrayList<>(state.domains().size());
        for (DomainReading reading : state.domains()) {
            samples.add(Sample.of(CARBON, reading.co2eGrams(), millis,
                    labels(extraLabels, "domain", reading.domain().id(), "socket", socket(reading),
                            "estimated", Boolean.toString(state.estimated()))));
        }
        return samples;
    }

    /**
     * What each domain's energy since the agent started cost, at the price in force over each interval:
     * {@code ergometer_cost_total{domain,socket,currency,estimated,...}}.
     */
    static List<Sample> cost(AgentState state, long millis, String... extraLabels) {
        List<Sample> samples = new ArrayList<>(state.domains().size());
        for (DomainReading reading : state.domains()) {
            samples.add(Sample.of(COST, reading.cost(), millis,
                    labels(extraLabels, "domain", reading.domain().id(), "socket", socket(reading),
                            "currency", state.currency(), "estimated", Boolean.toString(state.estimated()))));
        }
        return samples;
    }

    /**
     * Each attributed consumer's power over the latest attributed interval, W:
     * {@code ergometer_consumer_power_watts{consumer,name,kind,domain,estimated,...}}.
     */
    static List<Sample> consumerPower(AgentState state, long millis, String... extraLabels) {
        List<Sample> samples = new ArrayList<>(state.consumers().size());
        for (ConsumerPower consumer : state.consumers()) {
            samples.add(Sample.of(CONSUMER_POWER, consumer.powerWatts(), millis,
                    labels(extraLabels, "consumer", consumer.consumerId(), "name", consumer.consumerLabel(),
                            "kind", consumer.kind(), "domain", consumer.domainId(),
                            "estimated", Boolean.toString(state.estimated()))));
        }
        return samples;
    }

    private static String socket(DomainReading reading) {
        return reading.socket().isPresent() ? Integer.toString(reading.socket().getAsInt()) : "";
    }

    private static String[] labels(String[] extra, String... own) {
        String[] all = new String[own.length + extra.length];
        System.arraycopy(own, 0, all, 0, own.length);
        System.arraycopy(extra, 0, all, own.length, extra.length);
        return all;
    }
}
