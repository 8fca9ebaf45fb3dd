package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakePowercapTree;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link JvmProfiler#watch} on processes that are not there to be read. */
class JvmProfilerWatchTest {

    @TempDir
    Path temp;

    @Test
    void aJvmThatHasAlreadyExitedIsRefusedWithTheFixNotProfiledAsZero() throws Exception {
        FakePowercapTree.in(temp.resolve("sys")).zone("intel-rapl:0", "package-0",
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        ProfileSettings settings = ProfileSettings.builder(temp.resolve("profile")).source("powercap")
                .paths(SystemPaths.real().withSysfs(temp.resolve("sys"))).build();
        // a zombie: `sleep 0` exits at once, and its parent (the shell, which became `sleep 5`) never waits for it
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 5").start();
        try (EnergySource source = ProfileSources.open(settings).source();
                Sampler sampler = ProfileSources.sampler(source, settings)) {
            long zombie = zombieChildOf(parent.pid());
            Path repository = Files.createDirectories(temp.resolve("jfr/2026_11_26_00_00_00_" + zombie));

            assertThatThrownBy(() -> JvmProfiler.watch(zombie, repository, source, sampler, settings,
                    new PrintWriter(new StringWriter())))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("ended before erg profile could read its CPU time")
                    .hasMessageContaining("--from-start");
        } finally {
            parent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static long zombieChildOf(long pid) throws Exception {
        Path children = Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children");
        for (int i = 0; i < 200; i++) {
            String text = Files.readString(children).strip();
            if (!text.isEmpty()) {
                long child = Long.parseLong(text.split(" ")[0]);
                String stat = Files.readString(Path.of("/proc", Long.toString(child), "stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) {
                    return child;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no zombie child of " + pid + " appeared");
    }
}
