package dev.ergometer.attribution;

import java.nio.file.Path;
import java.util.Set;

/**
 * Looks one container id up in another JVM, for {@link ContainerNamesTest} to run it as another user: prints the
 * names found and the warning, if any.
 */
final class ContainerNamesProbe {

    private ContainerNamesProbe() {
    }

    public static void main(String[] args) {
        ContainerNames.Lookup lookup = ContainerNames.at(Path.of(args[0])).lookup(Set.of(args[1]));
        System.out.println("names: " + lookup.namesById());
        lookup.warning().ifPresent(w -> System.out.println("warning: " + w));
    }
}
