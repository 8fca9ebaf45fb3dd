package dev.ergometer.cli;

import dev.ergometer.measure.CommandMeasurement;
import java.io.PrintStream;
import java.time.Duration;

/**
 * A one-line progress bar on standard error for repeated runs, drawn only when standard error is a terminal and
 * there is more than one run; erased when done.
 */
final class ProgressBar implements CommandMeasurement.Progress, AutoCloseable {

    private static final int WIDTH = 30;

    private final PrintStream err;
    private final int total;
    private final boolean enabled;
    private boolean drawn;

    private ProgressBar(PrintStream err, int total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled;
    }

    static ProgressBar forStandardError(int totalRuns) {
        return new ProgressBar(System.err, totalRuns, totalRuns > 1 && Terminal.standardErrorIsTerminal());
    }

    @Override
    public void idleStarted(Duration window) {
        if (enabled) {
            draw("measuring idle power for " + window.toMillis() / 1000.0 + " s");
        }
    }

    @Override
    public void runFinished(int done, int totalRuns) {
        if (enabled) {
            int filled = done * WIDTH / totalRuns;
            draw("[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] " + done + "/" + totalRuns + " runs");
        }
    }

    private void draw(String line) {
        err.print("\r\033[2K" + line);
        err.flush();
        drawn = true;
    }

    @Override
    public void close() {
        if (drawn) {
            err.print("\r\033[2K");
            err.flush();
        }
    }
}
