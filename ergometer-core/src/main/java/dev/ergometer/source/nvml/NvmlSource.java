package dev.ergometer.source.nvml;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.ProcessUtilizationSource;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.UtilizationSamples;
import java.lang.foreign.MemorySegment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The energy of NVIDIA GPUs through NVML, one domain {@code nvidia_gpu_N} per GPU (N is NVML's index).
 *
 * <p>Usage:
 * <pre>{@code
 * try (EnergySource gpus = NvmlSource.FACTORY.open(SystemPaths.real(), Ticker.system())) {
 *     System.out.println(gpus.method());
 * }
 * }</pre>
 *
 * <p>Each GPU is read the best way it offers:
 * <ul>
 * <li>its <b>energy counter</b> ({@code nvmlDeviceGetTotalEnergyConsumption}, mJ since the driver loaded, Volta and
 *     newer): exact to 1 mJ, but it moves only every 10 to 100 ms depending on the GPU. When two reads closer than
 *     that see the same value while the GPU draws power, the interval is approximated from the power reading
 *     (power x time) and {@link #warnings()} says so once per GPU: a short window never reads 0 J silently;
 * <li>else its <b>power</b> ({@code nvmlDeviceGetPowerUsage}, mW) integrated with the trapezoid rule at every read,
 *     read every {@value #INTEGRATION_INTERVAL_NANOS} ns ({@link #maxReadIntervalNanos()}). The result is only as
 *     good as NVML's power reading: on many GPUs it is itself an average over a window (up to 1 s on recent data
 *     centre parts), so short bursts are smoothed, while the integral over a run of seconds is within a few percent.
 * </ul>
 * A GPU with neither is skipped and {@link #method()} says why. A GPU that fails while it is read (NVML_ERROR_GPU_IS_LOST,
 * or any error) stops counting (its last value is kept), a warning names it, the error and the time, and the other
 * GPUs go on; {@link #read(long[])} never throws for one GPU.
 *
 * <p>For attribution, {@link #utilizationSince} gives each GPU's per-process SM utilisation
 * ({@code nvmlDeviceGetProcessUtilization}) and its own GPU utilisation samples ({@code nvmlDeviceGetSamples}); values
 * over 100 %, which some drivers report for short-lived contexts, are clamped to 100.
 */
public final class NvmlSource implements EnergySource, ProcessUtilizationSource {

    /** The source's name, as {@code --source} takes it. */
    public static final String NAME = "nvml";

    /** How often a GPU whose power is integrated is read: 20 ms (the trapezoid rule needs frequent samples). */
    public static final long INTEGRATION_INTERVAL_NANOS = 20_000_000L;

    /** Opens this source on a machine, or says why it cannot. */
    public static final SourceFactory FACTORY = new Factory();

    private final Nvml nvml;
    private final Ticker ticker;
    private final NvmlGpu[] gpus;
    private final List<DomainCounter> counters;
    private final List<String> skipped;
    private final long[] lastMicrojoules;
    private final boolean[] lost;
    private final boolean[] approximationReported;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    private NvmlSource(Nvml nvml, Ticker ticker, List<NvmlGpu> gpus, List<String> skipped) {
        this.nvml = nvml;
        this.ticker = ticker;
        this.gpus = gpus.toArray(NvmlGpu[]::new);
        this.counters = gpus.stream().map(NvmlGpu::counter).toList();
        this.skipped = List.copyOf(skipped);
        this.lastMicrojoules = new long[this.gpus.length];
        this.lost = new boolean[this.gpus.length];
        this.approximationReported = new boolean[this.gpus.length];
    }

    /** The domain of the NVIDIA GPU with NVML index {@code index}: {@code nvidia_gpu_N}. */
    public static Domain domain(int index) {
        return Domain.of(new Resource.Gpu("nvidia", index));
    }

    /**
     * Loads NVML from {@code paths.nvmlLibrary()}, initialises it and opens every GPU that has an energy counter or
     * a power reading.
     *
     * @throws SourceUnavailableException when the library is missing, the driver is not loaded, access is denied,
     *     there is no GPU, or no GPU can be read
     */
    public static NvmlSource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
        Objects.requireNonNull(paths, "paths");
        Objects.requireNonNull(ticker, "ticker");
        Nvml nvml;
        try {
            nvml = Nvml.load(paths.nvmlLibrary());
        } catch (NvmlException e) {
            throw new SourceUnavailableException(NAME, e.reason(), e.fix(), e);
        }
        try {
            nvml.init();
        } catch (NvmlException e) {
            nvml.close();
            throw new SourceUnavailableException(NAME, "cannot initialise NVML from " + paths.nvmlLibrary() + ": "
                    + e.reason(), e.fix(), e);
        } catch (RuntimeException | Error e) {
            nvml.close();
            throw e;
        }
        try {
            return openDevices(nvml, paths, ticker);
        } catch (SourceUnavailableException | RuntimeException | Error e) {
            try {
                nvml.shutdown();
            } catch (NvmlException shutdownFailure) {
                e.addSuppressed(shutdownFailure);
            } finally {
                nvml.close();
            }
            throw e;
        }
    }

    private static NvmlSource openDevices(Nvml nvml, SystemPaths paths, Ticker ticker)
            throws SourceUnavailableException {
        int count;
        try {
            count = nvml.deviceCount();
        } catch (NvmlException e) {
            throw new SourceUnavailableException(NAME, "cannot count the GPUs: " + e.reason(), e.fix(), e);
        }
        if (count == 0) {
            throw new SourceUnavailableException(NAME, "NVML (" + paths.nvmlLibrary() + ") sees no NVIDIA GPU",
                    "check that nvidia-smi lists the GPUs; in a container, pass them in (docker run --gpus all)");
        }
        List<NvmlGpu> gpus = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        NvmlException firstFailure = null;
        for (int index = 0; index < count; index++) {
            try {
                NvmlGpu gpu = openDevice(nvml, index, ticker);
                if (gpu == null) {
                    skipped.add(domain(index) + " skipped: it reports neither energy nor power"
                            + " (both NVML_ERROR_NOT_SUPPORTED)");
                } else {
                    gpus.add(gpu);
                }
            } catch (NvmlException e) {
                skipped.add(domain(index) + " skipped: " + e.reason());
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (gpus.isEmpty()) {
            throw new SourceUnavailableException(NAME, "no NVIDIA GPU can be read: " + String.join("; ", skipped),
                    firstFailure != null && !firstFailure.fix().isEmpty() ? firstFailure.fix()
                            : "these GPUs report neither energy nor power through NVML; measure them another way"
                                    + " (a wall-plug meter)", firstFailure);
        }
        return new NvmlSource(nvml, ticker, gpus, skipped);
    }

    /** Opens one GPU; null when it has neither an energy counter nor a power reading. */
    private static NvmlGpu openDevice(Nvml nvml, int index, Ticker ticker) throws NvmlException {
        MemorySegment handle = nvml.deviceHandle(index);
        String name = nvml.name(handle);
        String busId = nvml.pciBusId(handle);
        String uuid = nvml.uuid(handle);
        long now = ticker.nanos();
        long millijoules = nvml.tryTotalEnergyMillijoules(handle);
        if (millijoules >= 0) {
            return NvmlGpu.energyCounter(nvml, handle, index, name, busId, uuid, millijoules, now);
        }
        long milliwatts = nvml.tryPowerMilliwatts(handle);
        if (milliwatts >= 0) {
            return NvmlGpu.integratedPower(nvml, handle, index, name, busId, uuid, milliwatts, now,
                    INTEGRATION_INTERVAL_NANOS);
        }
        int energyCode = (int) -millijoules;
        int powerCode = (int) -milliwatts;
        if (energyCode == NvmlException.ERROR_NOT_SUPPORTED && powerCode == NvmlException.ERROR_NOT_SUPPORTED) {
            return null;
        }
        int code = powerCode != NvmlException.ERROR_NOT_SUPPORTED ? powerCode : energyCode;
        throw new NvmlException(code, "GPU " + index, "GPU " + index + " (" + name + ", " + busId
                + ") cannot be read: energy counter " + NvmlException.codeName(energyCode) + ", power "
                + NvmlException.codeName(powerCode) + " (" + nvml.errorString(code) + ")", NvmlException.fixFor(code));
    }

    @Override
    public UtilizationSamples utilizationSince(int domain, long processAfterMicros, long deviceAfterMicros) {
        Objects.checkIndex(domain, gpus.length);
        NvmlGpu gpu = gpus[domain];
        String what = gpu.counter().domain() + " (" + gpu.name() + ", " + gpu.busId() + ")";
        if (lost[domain]) {
            return UtilizationSamples.unavailable(what + " stopped counting (see the source's warnings)");
        }
        List<UtilizationSamples.ProcessSample> processes = new ArrayList<>();
        Optional<String> processesUnavailable = Optional.empty();
        try {
            for (Nvml.ProcessUtilization sample : nvml.processUtilization(gpu.handle(), processAfterMicros)) {
                processes.add(new UtilizationSamples.ProcessSample(sample.pid(), sample.timestampMicros(),
                        percent(Integer.toUnsignedLong(sample.smPercent()))));
            }
        } catch (NvmlException e) {
            String why = e.code() == NvmlException.ERROR_NOT_SUPPORTED
                    ? ". Per-process utilisation needs a Maxwell or newer data-centre or workstation GPU; GeForce and"
                            + " some virtual GPUs do not report it"
                    : e.fix().isEmpty() ? "" : ". Fix: " + e.fix();
            processesUnavailable = Optional.of(what + ": " + e.reason() + why);
        }
        List<UtilizationSamples.DeviceSample> device = new ArrayList<>();
        Optional<String> deviceUnavailable = Optional.empty();
        try {
            for (Nvml.UtilizationSample sample : nvml.gpuUtilizationSamples(gpu.handle(), deviceAfterMicros)) {
                device.add(new UtilizationSamples.DeviceSample(sample.timestampMicros(), percent(sample.percent())));
            }
        } catch (NvmlException e) {
            deviceUnavailable = Optional.of(what + ": " + e.reason());
        }
        return new UtilizationSamples(processes, processesUnavailable, device, deviceUnavailable);
    }

    private static int percent(long value) {
        return (int) Math.max(0, Math.min(100, value));
    }

    /** The NVML binding this source reads, for attribution (running processes, per-process utilisation). */
    public Nvml nvml() {
        return nvml;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String method() {
        List<String> parts = new ArrayList<>();
        for (NvmlGpu gpu : gpus) {
            parts.add(gpu.counter().domain() + " " + gpu.name() + (gpu.integrates()
                    ? " power integrated every " + INTEGRATION_INTERVAL_NANOS / 1_000_000 + " ms"
                    : " energy counter"));
        }
        parts.addAll(skipped);
        return "NVML: " + String.join("; ", parts);
    }

    @Override
    public List<DomainCounter> counters() {
        return counters;
    }

    @Override
    public void read(long[] microjoules) {
        long now = ticker.nanos();
        for (int i = 0; i < gpus.length; i++) {
            if (!lost[i]) {
                long value = gpus[i].readMicrojoules(now);
                if (value < 0) {
                    lose(i, (int) -value);
                } else {
                    lastMicrojoules[i] = value;
                    if (gpus[i].approximated() && !approximationReported[i]) {
                        approximationReported[i] = true;
                        warnings.add(gpus[i].counter().domain() + ": a read interval shorter than the energy"
                                + " counter's update period was approximated from power");
                    }
                }
            }
            microjoules[i] = lastMicrojoules[i];
        }
    }

    private void lose(int i, int code) {
        lost[i] = true;
        NvmlGpu gpu = gpus[i];
        String fix = NvmlException.fixFor(code);
        warnings.add(gpu.counter().domain() + " (" + gpu.name() + ", " + gpu.busId() + ") stopped counting at "
                + Instant.now() + ": " + gpu.readFunction() + " failed with " + NvmlException.codeName(code) + " ("
                + nvml.errorString(code) + ")" + (fix.isEmpty() ? "" : ". Fix: " + fix));
    }

    @Override
    public boolean estimated() {
        return false;
    }

    @Override
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** Shuts NVML down and unloads the library. */
    @Override
    public void close() {
        try {
            nvml.shutdown();
        } catch (NvmlException e) {
            throw new IllegalStateException("nvml: " + e.getMessage(), e);
        } finally {
            nvml.close();
        }
    }

    /** The factory of this source. */
    private static final class Factory implements SourceFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String summary() {
            return "NVIDIA GPUs through NVML (libnvidia-ml): the energy counter on Volta and newer, power integrated"
                    + " every 20 ms before";
        }

        @Override
        public boolean accelerator() {
            return true;
        }

        @Override
        public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
            return NvmlSource.open(paths, ticker);
        }
    }
}
