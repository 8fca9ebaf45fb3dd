package dev.ergometer.cli;

import dev.ergometer.ErgometerVersion;
import picocli.CommandLine.IVersionProvider;

/** The version {@code erg --version} prints: the distribution's version and the running JDK. */
final class ErgVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {
            "erg " + ErgometerVersion.current(),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
