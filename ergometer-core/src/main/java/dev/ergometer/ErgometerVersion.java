package dev.ergometer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version of Ergometer that is running, as Maven wrote it into ergometer-core's {@code version.properties}
 * when it built the jar (for example {@code 0.1.0-SNAPSHOT}).
 *
 * <p>Every part that names the version (the User-Agent of remote-write, the OTLP instrumentation scope,
 * {@code erg --version}, the generator line of {@code erg report}, the service's health answer) asks here, so all
 * say the same.
 */
public final class ErgometerVersion {

    /** What {@link #current()} says when the build left no version (classes compiled without Maven's resources). */
    public static final String UNKNOWN = "unknown";

    private static final String CURRENT = read();

    private ErgometerVersion() {
    }

    /** The running version, for example {@code 0.1.0-SNAPSHOT}, or {@value #UNKNOWN} when the build recorded none. */
    public static String current() {
        return CURRENT;
    }

    private static String read() {
        try (InputStream in = ErgometerVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return UNKNOWN;
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "").strip();
            // An unfiltered "${project.version}" means the resource was copied without Maven's filtering.
            return version.isEmpty() || version.startsWith("${") ? UNKNOWN : version;
        } catch (IOException e) {
            throw new UncheckedIOException("reading ergometer-core's dev/ergometer/version.properties failed", e);
        }
    }
}
