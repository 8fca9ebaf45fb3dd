package dev.ergometer.profiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder a JVM writes its profile into. The first JVM to claim a folder (by creating its {@value #OWNER} file)
 * writes into it; any other JVM profiled with the same settings (a script that starts several, or
 * {@code JDK_JAVA_OPTIONS} reaching child JVMs) writes into {@code jvm-PID} inside it, so no profile overwrites another.
 */
final class OutputFolder {

    /** The file that says which JVM owns the folder: its pid. */
    static final String OWNER = ".erg-profile-owner";

    private OutputFolder() {
    }

    /**
     * Claims {@code folder} for the JVM {@code pid}, or a {@code jvm-PID} folder inside it.
     *
     * @throws IOException when neither can be created, with the folder and the reason
     */
    static Path claim(Path folder, long pid) throws IOException {
        Path absolute = folder.toAbsolutePath();
        try {
            Files.createDirectories(absolute);
            try {
                Files.writeString(absolute.resolve(OWNER), pid + "\n", StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
                return absolute;
            } catch (FileAlreadyExistsException e) {
                Path own = absolute.resolve("jvm-" + pid);
                Files.createDirectories(own);
                Files.writeString(own.resolve(OWNER), pid + "\n", StandardCharsets.UTF_8);
                return own;
            }
        } catch (IOException e) {
            throw new IOException("cannot create the profile folder " + absolute + ": " + e
                    + "; choose a writable folder with --output (or output= in the agent's arguments)", e);
        }
    }
}
