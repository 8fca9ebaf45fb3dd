package dev.ergometer.agent;

import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real headless Chromium driven over the Chrome DevTools Protocol (java.net.http's WebSocket, core's JSON): opens
 * pages in tabs, evaluates JavaScript in them, records what a user's console would show and every request the page
 * makes, and takes screenshots. Fails (never skips) when Chromium is not installed.
 *
 * <p>Published in ergometer-agent's test-jar: the dashboard's test (here) and the HTML report's test (ergometer-cli)
 * both drive the browser through it.
 *
 * <pre>{@code
 * try (Chromium chromium = Chromium.start(); Chromium.Tab tab = chromium.open(url, 1280, 900)) {
 *     assertThat(tab.evaluate("document.title")).isEqualTo("Ergometer agent");
 *     assertThat(tab.problems()).isEmpty();
 * }
 * }</pre>
 */
public final class Chromium implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<Map<String, Object>>> answers = new ConcurrentHashMap<>();
    /** Events by session id, as they arrive. */
    private final Map<String, List<Map<String, Object>>> events = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** The Chromium executable: $CHROMIUM, or chromium / chromium-browser / google-chrome on the PATH. */
    public static Path executable() {
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
        throw new AssertionError("Chromium is not installed, and this test needs a real browser: install it"
                + " (Debian: apt-get install chromium) or point $CHROMIUM at a Chromium or Chrome binary");
    }

    /** Starts a headless Chromium with a fresh profile and connects to its DevTools endpoint. */
    public static Chromium start() throws IOException {
        Path profile = Files.createTempDirectory("erg-chromium");
        Process process = new ProcessBuilder(executable().toString(), "--headless=new", "--disable-gpu",
                "--no-sandbox", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--hide-scrollbars", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profile, "about:blank")
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
                            self[0].receive(JsonReader.object(partial.toString()));
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

    private void receive(Map<String, Object> message) {
        if (message.get("id") instanceof Number id) {
            CompletableFuture<Map<String, Object>> answer = answers.remove(id.intValue());
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        String session = message.get("sessionId") instanceof String s ? s : "";
        events.computeIfAbsent(session, k -> new CopyOnWriteArrayList<>()).add(message);
    }

    /**
     * Opens {@code url} in a new tab of {@code width} x {@code height} CSS pixels, waits for its load event and
     * returns the tab; everything the page does from the start is recorded.
     */
    public Tab open(URI url, int width, int height) throws Exception {
        String target = (String) call(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId");
        String session = (String) call(null, "Target.attachToTarget", Map.of("targetId", target, "flatten", true))
                .get("sessionId");
        Tab tab = new Tab(target, session);
        for (String domain : List.of("Runtime", "Log", "Network", "Page")) {
            call(session, domain + ".enable", Map.of());
        }
        call(session, "Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
                "deviceScaleFactor", 1, "mobile", false));
        call(session, "Page.navigate", Map.of("url", url.toString()));
        tab.waitFor(Duration.ofSeconds(30), "the page's load event",
                () -> tab.events().stream().anyMatch(e -> "Page.loadEventFired".equals(e.get("method"))));
        return tab;
    }

    /** Sends a command and waits for its answer's result. */
    private Map<String, Object> call(String session, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
        answers.put(id, answer);
        JsonWriter json = new JsonWriter(false).beginObject().name("id").value(id).name("method").value(method);
        if (session != null) {
            json.name("sessionId").value(session);
        }
        json.name("params");
        write(json, params);
        socket.sendText(json.endObject().toString(), true).get(10, TimeUnit.SECONDS);
        Map<String, Object> reply;
        try {
            reply = answer.get(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Chromium did not answer " + method + " within " + ANSWER_TIMEOUT.toSeconds()
                    + " s");
        }
        if (reply.containsKey("error")) {
            throw new AssertionError(method + " failed: " + reply.get("error"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = reply.get("result") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        return result;
    }

    private static void write(JsonWriter json, Object value) {
        switch (value) {
            case null -> json.nullValue();
            case String s -> json.value(s);
            case Boolean b -> json.value(b);
            case Integer i -> json.value((long) i);
            case Long l -> json.value(l);
            case Number n -> json.value(n.doubleValue());
            case Map<?, ?> map -> {
                json.beginObject();
                map.forEach((k, v) -> {
                    json.name((String) k);
                    write(json, v);
                });
                json.endObject();
            }
            default -> throw new IllegalArgumentException("cannot send " + value.getClass() + " to Chromium");
        }
    }

    /** One tab: a page, its recorded events, and the means to look into it. */
    public final class Tab implements AutoCloseable {

        private final String target;
        private final String session;

        private Tab(String target, String session) {
            this.target = target;
            this.session = session;
        }

        /** Everything the tab reported so far, in order. */
        public List<Map<String, Object>> events() {
            return List.copyOf(events.getOrDefault(session, List.of()));
        }

        /**
         * Evaluates a JavaScript expression in the page and returns its value (JSON-like: String, Double or Long,
         * Boolean, Map, List or null).
         *
         * @throws AssertionError when the expression throws
         */
        public Object evaluate(String expression) throws Exception {
            Map<String, Object> result = call(session, "Runtime.evaluate", Map.of("expression", expression,
                    "returnByValue", true));
            if (result.containsKey("exceptionDetails")) {
                throw new AssertionError("evaluating " + expression + " threw: " + result.get("exceptionDetails"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> value = (Map<String, Object>) result.get("result");
            return value.get("value");
        }

        /** A number the page computes. */
        public double number(String expression) throws Exception {
            Object value = evaluate(expression);
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            throw new AssertionError(expression + " is not a number in the page: " + value);
        }

        /** Waits until {@code condition} holds, checking every 50 ms. */
        public void waitFor(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; problems so far: "
                            + problems());
                }
                Thread.sleep(50);
            }
        }

        /** Waits until a JavaScript expression is true in the page. */
        public void waitUntil(Duration timeout, String expression) throws InterruptedException {
            waitFor(timeout, expression, () -> {
                try {
                    return Boolean.TRUE.equals(evaluate(expression));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }

        /** Console errors and warnings, uncaught exceptions and browser log errors and warnings, one line each. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            for (Map<String, Object> event : events()) {
                Map<?, ?> params = event.get("params") instanceof Map<?, ?> m ? m : Map.of();
                switch (String.valueOf(event.get("method"))) {
                    case "Runtime.consoleAPICalled" -> {
                        Object type = params.get("type");
                        if ("error".equals(type) || "warning".equals(type) || "assert".equals(type)) {
                            problems.add("console." + type + ": " + params.get("args"));
                        }
                    }
                    case "Runtime.exceptionThrown" -> problems.add("exception: " + params.get("exceptionDetails"));
                    case "Log.entryAdded" -> {
                        Map<?, ?> entry = (Map<?, ?>) params.get("entry");
                        Object level = entry.get("level");
                        if ("error".equals(level) || "warning".equals(level)) {
                            problems.add("log " + level + ": " + entry.get("text") + " " + entry.get("url"));
                        }
                    }
                    default -> { }
                }
            }
            return problems;
        }

        /** The URL of every request the page made, in order. */
        public List<String> requests() {
            List<String> urls = new ArrayList<>();
            for (Map<String, Object> event : events()) {
                if ("Network.requestWillBeSent".equals(event.get("method"))) {
                    Map<?, ?> request = (Map<?, ?>) ((Map<?, ?>) event.get("params")).get("request");
                    urls.add(String.valueOf(request.get("url")));
                }
            }
            return urls;
        }

        /** A PNG of the page as it is drawn now. */
        public byte[] screenshot() throws Exception {
            Map<String, Object> result = call(session, "Page.captureScreenshot", Map.of("format", "png",
                    "captureBeyondViewport", false));
            return Base64.getDecoder().decode((String) result.get("data"));
        }

        @Override
        public void close() throws Exception {
            call(null, "Target.closeTarget", Map.of("targetId", target));
            events.remove(session);
        }
    }

    @Override
    public void close() {
        try {
            socket.sendText("{\"id\":0,\"method\":\"Browser.close\"}", true).get(5, TimeUnit.SECONDS);
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // destroyed below
        } finally {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // a file Chromium removed meanwhile; the rest is in the system's temporary folder
            }
        }
    }
}
