package dev.ergometer.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol (java.net.http's WebSocket): opens a page and
 * reports what a user's browser console would show, the exceptions thrown, and every request to anything but the
 * page's own file. Fails (never skips) when Chromium is not installed.
 */
final class Chromium implements AutoCloseable {

    /**
     * What loading a page gave.
     *
     * @param problems console errors and warnings, uncaught exceptions and browser log errors, one line each
     * @param externalRequests requests to anything other than file: and data: URLs
     * @param svgCount the number of svg elements in the document
     * @param svgRendered how many svg elements have a non-empty rendered box
     */
    record PageReport(List<String> problems, List<String> externalRequests, int svgCount, int svgRendered) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    private final AtomicInteger ids = new AtomicInteger();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The Chromium executable: $CHROMIUM, or chromium / chromium-browser / google-chrome on the PATH. */
    static Path executable() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new AssertionError("Chromium is not installed, and the HTML report's test needs a real browser:"
                + " install it (Debian: apt-get install chromium) or point $CHROMIUM at a Chromium or Chrome binary");
    }

    static Chromium start() throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("erg-chromium");
        Process process = new ProcessBuilder(executable().toString(), "--headless=new", "--disable-gpu",
                "--no-sandbox", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).start();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                StringBuilder seen = new StringBuilder();
                for (String line; (line = lines.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        endpoint.complete(m.group(1));
                    } else if (!endpoint.isDone()) {
                        seen.append(line).append('\n');
                    }
                }
                endpoint.completeExceptionally(new AssertionError("Chromium exited without a DevTools endpoint:\n"
                        + seen));
            } catch (IOException e) {
                endpoint.completeExceptionally(e);
            }
        }, "chromium-output");
        reader.setDaemon(true);
        reader.start();
        String url;
        try {
            url = endpoint.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("Chromium did not start its DevTools endpoint within 30 s: " + e, e);
        }
        Chromium[] self = new Chromium[1];
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    private final StringBuilder partial = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        partial.append(data);
                        if (last) {
                            try {
                                self[0].messages.add(JSON.readTree(partial.toString()));
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                            partial.setLength(0);
                        }
                        ws.request(1);
                        return null;
                    }
                }).join();
        Chromium chromium = new Chromium(process, profile, socket);
        self[0] = chromium;
        return chromium;
    }

    /** Opens {@code file} in a new tab and reports what the browser saw while it loaded and shortly after. */
    PageReport open(Path file) throws Exception {
        String target = call(null, "Target.createTarget", JSON.createObjectNode().put("url", "about:blank"))
                .path("targetId").asText();
        String session = call(null, "Target.attachToTarget", JSON.createObjectNode().put("targetId", target)
                .put("flatten", true)).path("sessionId").asText();
        List<JsonNode> events = new ArrayList<>();
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            call(session, domain + ".enable", JSON.createObjectNode(), events);
        }
        call(session, "Page.navigate", JSON.createObjectNode().put("url", file.toUri().toString()), events);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        boolean loaded = false;
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            JsonNode message = messages.poll(100, TimeUnit.MILLISECONDS);
            if (message == null) {
                continue;
            }
            events.add(message);
            if (message.path("method").asText().equals("Page.loadEventFired")) {
                loaded = true;
                quietUntil = System.nanoTime() + Duration.ofMillis(700).toNanos();
            }
        }
        if (!loaded) {
            throw new AssertionError("Chromium did not finish loading " + file + " within 30 s");
        }
        List<String> problems = new ArrayList<>();
        List<String> external = new ArrayList<>();
        for (JsonNode event : events) {
            JsonNode params = event.path("params");
            switch (event.path("method").asText()) {
                case "Runtime.consoleAPICalled" -> {
                    String type = params.path("type").asText();
                    if (type.equals("error") || type.equals("warning") || type.equals("assert")) {
                        problems.add("console." + type + ": " + params.path("args"));
                    }
                }
                case "Runtime.exceptionThrown" -> problems.add("exception: " + params.path("exceptionDetails"));
                case "Log.entryAdded" -> {
                    String level = params.path("entry").path("level").asText();
                    if (level.equals("error") || level.equals("warning")) {
                        problems.add("log " + level + ": " + params.path("entry").path("text").asText() + " "
                                + params.path("entry").path("url").asText());
                    }
                }
                case "Network.requestWillBeSent" -> {
                    String url = params.path("request").path("url").asText();
                    if (!url.startsWith("file:") && !url.startsWith("data:") && !url.equals("about:blank")) {
                        external.add(url);
                    }
                }
                default -> { }
            }
        }
        int svgs = evaluate(session, "document.querySelectorAll('svg').length").asInt();
        int rendered = evaluate(session, "Array.from(document.querySelectorAll('svg')).filter(s => {"
                + " const b = s.getBoundingClientRect(); return b.width > 100 && b.height > 50"
                + " && s.querySelectorAll('rect, line, circle, polyline, text').length > 10; }).length").asInt();
        call(null, "Target.closeTarget", JSON.createObjectNode().put("targetId", target));
        return new PageReport(problems, external, svgs, rendered);
    }

    private JsonNode evaluate(String session, String expression) throws Exception {
        JsonNode result = call(session, "Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
                .put("returnByValue", true));
        return result.path("result").path("value");
    }

    private JsonNode call(String session, String method, ObjectNode params) throws Exception {
        return call(session, method, params, new ArrayList<>());
    }

    /** Sends a command and waits for its answer, keeping the events that arrive meanwhile. */
    private JsonNode call(String session, String method, ObjectNode params, List<JsonNode> events)
            throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        if (session != null) {
            message.put("sessionId", session);
        }
        socket.sendText(JSON.writeValueAsString(message), true).get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode reply = messages.poll(100, TimeUnit.MILLISECONDS);
            if (reply == null) {
                continue;
            }
            if (reply.path("id").asInt(-1) == id) {
                if (reply.has("error")) {
                    throw new AssertionError(method + " failed: " + reply.get("error"));
                }
                return reply.path("result");
            }
            events.add(reply);
        }
        throw new AssertionError("Chromium did not answer " + method + " within 20 s");
    }

    @Override
    public void close() throws IOException {
        try {
            socket.sendText("{\"id\": 0, \"method\": \"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // below
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // a file Chromium removed meanwhile; the rest is in the system's temporary folder
            }
        }
    }
}
