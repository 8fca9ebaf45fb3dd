package dev.ergometer.attribution;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.source.CompositeSource;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.ProcessUtilizationSource;
import dev.ergometer.source.UtilizationSamples;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The GPU domains of a sampled source and where their utilisation comes from: splits each GPU's energy with
 * {@link GpuAttribution} from the samples its source reports since the previous interval, or leaves it unattributed,
 * saying why, when no source reports them. Never splits a GPU's energy by CPU time. Not thread-safe. Used by
 * {@link AttributionSampler} and by the process-group engine ({@code dev.ergometer.groups}).
 */
public final class GpuShares {

    /** Which consumer a pid belongs to. */
    @FunctionalInterface
    public interface PidLookup {
        /** The consumer index of a pid in this interval, or {@code -1} when it is none of them. */
        int consumerOf(int pid);
    }

    /** How one GPU's energy was split in one interval, and why not by utilisation when it was not. */
    public record Split(DomainShare share, AttributedInterval.SplitBasis basis, Optional<String> warning) {
    }

    /** One GPU domain: its source (null when none reports utilisation), its slot there and the cursors. */
    private static final class Slot {
        final Domain domain;
        final ProcessUtilizationSource source;
        final int local;
        final String sourceName;
        long processCursorMicros;
        long deviceCursorMicros;

        Slot(Domain domain, ProcessUtilizationSource source, int local, String sourceName) {
            this.domain = domain;
            this.source = source;
            this.local = local;
            this.sourceName = sourceName;
        }
    }

    private final Slot[] slots;

    private GpuShares(Slot[] slots) {
        this.slots = slots;
    }

    /** The GPU domains of {@code source} (itself, or the parts of a {@link CompositeSource}), in its slot order. */
    public static GpuShares of(EnergySource source) {
        List<EnergySource> parts = source instanceof CompositeSource composite ? composite.parts() : List.of(source);
        Slot[] slots = new Slot[source.domains().size()];
        int offset = 0;
        for (EnergySource part : parts) {
            List<Domain> domains = part.domains();
            for (int local = 0; local < domains.size(); local++) {
                Domain domain = domains.get(local);
                if (domain.resource() instanceof Resource.Gpu) {
                    slots[offset + local] = new Slot(domain,
                            part instanceof ProcessUtilizationSource p ? p : null, local, part.name());
                }
            }
            offset += domains.size();
        }
        return new GpuShares(slots);
    }

    /** Whether the domain in slot {@code domain} is a GPU. */
    public boolean isGpu(int domain) {
        return slots[domain] != null;
    }

    /** Whether any GPU's source reports utilisation (only then do pids need looking up). */
    public boolean reportsProcesses() {
        for (Slot slot : slots) {
            if (slot != null && slot.source != null) {
                return true;
            }
        }
        return false;
    }

    /** Skips every sample reported so far: the next split covers what comes after now. */
    public void baseline() {
        for (Slot slot : slots) {
            if (slot != null && slot.source != null) {
                UtilizationSamples samples = slot.source.utilizationSince(slot.local, 0, 0);
                slot.processCursorMicros = samples.newestProcessMicros(0);
                slot.deviceCursorMicros = samples.newestDeviceMicros(0);
            }
        }
    }

    /** Splits the energy of the GPU in slot {@code domain} among {@code consumers} consumers. */
    public Split split(int domain, long energyMicrojoules, int consumers, PidLookup pids) {
        Slot slot = slots[domain];
        if (slot.source == null) {
            return unattributed(energyMicrojoules, consumers, slot.domain.id() + ": energy left unattributed: the "
                    + slot.sourceName + " source does not report which processes use this GPU (per-process GPU"
                    + " utilisation comes from NVML, for NVIDIA GPUs)");
        }
        UtilizationSamples samples = slot.source.utilizationSince(slot.local, slot.processCursorMicros,
                slot.deviceCursorMicros);
        slot.processCursorMicros = samples.newestProcessMicros(slot.processCursorMicros);
        slot.deviceCursorMicros = samples.newestDeviceMicros(slot.deviceCursorMicros);
        if (samples.processesUnavailable().isPresent()) {
            return unattributed(energyMicrojoules, consumers, slot.domain.id() + ": energy left unattributed, not"
                    + " shared by CPU time: " + samples.processesUnavailable().get());
        }
        long[] shares = new long[consumers];
        long unplaced = 0;
        for (Map.Entry<Integer, Long> process : meanMillipercentByPid(samples).entrySet()) {
            int consumer = pids.consumerOf(process.getKey());
            if (consumer >= 0) {
                shares[consumer] += process.getValue();
            } else {
                unplaced += process.getValue();
            }
        }
        long device = -1;
        Optional<String> warning = Optional.empty();
        if (!samples.device().isEmpty()) {
            long sum = 0;
            for (UtilizationSamples.DeviceSample sample : samples.device()) {
                sum += sample.percent();
            }
            device = sum * 1000 / samples.device().size();
        } else if (samples.deviceUnavailable().isPresent()) {
            warning = Optional.of(slot.domain.id() + ": idle part taken from the processes' utilisation, the"
                    + " device's own is unavailable: " + samples.deviceUnavailable().get());
        }
        DomainShare share = GpuAttribution.split(energyMicrojoules, device, shares, unplaced);
        return new Split(share, AttributedInterval.SplitBasis.GPU_UTILIZATION, warning);
    }

    /** Each process's mean utilisation over its samples, in thousandths of a percent. */
    private static Map<Integer, Long> meanMillipercentByPid(UtilizationSamples samples) {
        Map<Integer, long[]> sumAndCount = new HashMap<>();
        for (UtilizationSamples.ProcessSample sample : samples.processes()) {
            long[] acc = sumAndCount.computeIfAbsent(sample.pid(), pid -> new long[2]);
            acc[0] += sample.percent();
            acc[1]++;
        }
        Map<Integer, Long> means = new HashMap<>(sumAndCount.size() * 2);
        sumAndCount.forEach((pid, acc) -> means.put(pid, acc[0] * 1000 / acc[1]));
        return means;
    }

    private static Split unattributed(long energyMicrojoules, int consumers, String why) {
        return new Split(GpuAttribution.unattributed(energyMicrojoules, consumers),
                AttributedInterval.SplitBasis.NONE, Optional.of(why));
    }
}
