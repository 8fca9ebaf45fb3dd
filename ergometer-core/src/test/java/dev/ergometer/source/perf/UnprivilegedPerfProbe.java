package dev.ergometer.source.perf;

import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.nio.file.Path;

/**
 * A program that opens the perf source on the sysfs root given as its argument and prints what happened: run by
 * {@link PerfPowerSourceAsUnprivilegedUserTest} as an unprivileged user, so the kernel really refuses it.
 */
final class UnprivilegedPerfProbe {

    static final int OPENED = 0;
    static final int UNAVAILABLE = 3;

    private UnprivilegedPerfProbe() {}

    public static void main(String[] args) {
        try (PerfPowerSource perf = PerfPowerSource.open(SystemPaths.real().withSysfs(Path.of(args[0])))) {
            System.out.println("opened " + perf.domains());
            System.exit(OPENED);
        } catch (SourceUnavailableException e) {
            System.out.println("reason: " + e.reason());
            System.out.println("fix: " + e.fix());
            System.exit(UNAVAILABLE);
        }
    }
}
