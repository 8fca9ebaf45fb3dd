package dev.ergometer.service;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server for tests: Debian's postgresql 15 binaries ({@code initdb}, {@code postgres}) on a free
 * loopback port, its data in a temporary folder, run as the {@code postgres} user when the test runs as root
 * (postgres refuses root). Fails with how to install it when the binaries are missing: never skipped.
 */
final class PostgresServer implements AutoCloseable {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path folder;
    private final Process process;
    private final int port;

    private PostgresServer(Path folder, Process process, int port) {
        this.folder = folder;
        this.process = process;
        this.port = port;
    }

    static PostgresServer start() throws Exception {
        if (!Files.isExecutable(BIN.resolve("postgres")) || !Files.isExecutable(BIN.resolve("initdb"))) {
            throw new AssertionError("PostgreSQL 15 is not installed at " + BIN + ": install it with"
                    + " `apt-get install postgresql-15` (the test starts its own server on loopback)");
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        Path folder = Files.createTempDirectory(Path.of("/tmp"), "ergometer-pg-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path data = folder.resolve("data");
        Files.createDirectories(data);
        if (root) {
            UserPrincipalLookupService users = folder.getFileSystem().getUserPrincipalLookupService();
            Files.setOwner(data, users.lookupPrincipalByName("postgres"));
            Files.setOwner(folder, users.lookupPrincipalByName("postgres"));
        }
        run(asServerUser(root, List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust",
                "-U", "ergometer", "-E", "UTF8", "--no-sync")), folder.resolve("initdb.log"));
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(asServerUser(root, List.of(BIN.resolve("postgres").toString(), "-D",
                data.toString(), "-p", Integer.toString(port), "-k", folder.toString(), "-c",
                "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200")))
                .redirectErrorStream(true).redirectOutput(folder.resolve("postgres.log").toFile()).start();
        PostgresServer server = new PostgresServer(folder, process, port);
        server.awaitReady();
        return server;
    }

    /** The command run as {@code postgres} through setpriv when we are root (setpriv execs: signals reach it). */
    private static List<String> asServerUser(boolean root, List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres",
                "--init-groups", "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    private static void run(List<String> command, Path logFile) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile())
                .start();
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new AssertionError(command + " failed:\n" + Files.readString(logFile, StandardCharsets.UTF_8));
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("postgres exited: " + logText());
            }
            try (var connection = java.sql.DriverManager.getConnection(url())) {
                if (connection.isValid(5)) {
                    return;
                }
            } catch (java.sql.SQLException notYet) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("postgres did not accept connections within 60 s: " + logText());
    }

    /** The JDBC URL of the {@code postgres} database as the superuser {@code ergometer}. */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=ergometer";
    }

    private String logText() {
        try {
            return Files.readString(folder.resolve("postgres.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 30 s) and removes its folder. */
    @Override
    public void close() throws IOException {
        process.destroy(); // SIGTERM: smart shutdown
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(folder)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
