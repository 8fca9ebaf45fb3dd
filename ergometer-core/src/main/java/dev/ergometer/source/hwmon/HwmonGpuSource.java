package dev.ergometer.source.hwmon;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An energy source reading AMD and Intel GPUs through hwmon ({@code /sys/class/hwmon/hwmonN} of the {@code amdgpu},
 * {@code i915} and {@code xe} drivers), as {@code amd_gpu_N} and {@code intel_gpu_N}.
 *
 * <p>An energy counter ({@code energy1_input}, µJ, accumulated by the driver into 64 bits) is read as it is. An
 * {@code amdgpu} without one gives its power ({@code power1_average}, or {@code power1_input} on newer kernels, µW),
 * integrated with the trapezoid rule between consecutive reads timed with the injected {@link Ticker}; the source then
 * asks to be read every {@value HwmonSource#INTEGRATION_INTERVAL_NANOS} ns (100 ms). Both are measurements:
 * {@link #estimated()} is false. Which file each GPU gives and how GPUs are numbered is in {@link HwmonGpuScan}.
 *
 * <p>A GPU that stops answering (removed, driver unloaded, file gone) does not stop the source: its domain keeps the
 * last energy read, a warning naming the GPU and the error goes to {@link #warnings()}, and the other GPUs go on.
 *
 * <p>Not thread-safe: one reader at a time.
 */
public final class HwmonGpuSource implements EnergySource {

    /** The source's name. */
    public static final String NAME = "gpu-hwmon";

    /** Opens the AMD and Intel GPUs that hwmon exposes. */
    public static final SourceFactory FACTORY = new Factory();

    private final HwmonChannel[] channels;
    private final String[] descriptions;
    private final long[] lastMicrojoules;
    private final boolean[] lost;
    private final List<DomainCounter> counters;
    private final List<String> warnings;
    private final Ticker ticker;
    private final boolean integrates;
    private final String method;

    private HwmonGpuSource(List<HwmonChannel> channels, List<String> descriptions, List<String> openWarnings,
            Ticker ticker) {
        this.channels = channels.toArray(HwmonChannel[]::new);
        this.descriptions = descriptions.toArray(String[]::new);
        this.lastMicrojoules = new long[this.channels.length];
        this.lost = new boolean[this.channels.length];
        this.counters = channels.stream().map(HwmonChannel::counter).toList();
        this.warnings = new ArrayList<>(openWarnings);
        this.ticker = ticker;
        this.integrates = channels.stream().anyMatch(HwmonChannel::integrates);
        this.method = channels.stream().map(HwmonGpuSource::describe).collect(Collectors.joining("; "));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public List<DomainCounter> counters() {
        return counters;
    }

    /** Reads every GPU; a GPU whose read fails keeps its last value from then on and is named in the warnings. */
    @Override
    public void read(long[] microjoules) {
        long now = integrates ? ticker.nanos() : 0L;
        for (int i = 0; i < channels.length; i++) {
            if (!lost[i]) {
                try {
                    lastMicrojoules[i] = channels[i].readMicrojoules(now);
                } catch (EnergyReadException e) {
                    lose(i, e);
                }
            }
            microjoules[i] = lastMicrojoules[i];
        }
    }

    private void lose(int i, EnergyReadException e) {
        lost[i] = true;
        channels[i].close();
        warnings.add(counters.get(i).domain() + " (" + descriptions[i] + ") stopped answering: " + e.getMessage()
                + "; its energy stays at " + lastMicrojoules[i] / 1e6 + " J from then on (GPU removed, driver"
                + " unloaded or reset? see dmesg)");
    }

    @Override
    public List<String> warnings() {
        return Collections.unmodifiableList(warnings);
    }

    @Override
    public boolean estimated() {
        return false;
    }

    @Override
    public void close() {
        for (HwmonChannel channel : channels) {
            channel.close();
        }
    }

    private static String describe(HwmonChannel channel) {
        HwmonSensor sensor = channel.sensor();
        String file = sensor.file().getFileName() + (sensor.label().isEmpty() ? "" : " (" + sensor.label() + ")");
        return sensor.domain() + " " + sensor.chip() + " " + file + (channel.integrates()
                ? " integrated every " + HwmonSource.INTEGRATION_INTERVAL_NANOS / 1_000_000 + " ms"
                : " counter");
    }

    private static DomainCounter counterOf(HwmonGpuScan.Gpu gpu) {
        HwmonSensor sensor = gpu.sensor();
        // 1 µJ is the unit of the files; the hardware's own step may be coarser and is not exposed by the drivers.
        String how = sensor.power()
                ? "energy integrated from power every " + HwmonSource.INTEGRATION_INTERVAL_NANOS / 1_000_000 + " ms"
                : "µJ counter";
        String origin = sensor.file() + " (" + gpu.description()
                + (sensor.label().isEmpty() ? "" : " " + sensor.label()) + ", " + how + ")";
        return sensor.power()
                ? DomainCounter.integratedPower(sensor.domain(), DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, origin,
                        HwmonSource.INTEGRATION_INTERVAL_NANOS)
                : new DomainCounter(sensor.domain(), Long.MAX_VALUE, DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, 1.0,
                        origin);
    }

    static final class Factory implements SourceFactory {

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String summary() {
            return "AMD and Intel GPUs through hwmon: amdgpu energy or integrated power, i915/xe energy counters";
        }

        @Override
        public boolean accelerator() {
            return true;
        }

        @Override
        public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
            Objects.requireNonNull(ticker, "ticker");
            Path hwmonClass = paths.sys("class/hwmon");
            HwmonGpuScan scan;
            try {
                scan = HwmonGpuScan.of(hwmonClass);
            } catch (HwmonScan.UnreadableException e) {
                throw unreadable(e.path(), e.permissionDenied(), e);
            }
            if (scan.gpus().isEmpty()) {
                String seen = scan.skipped().isEmpty() ? ""
                        : " (found but not used: " + String.join("; ", scan.skipped()) + ")";
                throw new SourceUnavailableException(NAME,
                        "no AMD or Intel GPU with an hwmon energy or power sensor under " + hwmonClass + seen,
                        "load amdgpu / i915 / xe; integrated GPUs are also in RAPL's uncore domain");
            }
            List<HwmonChannel> channels = new ArrayList<>();
            List<String> descriptions = new ArrayList<>();
            List<String> openWarnings = new ArrayList<>();
            SourceUnavailableException firstFailure = null;
            long now = ticker.nanos();
            for (HwmonGpuScan.Gpu gpu : scan.gpus()) {
                try {
                    channels.add(HwmonChannel.open(gpu.sensor(), counterOf(gpu), now));
                    descriptions.add(gpu.description());
                } catch (IOException | EnergyReadException e) {
                    SourceUnavailableException failure = unreadable(gpu.sensor().file(),
                            e instanceof AccessDeniedException, e);
                    openWarnings.add(gpu.sensor().domain() + " (" + gpu.description() + ") left out: "
                            + failure.reason() + ". Fix: " + failure.fix());
                    if (firstFailure == null) {
                        firstFailure = failure;
                    }
                }
            }
            if (channels.isEmpty()) {
                throw firstFailure;
            }
            return new HwmonGpuSource(channels, descriptions, openWarnings, ticker);
        }

        static SourceUnavailableException unreadable(Path file, boolean permissionDenied, Exception cause) {
            if (permissionDenied) {
                return new SourceUnavailableException(NAME, file + " is not readable by this user",
                        "run as root, or grant read access: sudo chmod o+r " + file, cause);
            }
            return new SourceUnavailableException(NAME, file + " cannot be read: " + cause.getMessage(),
                    "check that the GPU driver (amdgpu, i915 or xe) is loaded and working (see dmesg)", cause);
        }
    }
}
