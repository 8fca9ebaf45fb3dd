package dev.ergometer.profiler;

import dev.ergometer.source.EnergySource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The jar to pass to {@code -javaagent}: this module's own jar when core's jar sits where its manifest's Class-Path
 * looks, one folder up (the distribution's {@code lib/optional/} and {@code lib/}), or else (class folders of a build, jars in a
 * Maven repository or a build's target folders) a small jar made in {@code folder} whose manifest names where the
 * profiler and core were loaded from.
 */
final class AgentJar {

    private AgentJar() {
    }

    /**
     * @param folder where to make the jar when one must be made
     * @throws IOException when the jar cannot be found or made
     */
    static Path locate(Path folder) throws IOException {
        Path profiler = codeSource(ProfilerAgent.class);
        Path core = codeSource(EnergySource.class);
        Path home = profiler.getParent();
        if (Files.isRegularFile(profiler) && Files.isRegularFile(core) && home != null
                && core.getParent().equals(home.getParent())) {
            return profiler; // its manifest's Class-Path names core one folder up
        }
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.put(new Attributes.Name("Premain-Class"), ProfilerAgent.class.getName());
        main.put(new Attributes.Name("Agent-Class"), ProfilerAgent.class.getName());
        main.put(Attributes.Name.CLASS_PATH, profiler.toUri() + " " + core.toUri());
        Path jar = folder.resolve("erg-profiler-agent.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream ignored = new JarOutputStream(out,
                manifest)) {
            // the manifest is the whole jar
        }
        return jar;
    }

    private static Path codeSource(Class<?> type) throws IOException {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null) {
            throw new IOException("cannot tell where " + type.getName() + " was loaded from, so no -javaagent jar can"
                    + " be named; run erg from its distribution (bin/erg)");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("cannot tell where " + type.getName() + " was loaded from (" + source.getLocation()
                    + "): " + e.getMessage(), e);
        }
    }
}
