package dev.ergometer.service;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link ServiceProcess} started by a test in a JVM of its own; its output is kept for failure messages. */
final class ChildService implements AutoCloseable {

    private static final Pattern API = Pattern.compile("API at http://[^:]+:(\\d+)/docs");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();

    private ChildService(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    output.add(line);
                    Matcher m = API.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    } else if (line.startsWith("erg serve:")) {
                        port.complete(-1);
                    }
                }
            } catch (java.io.IOException e) {
                // the process died: its exit shows in the test
            }
            port.complete(-1);
        });
    }

    /** Starts the service in a new JVM with these settings added to the environment. */
    static ChildService start(Map<String, String> settings, Path sysfs, long trialMillis, Path runsLog)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), ServiceProcess.class.getName(), sysfs.toString(),
                Long.toString(trialMillis), runsLog.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(settings);
        return new ChildService(builder.start());
    }

    /** The API's port once the service is up; -1 when it serves none. */
    int port() throws Exception {
        try {
            return port.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the service did not start within 60 s; its output:\n" + output());
        }
    }

    /** Kills the JVM with SIGKILL, as {@code kill -9} does, and waits for it. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    long pid() {
        return process.pid();
    }

    String output() {
        return String.join("\n", output);
    }

    /** Stops the service with SIGTERM (SIGKILL after 20 s). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
