package dev.ergometer.source;

/**
 * An energy source whose domains can say how busy they were and which processes kept them busy, from the device's own
 * utilisation samples: NVIDIA GPUs through NVML. Attribution uses it to split such a domain's energy by what each
 * process used of the device, instead of by CPU time.
 *
 * <p>Found by attribution on the sampler's source, or among the parts of a {@link CompositeSource}. Stateless for the
 * caller: it keeps its cursors (the newest timestamps it has seen) and passes them back, so several readers can share
 * one source. May be called while another thread reads the energy counters.
 */
public interface ProcessUtilizationSource {

    /**
     * The utilisation samples of one domain newer than the given timestamps, or why there are none.
     *
     * @param domain the domain's slot in this source's {@link EnergySource#counters()} order
     * @param processAfterMicros the newest per-process sample timestamp seen so far (0 for everything the device keeps)
     * @param deviceAfterMicros the newest device sample timestamp seen so far (0 for everything the device keeps)
     */
    UtilizationSamples utilizationSince(int domain, long processAfterMicros, long deviceAfterMicros);
}
