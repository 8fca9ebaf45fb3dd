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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An energy source reading hwmon sensors ({@code /sys/class/hwmon/hwmonN}): the {@code amd_energy} (or
 * {@code zenergy}) per-socket energy counters as {@code package_N}, and the ACPI power meter's average power,
 * integrated over time, as {@code machine}.
 *
 * <p>Energy counters ({@code energyN_input}) are cumulative µJ that these drivers accumulate into 64 bits, so they
 * do not wrap. Power files ({@code powerN_average}, µW) are integrated with the trapezoid rule between consecutive
 * reads, timed with the injected {@link Ticker}: an integral is only as good as its sampling, so a source with a power
 * file asks to be read every {@value #INTEGRATION_INTERVAL_NANOS} ns (100 ms) through
 * {@link #maxReadIntervalNanos()}. Integrated power is a measurement (the meter measures; we add up), not a model:
 * {@link #estimated()} is false, and the counter's origin says "integrated from power".
 *
 * <p>Which chips are read and which are left alone (GPUs, per-core counters, unknown chips) is described in
 * {@link HwmonScan}.
 *
 * <p>Not thread-safe: one reader at a time.
 */
public final class HwmonSource implements EnergySource {

    /** The source's name. */
    public static final String NAME = "hwmon";

    /** How often a source with a power file must be read for the trapezoid rule to follow the power. */
    public static final long INTEGRATION_INTERVAL_NANOS = 100_000_000L;

    /** Opens the hwmon sensors of a machine. */
    public static final SourceFactory FACTORY = new Factory();

    private final HwmonChannel[] channels;
    private final List<DomainCounter> counters;
    private final Ticker ticker;
    private final boolean integrates;
    private final String method;

    private HwmonSource(List<HwmonChannel> channels, Ticker ticker) {
        this.channels = channels.toArray(HwmonChannel[]::new);
        this.counters = channels.stream().map(HwmonChannel::counter).toList();
        this.ticker = ticker;
        this.integrates = channels.stream().anyMatch(HwmonChannel::integrates);
        this.method = describe(channels);
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

    @Override
    public void read(long[] microjoules) {
        long now = integrates ? ticker.nanos() : 0L;
        for (int i = 0; i < channels.length; i++) {
            microjoules[i] = channels[i].readMicrojoules(now);
        }
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

    private static String describe(List<HwmonChannel> channels) {
        Map<String, List<HwmonChannel>> byChip = channels.stream()
                .collect(Collectors.groupingBy(c -> c.sensor().chipDescription(), LinkedHashMap::new,
                        Collectors.toList()));
        List<String> parts = new ArrayList<>();
        byChip.forEach((chip, list) -> {
            String domains = list.stream().map(c -> c.counter().domain().id()).collect(Collectors.joining(", "));
            parts.add(list.getFirst().integrates()
                    ? chip + " power integrated every " + INTEGRATION_INTERVAL_NANOS / 1_000_000 + " ms (" + domains
                            + ")"
                    : chip + " energy counters (" + domains + ")");
        });
        return "hwmon sensors: " + String.join("; ", parts);
    }

    static final class Factory implements SourceFactory {

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String summary() {
            return "hwmon sensors: amd_energy/zenergy socket energy counters, ACPI power meter (integrated power)";
        }

        @Override
        public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
            Objects.requireNonNull(ticker, "ticker");
            Path hwmonClass = paths.sys("class/hwmon");
            HwmonScan scan;
            try {
                scan = HwmonScan.of(hwmonClass);
            } catch (HwmonScan.UnreadableException e) {
                throw unreadable(e.path(), e.permissionDenied(), e);
            }
            if (scan.sensors().isEmpty()) {
                String seen = scan.skipped().isEmpty() ? ""
                        : " (found but not used: " + String.join("; ", scan.skipped()) + ")";
                throw new SourceUnavailableException(NAME,
                        "no hwmon energy or power sensor (amd_energy, ACPI power meter) on this machine under "
                                + hwmonClass + seen,
                        "load amd_energy (`sudo modprobe amd_energy`, or its successor zenergy) on AMD Zen servers, "
                                + "or acpi_power_meter (`sudo modprobe acpi_power_meter`) where the platform has one");
            }
            List<HwmonChannel> channels = new ArrayList<>();
            long now = ticker.nanos();
            try {
                for (HwmonSensor sensor : scan.sensors()) {
                    channels.add(HwmonChannel.open(sensor, now, INTEGRATION_INTERVAL_NANOS));
                }
            } catch (IOException e) {
                channels.forEach(HwmonChannel::close);
                Path file = e instanceof NoSuchFileException n ? Path.of(n.getFile()) : failedFile(scan, channels);
                throw unreadable(file, e instanceof AccessDeniedException, e);
            } catch (EnergyReadException e) {
                channels.forEach(HwmonChannel::close);
                throw new SourceUnavailableException(NAME, e.getMessage(),
                        "check that the hwmon driver of " + failedFile(scan, channels) + " works (see dmesg)", e);
            }
            return new HwmonSource(channels, ticker);
        }

        private static Path failedFile(HwmonScan scan, List<HwmonChannel> opened) {
            return scan.sensors().get(opened.size()).file();
        }

        static SourceUnavailableException unreadable(Path file, boolean permissionDenied, Exception cause) {
            if (permissionDenied) {
                boolean counter = file.getFileName().toString().startsWith("energy");
                return new SourceUnavailableException(NAME, file + " is not readable by this user"
                        + (counter ? " (amd_energy makes its counters readable by root only, since the PLATYPUS"
                                + " side channel, CVE-2020-12912)" : ""),
                        "run as root, or grant read access: sudo chmod o+r " + file, cause);
            }
            return new SourceUnavailableException(NAME, file + " cannot be read: " + cause.getMessage(),
                    "check that the hwmon driver is loaded and working (see dmesg)", cause);
        }
    }
}
