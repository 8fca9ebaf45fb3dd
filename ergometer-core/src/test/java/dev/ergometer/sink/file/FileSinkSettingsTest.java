package dev.ergometer.sink.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FileSinkSettingsTest {

    private static final Path CSV = Path.of("/var/lib/ergometer/energy.csv");

    @Test
    void defaultsAre64MibNoAgeLimitFiveOldFilesAndNoFsync() {
        assertThat(FileSinkSettings.of(CSV))
                .isEqualTo(new FileSinkSettings(CSV, 64L * 1024 * 1024, Optional.empty(), 5, false));
    }

    @Test
    void oldFilesAreNumberedFromOneNextToTheFile() {
        assertThat(FileSinkSettings.of(CSV).oldFile(3)).isEqualTo(Path.of("/var/lib/ergometer/energy.csv.3"));
    }

    @Test
    void refusesNonPositiveMaxBytesNamingTheValue() {
        assertThatThrownBy(() -> FileSinkSettings.of(CSV).withMaxBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("file sink " + CSV + ": maxBytes must be > 0, got 0 (the default is 67108864, 64 MiB)");
    }

    @Test
    void refusesANonPositiveMaxAge() {
        assertThatThrownBy(() -> FileSinkSettings.of(CSV).withMaxAge(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAge must be > 0, got PT0S (leave it empty for no age limit)");
    }

    @Test
    void refusesKeepOutsideZeroToMaxKeep() {
        assertThatThrownBy(() -> FileSinkSettings.of(CSV).withKeep(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keep must be between 0 and 1000 old files, got -1");
        assertThatThrownBy(() -> FileSinkSettings.of(CSV).withKeep(1001))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 1001");
    }

    @Test
    void refusesAPathWithoutAFileName() {
        assertThatThrownBy(() -> FileSinkSettings.of(Path.of("/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("names no file");
    }
}
