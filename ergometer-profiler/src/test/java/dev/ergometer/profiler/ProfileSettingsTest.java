package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.source.SystemPaths;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileSettingsTest {

    @Test
    void agentArgumentsCarryEverySettingThroughUnchanged() {
        ProfileSettings settings = ProfileSettings.builder(Path.of("/tmp/a folder, with=odd%chars/out"))
                .packages(List.of("com.example", "org.acme.shop"))
                .intervalNanos(500_000_000L)
                .formats(EnumSet.of(ReportFormat.CSV, ReportFormat.HTML))
                .sampler(SamplerChoice.EXECUTION)
                .samplingPeriodNanos(10_000_000L)
                .reportEveryNanos(0)
                .source("powercap,nvml")
                .domains(List.of("package_0", "dram_0"))
                .paths(new SystemPaths(Path.of("/x/sys"), Path.of("/x/proc"), Path.of("/x/dev"), Path.of("nv.so")))
                .model(1.5, 9.25, 0.4)
                .fromStart(true)
                .build();

        String arguments = settings.toAgentArguments();

        assertThat(arguments).doesNotContain(" ").doesNotContain("\"").doesNotContain("'");
        assertThat(ProfileSettings.parseAgentArguments(arguments)).isEqualTo(settings);
    }

    @Test
    void absentAgentArgumentsTakeTheDefaults() {
        ProfileSettings settings = ProfileSettings.parseAgentArguments(null);

        assertThat(settings.outputDirectory().toString()).startsWith("erg-profile-");
        assertThat(settings.intervalNanos()).isEqualTo(ProfileSettings.DEFAULT_INTERVAL_NANOS);
        assertThat(settings.samplingPeriodNanos()).isEqualTo(ProfileSettings.DEFAULT_SAMPLING_PERIOD_NANOS);
        assertThat(settings.formats()).containsExactlyInAnyOrder(ReportFormat.values());
        assertThat(settings.sampler()).isEqualTo(SamplerChoice.AUTO);
        assertThat(settings.packages()).isEmpty();
    }

    @Test
    void handWrittenAgentArgumentsNeedNoEncoding() {
        ProfileSettings settings = ProfileSettings.parseAgentArguments(
                "output=/tmp/p,packages=com.example:org.acme,interval=2s,period=10ms,format=html");

        assertThat(settings.outputDirectory()).isEqualTo(Path.of("/tmp/p"));
        assertThat(settings.packages()).containsExactly("com.example", "org.acme");
        assertThat(settings.intervalNanos()).isEqualTo(2_000_000_000L);
        assertThat(settings.samplingPeriodNanos()).isEqualTo(10_000_000L);
        assertThat(settings.formats()).containsExactly(ReportFormat.HTML);
    }

    @Test
    void durationsTakeUnitsAndBareSeconds() {
        assertThat(ProfileSettings.parseDurationNanos("1", "x")).isEqualTo(1_000_000_000L);
        assertThat(ProfileSettings.parseDurationNanos("0.5", "x")).isEqualTo(500_000_000L);
        assertThat(ProfileSettings.parseDurationNanos("250ms", "x")).isEqualTo(250_000_000L);
        assertThat(ProfileSettings.parseDurationNanos("2.5s", "x")).isEqualTo(2_500_000_000L);
        assertThat(ProfileSettings.parseDurationNanos("1m", "x")).isEqualTo(60_000_000_000L);
        assertThat(ProfileSettings.parseDurationNanos("200us", "x")).isEqualTo(200_000L);
        assertThat(ProfileSettings.parseDurationNanos("7ns", "x")).isEqualTo(7L);
        assertThatThrownBy(() -> ProfileSettings.parseDurationNanos("soon", "--interval"))
                .hasMessageContaining("--interval 'soon' is not a duration").hasMessageContaining("10ms");
    }

    @Test
    void anUnknownAgentArgumentListsTheKnownOnes() {
        assertThatThrownBy(() -> ProfileSettings.parseAgentArguments("outptu=/tmp"))
                .hasMessageContaining("unknown agent argument 'outptu'").hasMessageContaining("output, packages");
    }

    @Test
    void badValuesSayWhatIsAccepted() {
        ProfileSettings.Builder builder = ProfileSettings.builder(Path.of("p"));
        assertThatThrownBy(() -> builder.packages(List.of("com/example")).build())
                .hasMessageContaining("'com/example' is not a package name");
        assertThatThrownBy(() -> ProfileSettings.builder(Path.of("p")).intervalNanos(1_000_000L).build())
                .hasMessageContaining("between 0.1 s and 1 h");
        assertThatThrownBy(() -> ProfileSettings.builder(Path.of("p")).samplingPeriodNanos(100_000L).build())
                .hasMessageContaining("between 1 ms and 1 s");
        assertThatThrownBy(() -> ProfileSettings.builder(Path.of("p")).model(1.0, null, null).build())
                .hasMessageContaining("give both");
        assertThatThrownBy(() -> ReportFormat.parse("csv,pdf"))
                .hasMessageContaining("unknown report format 'pdf'").hasMessageContaining("text, csv, collapsed, html");
        assertThatThrownBy(() -> SamplerChoice.parse("wall"))
                .hasMessageContaining("auto, cpu-time and execution");
    }
}
