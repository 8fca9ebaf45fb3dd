package dev.ergometer.mongodb;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import dev.ergometer.meter.handler.EnergyHandler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * Stores energy traces in a MongoDB collection, one document per processed trace, as pyJoules' {@code MongoHandler}
 * does:
 * <pre>
 * {"name": "trace_0",
 *  "trace": [{"timestamp": 1700000001.5, "tag": "foo", "duration": 2.0,
 *             "energy": {"package_0": 3000.0, "nvidia_gpu_0": 120.0}}, ...],
 *  "estimated": false, "source": "powercap"}
 * </pre>
 * Timestamps are epoch seconds, durations seconds and energy µJ per domain of each sample, all stored as doubles.
 * The name is the prefix ({@code trace_} unless set) followed by the trace's position among all the traces this
 * handler has saved (0, 1, 2, ... counting on across {@link #saveData()} calls).
 *
 * <p>{@code estimated} (true when the numbers come from a model, not from hardware counters) and {@code source} (the
 * energy source's name) are Ergometer's additions to pyJoules' document: extra top-level fields, which readers of
 * pyJoules' documents ignore.
 *
 * <p>{@link #process} only buffers; {@link #saveData()} inserts the buffered traces. The handler connects when it is
 * built, so an unreachable server is reported at once; {@link #close()} closes the connection.
 *
 * <pre>{@code
 * try (MongoHandler mongo = MongoHandler.builder("mongodb://localhost", "db", "collection").build()) {
 *     try (EnergyContext ctx = EnergyContext.open(mongo, DomainSelection.of(RaplDomains.packageOf(0)), "foo")) {
 *         foo();
 *     }
 *     mongo.saveData();
 * }
 * }</pre>
 */
public final class MongoHandler implements EnergyHandler, AutoCloseable {

    /** pyJoules' default {@code connected_timeout}, in milliseconds. */
    public static final long DEFAULT_CONNECTED_TIMEOUT_MILLIS = 30_000;

    /** pyJoules' default {@code trace_name_prefix}. */
    public static final String DEFAULT_TRACE_NAME_PREFIX = "trace_";

    /** The server for messages: its hosts, never the connection string (which may hold a password). */
    private final String uri;
    private final long connectedTimeoutMillis;
    private final String traceNamePrefix;
    private final MongoClient client;
    private final MongoCollection<Document> collection;
    private final List<EnergyTrace> buffered = new ArrayList<>();
    private int savedTraces;

    private MongoHandler(Builder builder) {
        this.connectedTimeoutMillis = builder.connectedTimeoutMillis;
        this.traceNamePrefix = builder.traceNamePrefix;
        ConnectionString connection;
        try {
            connection = new ConnectionString(builder.uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + withoutPassword(builder.uri) + "' is not a MongoDB URI: "
                    + e.getMessage() + "; write it as mongodb://host[:port][/?options], e.g. mongodb://localhost:27017",
                    e);
        }
        this.uri = String.join(",", connection.getHosts());
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(connection)
                .applyToClusterSettings(cluster ->
                        cluster.serverSelectionTimeout(connectedTimeoutMillis, TimeUnit.MILLISECONDS))
                .build());
        try {
            this.collection = client.getDatabase(builder.databaseName).getCollection(builder.collectionName);
            run(() -> client.getDatabase("admin").runCommand(new Document("ping", 1)), "connect to");
            if (builder.emptyAtStart) {
                run(collection::drop, "empty the collection " + builder.databaseName + "." + builder.collectionName
                        + " of");
            }
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** The connection string with any {@code user:password@} part masked, for messages. */
    static String withoutPassword(String connectionString) {
        return connectionString.replaceAll("(://)[^/@]*@", "$1***@");
    }

    /**
     * A builder of a handler storing in {@code collectionName} of {@code databaseName} at {@code uri}, with
     * pyJoules' defaults: a {@value #DEFAULT_CONNECTED_TIMEOUT_MILLIS} ms connection timeout, names
     * {@code trace_N}, and the collection kept as it is.
     *
     * @param uri the server, in MongoDB's URI format ({@code mongodb://localhost:27017})
     */
    public static Builder builder(String uri, String databaseName, String collectionName) {
        return new Builder(uri, databaseName, collectionName);
    }

    /** Buffers the trace until {@link #saveData()}. */
    @Override
    public synchronized void process(EnergyTrace trace) {
        buffered.add(Objects.requireNonNull(trace, "trace"));
    }

    /**
     * Inserts one document per buffered trace, named on from the traces saved before, and empties the buffer.
     *
     * @throws MongoStoreException when the server cannot be reached within the connection timeout or refuses the
     *     write
     */
    public synchronized void saveData() {
        if (buffered.isEmpty()) {
            return;
        }
        List<Document> documents = new ArrayList<>(buffered.size());
        for (EnergyTrace trace : buffered) {
            documents.add(document(trace, traceNamePrefix + (savedTraces + documents.size())));
        }
        run(() -> collection.insertMany(documents), "store " + documents.size() + " trace(s) in");
        savedTraces += documents.size();
        buffered.clear();
    }

    /** How many traces this handler has stored, which is also the number in the next trace's name. */
    public synchronized int savedTraces() {
        return savedTraces;
    }

    /** Closes the connection to the server; traces still buffered are not saved. */
    @Override
    public void close() {
        client.close();
    }

    /** One trace as pyJoules' document, with Ergometer's {@code estimated} and {@code source} fields. */
    static Document document(EnergyTrace trace, String name) {
        List<Document> samples = new ArrayList<>(trace.size());
        for (EnergySample sample : trace) {
            Map<String, Object> energy = new LinkedHashMap<>(sample.energyMicrojoules());
            samples.add(new Document("timestamp", sample.timestampSeconds())
                    .append("tag", sample.tag())
                    .append("duration", sample.durationSeconds())
                    .append("energy", new Document(energy)));
        }
        return new Document("name", name)
                .append("trace", samples)
                .append("estimated", trace.estimated())
                .append("source", trace.origin().source());
    }

    private void run(Runnable operation, String what) {
        try {
            operation.run();
        } catch (MongoTimeoutException e) {
            throw new MongoStoreException("cannot " + what + " MongoDB at " + uri + ": no server answered within "
                    + connectedTimeoutMillis + " ms (" + e.getMessage() + "); start mongod there, or check the URI's "
                    + "host and port, the firewall, and the credentials", e);
        } catch (MongoSocketException e) {
            throw new MongoStoreException("cannot " + what + " MongoDB at " + uri + ": the connection failed ("
                    + e.getMessage() + "); check that mongod still runs there and that the network and firewall "
                    + "let the connection through", e);
        } catch (MongoSecurityException e) {
            throw new MongoStoreException("cannot " + what + " MongoDB at " + uri + ": the server refused the "
                    + "credentials (" + e.getMessage() + "); check the user, password and authSource in the URI", e);
        } catch (MongoException e) {
            throw new MongoStoreException("cannot " + what + " MongoDB at " + uri + ": " + e.getMessage()
                    + "; check that the server runs and that the user may write to the collection", e);
        }
    }

    /** Options of a {@link MongoHandler}, pyJoules' constructor arguments. */
    public static final class Builder {

        private final String uri;
        private final String databaseName;
        private final String collectionName;
        private long connectedTimeoutMillis = DEFAULT_CONNECTED_TIMEOUT_MILLIS;
        private String traceNamePrefix = DEFAULT_TRACE_NAME_PREFIX;
        private boolean emptyAtStart;

        private Builder(String uri, String databaseName, String collectionName) {
            this.uri = Objects.requireNonNull(uri, "uri");
            this.databaseName = requireName(databaseName, "database");
            this.collectionName = requireName(collectionName, "collection");
        }

        /**
         * How long the driver waits for a server before giving up, in milliseconds (pyJoules'
         * {@code connected_timeout}, the driver's server-selection timeout).
         */
        public Builder connectedTimeoutMillis(long millis) {
            if (millis <= 0) {
                throw new IllegalArgumentException("the connection timeout must be > 0 ms, got " + millis);
            }
            this.connectedTimeoutMillis = millis;
            return this;
        }

        /** The start of each trace's name, followed by its number (pyJoules' {@code trace_name_prefix}). */
        public Builder traceNamePrefix(String prefix) {
            this.traceNamePrefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Whether to drop the collection when the handler is built (pyJoules' {@code empty_at_start}). */
        public Builder emptyAtStart(boolean empty) {
            this.emptyAtStart = empty;
            return this;
        }

        /**
         * Connects to the server (and empties the collection if asked).
         *
         * @throws MongoStoreException when no server answers within the connection timeout, or it refuses the
         *     credentials
         * @throws IllegalArgumentException when the URI is not a MongoDB URI
         */
        public MongoHandler build() {
            return new MongoHandler(this);
        }

        private static String requireName(String name, String what) {
            Objects.requireNonNull(name, what + " name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("the " + what + " name is empty; give the name of the " + what
                        + " to store the traces in");
            }
            return name;
        }
    }
}
