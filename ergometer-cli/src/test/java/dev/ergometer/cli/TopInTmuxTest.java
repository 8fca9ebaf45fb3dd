package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Drives the live {@code erg top} in a real terminal: a detached tmux session runs it, keys are sent with
 * {@code tmux send-keys} and the screen is read with {@code tmux capture-pane}. Needs tmux (installed by .ci/run); it
 * fails, not skips, when tmux is missing.
 */
class TopInTmuxTest {

    private final String socket = "ergometer-top-test-" + ProcessHandle.current().pid();
    private String tmux;

    @BeforeEach
    void findTmux() {
        tmux = onPath("tmux").map(Path::toString).orElse(null);
        assertThat(tmux).as("tmux is not installed, and this test drives `erg top` in a real terminal through it:"
                + " install it (apt-get install tmux; .ci/run does) and run the tests again").isNotNull();
    }

    @AfterEach
    void killServer() throws Exception {
        if (tmux != null) {
            run(tmux, "-L", socket, "kill-server");
        }
    }

    @Test
    void liveViewSwitchesWithKeysQuitsOnQAndRestoresTheTerminal() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String erg = quote(java) + " --enable-native-access=ALL-UNNAMED -cp "
                + quote(System.getProperty("java.class.path")) + " dev.ergometer.cli.Erg top --source model"
                + " --interval 0.3";
        String script = "before=$(stty -g); " + erg + "; rc=$?; after=$(stty -g); "
                + "if [ \"$before\" = \"$after\" ]; then echo TERMINAL-RESTORED rc=$rc; else echo NOT-RESTORED rc=$rc; fi;"
                + " sleep 60";
        run(tmux, "-L", socket, "new-session", "-d", "-s", "top", "-x", "150", "-y", "45", "sh -c " + quote(script));

        assertThat(screenShows("PROCESS ")).contains("source model (ESTIMATED)").contains("machine W")
                .contains("unattributed W").contains("(pid ");
        run(tmux, "-L", socket, "send-keys", "-t", "top", "k");
        assertThat(screenShows("CONTAINER ")).contains("containers");
        run(tmux, "-L", socket, "send-keys", "-t", "top", "c");
        assertThat(screenShows("CGROUP ")).contains("cgroups");
        run(tmux, "-L", socket, "send-keys", "-t", "top", "q");
        assertThat(screenShows("rc=")).contains("TERMINAL-RESTORED rc=0");
    }

    /** Waits until the screen holds {@code text}, and returns the screen. */
    private String screenShows(String text) throws Exception {
        String screen = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            screen = run(tmux, "-L", socket, "capture-pane", "-p", "-t", "top");
            if (screen.contains(text)) {
                return screen;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the terminal never showed '" + text + "' within 20 s; it shows:\n" + screen);
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return output;
    }

    private static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }

    private static Optional<Path> onPath(String program) {
        List<Path> candidates = new ArrayList<>();
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            candidates.add(Path.of(dir, program));
        }
        try (Stream<Path> found = candidates.stream().filter(Files::isExecutable)) {
            return found.findFirst();
        }
    }
}
