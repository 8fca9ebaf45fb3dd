package dev.ergometer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErgometerVersionTest {

    @Test
    void currentIsTheVersionMavenBuiltNotThePlaceholder() {
        assertThat(ErgometerVersion.current()).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }
}
