package dev.ergometer.agent;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What the agent knows at one moment, as HTTP shows it: every domain's energy since the agent started and its
 * current power, and the top consumers of the latest attributed interval. Immutable; the scheduler replaces it after
 * every sample and every attribution.
 *
 * @param source the energy source's name ({@code powercap}, {@code perf}, {@code model}, ...)
 * @param estimated true when the source is a model, not a hardware counter
 * @param method how the source gets its numbers, one sentence
 * @param domains the domains with their totals and power, in slot order
 * @param sampleWallMillis when the latest sample was taken, in ms since the Unix epoch (0 before the first)
 * @param samplesTaken how many samples the scheduler has taken
 * @param consumers the top consumers of the latest attributed interval, empty without attribution
 * @param consumersIntervalSeconds the length of that interval, in seconds (0 without one)
 * @param currency the currency of every domain's {@link DomainReading#cost()}
 */
public record AgentState(String source, boolean estimated, String method, List<DomainReading> domains,
        long sampleWallMillis, long samplesTaken, List<ConsumerPower> consumers, double consumersIntervalSeconds,
        String currency) {

    public AgentState {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(currency, "currency");
        domains = List.copyOf(domains);
        consumers = List.copyOf(consumers);
    }

    /** The state with other consumers (after an attribution). */
    AgentState withConsumers(List<ConsumerPower> newConsumers, double intervalSeconds) {
        return new AgentState(source, estimated, method, domains, sampleWallMillis, samplesTaken, newConsumers,
                intervalSeconds, currency);
    }

    /**
     * One domain's counters.
     *
     * @param domain the domain
     * @param energyJoules energy since the agent started, in joules
     * @param powerWatts average power over the latest sample interval, in watts
     * @param co2eGrams grams of CO2e of that energy, each interval at the grid intensity in force then
     * @param cost what that energy cost, each interval at the price in force then, in {@link AgentState#currency()}
     */
    public record DomainReading(Domain domain, double energyJoules, double powerWatts, double co2eGrams,
            double cost) {

        /** The socket of a per-socket RAPL domain ({@code package_1} is socket 1); empty for others. */
        public OptionalInt socket() {
            return switch (domain.resource()) {
                case Resource.Package p -> OptionalInt.of(p.socket());
                case Resource.Cores c -> OptionalInt.of(c.socket());
                case Resource.Uncore u -> OptionalInt.of(u.socket());
                case Resource.Dram d -> OptionalInt.of(d.socket());
                default -> OptionalInt.empty();
            };
        }
    }

    /**
     * One consumer's part of one domain over the latest attributed interval.
     *
     * @param consumerId the consumer's stable id
     * @param consumerLabel the consumer for people ({@code java (pid 1234)})
     * @param kind the kind of consumer, lower case ({@code process})
     * @param domainId the domain
     * @param energyJoules its energy over the interval, in joules
     * @param powerWatts its average power over the interval, in watts
     */
    public record ConsumerPower(String consumerId, String consumerLabel, String kind, String domainId,
            double energyJoules, double powerWatts) {
    }
}
