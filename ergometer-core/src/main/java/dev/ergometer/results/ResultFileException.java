package dev.ergometer.results;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A result file that cannot be read as measurement results: which file, which line when there is one, and what was
 * expected there.
 */
public final class ResultFileException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;

    /** A problem with the whole file, or at a place a line number cannot name (a JSON member path). */
    public ResultFileException(Path file, String problem) {
        this(file, 0, problem);
    }

    /** A problem at {@code line} (from 1) of the file. */
    public ResultFileException(Path file, int line, String problem) {
        super(Objects.requireNonNull(file, "file") + (line > 0 ? " line " + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** The file that could not be read. */
    public Path file() {
        return file;
    }

    /** The line (from 1) where the problem is, when it is at one line. */
    public OptionalInt line() {
        return line > 0 ? OptionalInt.of(line) : OptionalInt.empty();
    }
}
