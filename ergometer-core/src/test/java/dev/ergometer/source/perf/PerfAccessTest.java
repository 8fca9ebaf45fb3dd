package dev.ergometer.source.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakePerfProcfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerfAccessTest {

    private static final String SYSTEM_WIDE_EVENT = PerfEventOpen.describe(23, 2, -1, 0);

    @TempDir
    Path procfs;

    private SystemPaths paths() {
        return SystemPaths.real().withProcfs(procfs);
    }

    @Test
    void paranoidTwoWithoutCapabilitiesRefusesSystemWideEventsAndSaysHowToAllowThem() throws Exception {
        FakePerfProcfs.writeParanoid(procfs, 2);
        FakePerfProcfs.writeEffectiveCapabilities(procfs, FakePerfProcfs.NO_CAPABILITIES);

        PerfAccess access = PerfAccess.read(paths());
        var refused = PerfEventOpenException.fromErrno(PerfEventOpenException.EACCES, SYSTEM_WIDE_EVENT, access);

        assertThat(access).isEqualTo(new PerfAccess(OptionalInt.of(2), false));
        assertThat(access.systemWideAllowed()).isFalse();
        assertThat(refused.permissionDenied()).isTrue();
        assertThat(refused.reason())
                .startsWith("perf_event_open(type 23, config 0x2, all processes, CPU 0) failed with EACCES (errno 13)")
                .contains("kernel.perf_event_paranoid is 2 (users without CAP_PERFMON may measure only the"
                        + " user-space part of their own processes)")
                .contains("neither CAP_PERFMON nor CAP_SYS_ADMIN")
                .contains("need perf_event_paranoid <= 0 or CAP_PERFMON");
        assertThat(refused.fix())
                .startsWith("sudo sysctl kernel.perf_event_paranoid=0 (then the perf source works without root")
                .contains("run as root")
                .contains("grant CAP_PERFMON");
    }

    @Test
    void paranoidOneStillRefusesSystemWideEvents() throws Exception {
        FakePerfProcfs.writeParanoid(procfs, 1);

        PerfAccess access = PerfAccess.read(paths());

        assertThat(access.systemWideAllowed()).isFalse();
        assertThat(access.paranoidSetting()).isEqualTo("kernel.perf_event_paranoid is 1 (users without CAP_PERFMON"
                + " may measure only their own processes, not whole CPUs)");
    }

    @Test
    void paranoidZeroLetsAnyUserOpenSystemWideEvents() throws Exception {
        FakePerfProcfs.writeParanoid(procfs, 0);
        FakePerfProcfs.writeEffectiveCapabilities(procfs, FakePerfProcfs.NO_CAPABILITIES);

        PerfAccess access = PerfAccess.read(paths());

        assertThat(access.systemWideAllowed()).isTrue();
        assertThat(access.description()).contains("kernel.perf_event_paranoid is 0")
                .contains("so any user, root or not, may open the system-wide energy events");
    }

    @Test
    void capPerfmonOrCapSysAdminLiftsAnyParanoidSetting() throws Exception {
        FakePerfProcfs.writeParanoid(procfs, 3);

        FakePerfProcfs.writeEffectiveCapabilities(procfs, FakePerfProcfs.CAP_PERFMON);
        PerfAccess perfmon = PerfAccess.read(paths());
        FakePerfProcfs.writeEffectiveCapabilities(procfs, FakePerfProcfs.CAP_SYS_ADMIN);
        PerfAccess sysAdmin = PerfAccess.read(paths());
        FakePerfProcfs.writeEffectiveCapabilities(procfs, FakePerfProcfs.ALL_CAPABILITIES & ~FakePerfProcfs.CAP_PERFMON
                & ~FakePerfProcfs.CAP_SYS_ADMIN);
        PerfAccess everythingElse = PerfAccess.read(paths());

        assertThat(perfmon.systemWideAllowed()).isTrue();
        assertThat(sysAdmin.systemWideAllowed()).isTrue();
        assertThat(everythingElse.systemWideAllowed()).isFalse();
        assertThat(perfmon.description()).contains("kernel.perf_event_paranoid is 3 (users without CAP_PERFMON may"
                + " not use perf_event_open at all").contains("this process has CAP_PERFMON or CAP_SYS_ADMIN");
    }

    @Test
    void refusalDespitePermissiveSettingsBlamesSeccompOrASecurityModule() throws Exception {
        FakePerfProcfs.writeParanoid(procfs, -1);
        FakePerfProcfs.writeEffectiveCapabilities(procfs, FakePerfProcfs.NO_CAPABILITIES);

        var refused = PerfEventOpenException.fromErrno(PerfEventOpenException.EPERM, SYSTEM_WIDE_EVENT,
                PerfAccess.read(paths()));

        assertThat(refused.reason()).contains("failed with EPERM (errno 1)")
                .contains("although kernel.perf_event_paranoid is -1").contains("seccomp");
        assertThat(refused.fix()).contains("seccomp profile that allows perf_event_open");
    }

    @Test
    void missingProcfsFilesMeanUnknownParanoidAndNoCapability() {
        PerfAccess access = PerfAccess.read(paths());

        assertThat(access).isEqualTo(new PerfAccess(OptionalInt.empty(), false));
        assertThat(access.systemWideAllowed()).isFalse();
        assertThat(access.description()).startsWith("kernel.perf_event_paranoid could not be read")
                .contains("sudo sysctl kernel.perf_event_paranoid=0");
    }

    @Test
    void garbledParanoidFileCountsAsUnknown() throws Exception {
        Files.createDirectories(procfs.resolve("sys/kernel"));
        Files.writeString(procfs.resolve("sys/kernel/perf_event_paranoid"), "strict\n");

        assertThat(PerfAccess.read(paths()).paranoid()).isEmpty();
    }

    @Test
    void realProcessReadsTheKernelsSettingAndItsOwnCapabilities() throws Exception {
        Path realParanoid = Path.of("/proc/sys/kernel/perf_event_paranoid");
        assumeThat(Files.isReadable(realParanoid)).as("a real procfs").isTrue();

        PerfAccess access = PerfPowerSource.access(SystemPaths.real());

        assertThat(access.paranoid()).hasValue(Integer.parseInt(Files.readString(realParanoid).strip()));
        if ("root".equals(System.getProperty("user.name"))) {
            assertThat(access.perfmonCapable()).isTrue();
        }
    }
}
