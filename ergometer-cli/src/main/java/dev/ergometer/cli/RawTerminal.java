package dev.ergometer.cli;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The terminal in the mode {@code erg top} needs: keys arrive one at a time without echo ({@code stty -icanon -echo
 * min 0} on {@code /dev/tty}), drawing happens on the alternate screen with the cursor hidden, in plain ANSI escape
 * codes (so it works over ssh and in any terminal). {@link #close()} restores the saved settings and the screen; a
 * shutdown hook does the same when Ctrl-C or a signal ends the JVM.
 */
final class RawTerminal implements AutoCloseable {

    private static final File TTY = new File("/dev/tty");
    private static final String ALTERNATE_SCREEN = "\033[?1049h";
    private static final String MAIN_SCREEN = "\033[?1049l";
    private static final String HIDE_CURSOR = "\033[?25l";
    private static final String SHOW_CURSOR = "\033[?25h";
    private static final String HOME_AND_CLEAR = "\033[H\033[2J";
    private static final String CLEAR_TO_END_OF_LINE = "\033[K";

    private final String savedSettings;
    private final PrintStream out;
    private final Thread restoreOnExit;
    private boolean restored;

    private RawTerminal(String savedSettings, PrintStream out) {
        this.savedSettings = savedSettings;
        this.out = out;
        this.restoreOnExit = new Thread(this::restore, "erg-top-restore-terminal");
    }

    /**
     * Saves the terminal's settings, switches it to raw input and the alternate screen.
     *
     * @throws IOException when {@code stty} cannot be run or {@code /dev/tty} is not there (no controlling terminal)
     */
    static RawTerminal enter(PrintStream out) throws IOException {
        String saved = stty("-g").strip();
        stty("-icanon", "-echo", "min", "0");
        RawTerminal terminal = new RawTerminal(saved, out);
        Runtime.getRuntime().addShutdownHook(terminal.restoreOnExit);
        out.print(ALTERNATE_SCREEN + HIDE_CURSOR);
        out.flush();
        return terminal;
    }

    /** The terminal's number of rows, or {@code fallback} when {@code stty size} cannot tell. */
    int rows(int fallback) {
        try {
            String[] size = stty("size").strip().split("\\s+");
            int rows = Integer.parseInt(size[0]);
            return rows > 0 ? rows : fallback;
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }

    /** Redraws the whole screen with these lines. */
    void draw(Iterable<String> lines) {
        StringBuilder screen = new StringBuilder(HOME_AND_CLEAR);
        for (String line : lines) {
            screen.append(line).append(CLEAR_TO_END_OF_LINE).append("\r\n");
        }
        out.print(screen);
        out.flush();
    }

    /** The next key typed, or -1 when none is waiting. */
    int poll() throws IOException {
        return System.in.available() > 0 ? System.in.read() : -1;
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook runs anyway, and restore() is idempotent
        }
    }

    private synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        out.print(SHOW_CURSOR + MAIN_SCREEN);
        out.flush();
        try {
            stty(savedSettings);
        } catch (IOException e) {
            System.err.println("erg top: could not restore the terminal (" + e.getMessage() + "): type `stty sane`");
        }
    }

    private static String stty(String... arguments) throws IOException {
        String[] command = new String[arguments.length + 1];
        command[0] = "stty";
        System.arraycopy(arguments, 0, command, 1, arguments.length);
        Process process = new ProcessBuilder(command).redirectInput(TTY)
                .redirectError(ProcessBuilder.Redirect.PIPE).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String error = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException("`stty " + String.join(" ", arguments) + "` failed: " + error.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running stty", e);
        }
        return output;
    }
}
