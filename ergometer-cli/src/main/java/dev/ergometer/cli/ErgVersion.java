package dev.ergometer.cli;

import picocli.CommandLine.IVersionProvider;

/** The version {@code erg --version} prints: the distribution's version and the running JDK. */
final class ErgVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = Erg.class.getPackage().getImplementationVersion();
        return new String[] {
            "erg " + (version == null ? "(development build)" : version),
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
        };
    }
}
