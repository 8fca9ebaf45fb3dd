package dev.ergometer.otlp;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The settings of an {@link OtlpSink}: where to send (an OTLP/HTTP metrics URL), which extra HTTP headers to send, how
 * long one attempt may take, and the resource attributes that describe this machine to the receiver.
 *
 * <p>Values are validated here, so that a bad setting fails when the sink is built, with a message naming it:
 *
 * <pre>{@code
 * OtlpSettings settings = OtlpSettings.to("http://collector:4318/v1/metrics")
 *         .withHeader("Authorization", "Bearer " + token)
 *         .withTimeout(Duration.ofSeconds(5))
 *         .withResourceAttribute("deployment.environment.name", "lab");
 * }</pre>
 *
 * @param endpoint the OTLP/HTTP metrics URL, e.g. {@code http://collector:4318/v1/metrics}
 * @param headers extra HTTP headers sent with every request (e.g. {@code Authorization}), in the order given
 * @param timeout how long one export attempt may take, connection included ({@code > 0})
 * @param resourceAttributes the OTel resource: {@code service.name}, {@code host.name} and any others, in order
 */
public record OtlpSettings(URI endpoint, Map<String, String> headers, Duration timeout,
                           Map<String, String> resourceAttributes) {

    /** The path of the metrics signal on an OTLP/HTTP receiver, added to an endpoint given without a path. */
    public static final String METRICS_PATH = "/v1/metrics";

    /** The {@code service.name} resource attribute unless another is given. */
    public static final String DEFAULT_SERVICE_NAME = "ergometer";

    /** The request timeout unless another is given (the OTel SDK's default too). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the exporter or the HTTP client set themselves; the JDK client refuses the restricted ones. */
    private static final Set<String> RESERVED_HEADERS = Set.of("connection", "content-length", "content-type",
            "content-encoding", "expect", "host", "upgrade", "accept-encoding");

    public OtlpSettings {
        endpoint = checkEndpoint(Objects.requireNonNull(endpoint, "endpoint"));
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("OTLP timeout must be > 0, got " + timeout
                    + " (e.g. 10s: one export attempt may take that long)");
        }
        headers = checkedHeaders(Objects.requireNonNull(headers, "headers"));
        resourceAttributes = checkedAttributes(Objects.requireNonNull(resourceAttributes, "resourceAttributes"));
    }

    /**
     * Settings for the OTLP/HTTP metrics URL {@code endpoint} with no extra header, a 10 s timeout and the resource
     * attributes {@code service.name=ergometer} and {@code host.name=<this machine's host name>} (left out when the
     * JDK cannot tell the host name). A URL without a path gets {@code /v1/metrics}, as {@code
     * OTEL_EXPORTER_OTLP_ENDPOINT} does.
     *
     * @throws IllegalArgumentException when {@code endpoint} is not an http:// or https:// URL with a host
     */
    public static OtlpSettings to(String endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        URI uri;
        try {
            uri = new URI(endpoint.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("OTLP endpoint '" + endpoint + "' is not a URL: " + e.getReason()
                    + " at index " + e.getIndex() + example(), e);
        }
        Map<String, String> resource = new LinkedHashMap<>();
        resource.put("service.name", DEFAULT_SERVICE_NAME);
        String host = localHostName();
        if (host != null) {
            resource.put("host.name", host);
        }
        return new OtlpSettings(uri, Map.of(), DEFAULT_TIMEOUT, resource);
    }

    /** These settings with the HTTP header {@code name: value} added (or replaced, names ignoring case). */
    public OtlpSettings withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.keySet().removeIf(existing -> existing.equalsIgnoreCase(name));
        copy.put(name, value);
        return new OtlpSettings(endpoint, copy, timeout, resourceAttributes);
    }

    /** These settings with one export attempt limited to {@code timeout}. */
    public OtlpSettings withTimeout(Duration timeout) {
        return new OtlpSettings(endpoint, headers, timeout, resourceAttributes);
    }

    /** These settings with the resource attribute {@code key=value} added or replaced. */
    public OtlpSettings withResourceAttribute(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(resourceAttributes);
        copy.put(key, value);
        return new OtlpSettings(endpoint, headers, timeout, copy);
    }

    /** These settings without the resource attribute {@code key} (e.g. to leave {@code host.name} out). */
    public OtlpSettings withoutResourceAttribute(String key) {
        Map<String, String> copy = new LinkedHashMap<>(resourceAttributes);
        copy.remove(key);
        return new OtlpSettings(endpoint, headers, timeout, copy);
    }

    /** Header names only: values may be credentials. */
    @Override
    public String toString() {
        return "OtlpSettings[endpoint=" + endpoint + ", headers=" + headers.keySet() + ", timeout=" + timeout
                + ", resourceAttributes=" + resourceAttributes + "]";
    }

    private static URI checkEndpoint(URI uri) {
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("OTLP endpoint '" + uri + "' must start with http:// or https://"
                    + " (this sink speaks OTLP/HTTP with protobuf bodies, not gRPC)" + example());
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("OTLP endpoint '" + uri + "' has no host name" + example());
        }
        if (uri.getQuery() != null || uri.getFragment() != null) {
            throw new IllegalArgumentException("OTLP endpoint '" + uri + "' must not carry a query or fragment"
                    + example());
        }
        String path = uri.getRawPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + METRICS_PATH);
        }
        return uri;
    }

    private static Map<String, String> checkedHeaders(Map<String, String> headers) {
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : headers.entrySet()) {
            String name = Objects.requireNonNull(header.getKey(), "header name");
            String value = Objects.requireNonNull(header.getValue(), () -> "value of header " + name);
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("OTLP header name '" + name + "' is not an HTTP header name"
                        + " (letters, digits and !#$%&'*+-.^_`|~ only)");
            }
            if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("OTLP header " + name + " is set by the exporter itself and "
                        + "cannot be overridden; remove it from the headers");
            }
            if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("OTLP header " + name + " has a line break in its value; "
                        + "a header value is one line");
            }
            copy.put(name, value);
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Map<String, String> checkedAttributes(Map<String, String> attributes) {
        Map<String, String> copy = new LinkedHashMap<>();
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            String key = Objects.requireNonNull(attribute.getKey(), "resource attribute key");
            if (key.isBlank()) {
                throw new IllegalArgumentException("OTLP resource attribute keys must not be empty, got '" + key
                        + "'");
            }
            copy.put(key, Objects.requireNonNull(attribute.getValue(), () -> "value of resource attribute " + key));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static String example() {
        return "; e.g. http://collector:4318/v1/metrics";
    }

    private static String localHostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name == null || name.isBlank() ? null : name;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
