package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceConfigTest {

    @TempDir
    Path root;

    @Test
    void theDefaultsServeJouleTracesPortOnLoopbackWithAnH2FileInTheDataFolder() throws Exception {
        ServiceConfig config = ServiceConfig.from(Map.of(), Map.of("HOME", root.toString()));

        assertThat(config.httpBind()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).contains(8000);
        assertThat(config.token()).isEmpty();
        assertThat(config.databaseUrl()).isEqualTo("jdbc:h2:file:" + root.resolve(".local/share/ergometer/service"));
        assertThat(config.measurementCores()).containsExactly(CpuAffinity.of(0).length() - 1);
        assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.idleMaxAge()).isEqualTo(Duration.ofMinutes(30));
        assertThat(config.jobRetries()).isEqualTo(2);
        assertThat(config.maxRequestBytes()).isEqualTo(1 << 20);
    }

    @Test
    void coresAreListsRangesOrOff() throws Exception {
        assertThat(ServiceConfig.cores("1,3")).containsExactly(1, 3);
        assertThat(ServiceConfig.cores("2-4")).containsExactly(2, 3, 4);
        assertThat(ServiceConfig.cores("off")).isEmpty();
        assertThatThrownBy(() -> ServiceConfig.cores("4-2")).hasMessageContaining("backwards");
        assertThatThrownBy(() -> ServiceConfig.from(Map.of(), Map.of("MEASUREMENT_CORES", "1,1")))
                .hasMessageContaining("twice");
    }

    @Test
    void theEnvironmentWinsOverTheFileAndUnknownFileKeysAreRefused() throws Exception {
        ServiceConfig config = ServiceConfig.from(Map.of("HTTP_PORT", "9000", "WORKER_NAME", "file"),
                Map.of("HTTP_PORT", "9001", "MEASUREMENT_CORES", "0"));

        assertThat(config.httpPort()).contains(9001);
        assertThat(config.workerName()).isEqualTo("file");
        assertThatThrownBy(() -> ServiceConfig.from(Map.of("HTTP_PROT", "1"), Map.of()))
                .hasMessageContaining("unknown setting 'HTTP_PROT'");
    }

    @Test
    void aTokenFileIsReadAndNeitherTokenNorPasswordIsEverPrinted() throws Exception {
        Path tokenFile = root.resolve("token");
        Files.writeString(tokenFile, "abcdefghijklmnopqrstuvwxyz012345\n");
        ServiceConfig config = ServiceConfig.from(Map.of(), Map.of("API_TOKEN_FILE", tokenFile.toString(),
                "HTTP_BIND", "0.0.0.0", "DATABASE_URL", "jdbc:postgresql://db:5432/jobs?password=hunter2",
                "DATABASE_PASSWORD", "hunter2", "MEASUREMENT_CORES", "0"));

        assertThat(config.token().orElseThrow().accepts("Bearer abcdefghijklmnopqrstuvwxyz012345")).isTrue();
        assertThat(config.token().orElseThrow().accepts("Bearer abcdefghijklmnopqrstuvwxyz01234")).isFalse();
        assertThat(config.token().orElseThrow().accepts("abcdefghijklmnopqrstuvwxyz012345")).isFalse();
        assertThat(config.toString()).doesNotContain("abcdefghijklmnopqrstuvwxyz012345", "hunter2");
        assertThat(config.token().orElseThrow().toString()).doesNotContain("abc");
    }

    @Test
    void aNodeThatNeitherServesNorMeasuresIsRefused() {
        assertThatThrownBy(() -> ServiceConfig.from(Map.of(), Map.of("HTTP_PORT", "off", "MEASUREMENT_CORES", "off")))
                .hasMessageContaining("nothing to do");
    }

    @Test
    void jobRunrsShortestPollIntervalIsTheFloor() {
        assertThatThrownBy(() -> ServiceConfig.from(Map.of(), Map.of("POLL_INTERVAL_S", "1")))
                .hasMessageContaining("at least 5");
    }

    @Test
    void aWorkerOnlyNodeNeedsNoToken() throws Exception {
        ServiceConfig config = ServiceConfig.from(Map.of(), Map.of("HTTP_PORT", "off", "HTTP_BIND", "0.0.0.0",
                "MEASUREMENT_CORES", "0"));

        assertThat(config.httpPort()).isEmpty();
        assertThat(config.worker()).isTrue();
        assertThat(List.of(ServiceConfig.loopback("127.0.0.2"), ServiceConfig.loopback("::1"),
                ServiceConfig.loopback("0.0.0.0"))).containsExactly(true, true, false);
    }
}
