package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JdkReleaseTest {

    @TempDir
    Path temp;

    private Path jdk(String name, String release) throws Exception {
        Path home = temp.resolve(name);
        Files.createDirectories(home.resolve("bin"));
        Path java = Files.createFile(home.resolve("bin/java"));
        java.toFile().setExecutable(true);
        Files.writeString(home.resolve("release"), release);
        return home;
    }

    @Test
    void aLauncherOnThePathIsFoundThroughItsLinksAndReadFromItsRelease() throws Exception {
        Path home = jdk("jdk-17", "IMPLEMENTOR=\"Debian\"\nJAVA_VERSION=\"17.0.15\"\nOS_NAME=\"Linux\"\n");
        Path bin = Files.createDirectories(temp.resolve("usr-bin"));
        Files.createSymbolicLink(bin.resolve("java"), home.resolve("bin/java"));

        JdkRelease release = JdkRelease.ofLauncher("java", temp.resolve("nothing") + ":" + bin).orElseThrow();

        assertThat(release.home()).isEqualTo(home.toRealPath());
        assertThat(release.version()).isEqualTo("17.0.15");
        assertThat(release.feature()).isEqualTo(17);
    }

    @Test
    void versionsOfEveryShapeGiveTheirFeatureRelease() throws Exception {
        assertThat(new JdkRelease(temp, "25.0.3").feature()).isEqualTo(25);
        assertThat(new JdkRelease(temp, "25").feature()).isEqualTo(25);
        assertThat(new JdkRelease(temp, "1.8.0_412").feature()).isEqualTo(8);
        assertThat(new JdkRelease(temp, "26-ea").feature()).isEqualTo(26);
    }

    @Test
    void aLauncherWithoutAReleaseFileCannotBeTold() throws Exception {
        Path home = jdk("odd", "JAVA_VERSION=\"25\"\n");
        Files.delete(home.resolve("release"));

        assertThat(JdkRelease.ofLauncher(home.resolve("bin/java").toString(), null)).isEmpty();
        assertThat(JdkRelease.ofLauncher("java", temp.resolve("nowhere").toString())).isEmpty();
    }
}
