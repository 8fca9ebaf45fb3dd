package dev.ergometer.mongodb;

import com.mongodb.ConnectionString;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNamespace;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.SinkException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * A {@link Sink} that stores power samples in MongoDB as PowerAPI {@code PowerReport} documents, the layout
 * SmartWatts and PowerAPI's other formulas write, so PowerAPI's tools and dashboards read Ergometer's numbers as they
 * read their own (layout and targets: {@link PowerReportDocument}; docs/sinks/mongodb.md).
 *
 * <p>Each {@code ergometer_power_watts} sample becomes a report targeted at the machine and each
 * {@code ergometer_consumer_power_watts} sample a report targeted at its consumer; every other sample (energy
 * counters, pyJoules series, the agent's own counters) is not a power report and is skipped. A batch is written with
 * one unordered {@code insertMany}. Documents carry a deterministic {@code _id} (sensor, target, timestamp, domain), so
 * a batch retried after a timeout stores nothing twice: the documents the first attempt stored come back as
 * duplicate-key errors, which count as stored.
 *
 * <p>One call is one attempt: the driver's own write retry is switched off, and server selection gives up after
 * {@value #DEFAULT_SERVER_SELECTION_TIMEOUT_MILLIS} ms unless set otherwise. An unreachable server, a timeout or a
 * failover is retryable; refused credentials, missing privileges and an invalid namespace are not.
 *
 * <pre>{@code
 * Sink sink = PowerReportSink.builder("mongodb://mongo:27017", "powerapi", "power").sensor("node-1").build();
 * try (SinkQueue queue = SinkQueue.start(sink.name(), sink, 5, Backoff.prometheusDefault(), Duration.ofSeconds(10))) {
 *     queue.offer(batch);
 * }
 * }</pre>
 */
public final class PowerReportSink implements Sink {

    /** How long one attempt waits for a server to write to, unless the builder or the connection string says. */
    public static final long DEFAULT_SERVER_SELECTION_TIMEOUT_MILLIS = 5_000;

    /** How long one attempt waits for the server's answer on an open connection, unless set otherwise. */
    public static final long DEFAULT_SOCKET_TIMEOUT_MILLIS = 10_000;

    private static final int DUPLICATE_KEY = 11000;
    private static final int UNAUTHORIZED = 13;
    private static final int AUTHENTICATION_FAILED = 18;
    private static final int INVALID_NAMESPACE = 73;

    /**
     * Server error codes that another attempt can get past: the server or the network was busy, shutting down or
     * electing a primary (the driver's own list of retryable write errors, plus time limits and write concern).
     */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(
            6, 7, 50, 64, 89, 91, 112, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436);

    private final String where;
    private final String databaseName;
    private final String collectionName;
    private final String sensor;
    private final long serverSelectionTimeoutMillis;
    private final MongoClient client;
    private final MongoCollection<Document> collection;

    private PowerReportSink(Builder builder) {
        ConnectionString connection = parse(builder.connectionString);
        this.databaseName = builder.databaseName;
        this.collectionName = builder.collectionName;
        this.where = "MongoDB at " + String.join(",", connection.getHosts()) + " (" + databaseName + "."
                + collectionName + ")";
        this.sensor = builder.sensor != null ? builder.sensor : hostName();
        this.serverSelectionTimeoutMillis = builder.serverSelectionTimeoutMillis != null
                ? builder.serverSelectionTimeoutMillis
                : connection.getServerSelectionTimeout() != null
                        ? connection.getServerSelectionTimeout() : DEFAULT_SERVER_SELECTION_TIMEOUT_MILLIS;
        long socketTimeoutMillis = builder.socketTimeoutMillis != null ? builder.socketTimeoutMillis
                : connection.getSocketTimeout() != null ? connection.getSocketTimeout() : DEFAULT_SOCKET_TIMEOUT_MILLIS;
        long connectTimeoutMillis = connection.getConnectTimeout() != null
                ? connection.getConnectTimeout()
                : serverSelectionTimeoutMillis > 0
                        ? serverSelectionTimeoutMillis : DEFAULT_SERVER_SELECTION_TIMEOUT_MILLIS;
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(connection)
                .retryWrites(false)
                .applyToClusterSettings(cluster ->
                        cluster.serverSelectionTimeout(serverSelectionTimeoutMillis, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(socket -> socket
                        .connectTimeout((int) connectTimeoutMillis, TimeUnit.MILLISECONDS)
                        .readTimeout((int) socketTimeoutMillis, TimeUnit.MILLISECONDS))
                .build());
        this.collection = client.getDatabase(databaseName).getCollection(collectionName);
    }

    /**
     * A builder of a sink writing to {@code collectionName} of {@code databaseName} on the server(s) of
     * {@code connectionString}, as sensor {@code <host name>} unless {@link Builder#sensor} says otherwise.
     *
     * @param connectionString MongoDB's connection string, e.g.
     *     {@code mongodb://user:pass@mongo:27017/?authSource=admin}
     */
    public static Builder builder(String connectionString, String databaseName, String collectionName) {
        return new Builder(connectionString, databaseName, collectionName);
    }

    /** The name of this sink in metrics labels and logs: {@code mongodb}. */
    public String name() {
        return "mongodb";
    }

    /** The {@code sensor} field of every report this sink writes. */
    public String sensor() {
        return sensor;
    }

    /**
     * Writes the batch's power samples as PowerReport documents, in one unordered {@code insertMany}.
     *
     * @throws SinkException retryable when no server answered in time, the connection failed or the server was busy
     *     or failing over; permanent when it refused the credentials, the privileges or the namespace
     */
    @Override
    public void accept(Batch batch) throws SinkException {
        List<Document> reports = new ArrayList<>(batch.size());
        for (Sample sample : batch.samples()) {
            PowerReportDocument.of(sample, sensor).ifPresent(reports::add);
        }
        if (reports.isEmpty()) {
            return;
        }
        try {
            collection.insertMany(reports, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            SinkException failure = failure(e, reports.size());
            if (failure != null) {
                throw failure;
            }
        } catch (MongoException e) {
            throw failure(e, reports.size());
        }
    }

    /**
     * The failure an unordered insert's write errors amount to, or null when every error is a duplicate key: those
     * documents were stored by an earlier attempt of the same batch, so the batch is stored.
     */
    SinkException failure(MongoBulkWriteException e, int reports) {
        List<BulkWriteError> refused = e.getWriteErrors().stream().filter(w -> w.getCode() != DUPLICATE_KEY).toList();
        String cannot = "cannot store " + reports + " power report(s) in " + where + ": ";
        if (!refused.isEmpty()) {
            BulkWriteError first = refused.getFirst();
            String message = cannot + "the server refused " + refused.size() + " of them, the first with error "
                    + first.getCode() + " (" + first.getMessage() + ")";
            if (TRANSIENT_CODES.contains(first.getCode())) {
                return SinkException.retryable(message + "; the server was busy or failing over", e);
            }
            return SinkException.permanent(message + "; "
                    + fix(first.getCode(), "check the collection's validation rules and the user's privileges"), e);
        }
        if (e.getWriteConcernError() != null) {
            return SinkException.retryable(cannot + "the server did not confirm the write concern ("
                    + e.getWriteConcernError().getMessage() + "); the retried reports will not be stored twice", e);
        }
        return null;
    }

    /** The failure a driver exception amounts to: retryable when another attempt may pass, permanent otherwise. */
    SinkException failure(MongoException e, int reports) {
        String cannot = "cannot store " + reports + " power report(s) in " + where + ": ";
        return switch (e) {
            case MongoSecurityException security -> SinkException.permanent(cannot + "the server refused the "
                    + "credentials (" + security.getMessage() + "); check the user name, password, authSource and "
                    + "authMechanism in the connection string", e);
            case MongoTimeoutException timeout -> SinkException.retryable(cannot + "no server answered within "
                    + serverSelectionTimeoutMillis + " ms (" + timeout.getMessage() + "); start mongod there, or check "
                    + "the connection string's host and port and the firewall", e);
            case MongoSocketException socket -> SinkException.retryable(cannot + "the connection failed ("
                    + socket.getMessage() + "); check that mongod still runs there and that the network lets the "
                    + "connection through", e);
            case MongoInterruptedException interrupted -> SinkException.retryable(cannot + "the write was "
                    + "interrupted (" + interrupted.getMessage() + ")", e);
            default -> {
                String message = cannot + "the server answered error " + e.getCode() + " (" + e.getMessage() + ")";
                if (TRANSIENT_CODES.contains(e.getCode()) || e.hasErrorLabel("RetryableWriteError")
                        || e.hasErrorLabel("TransientTransactionError")) {
                    yield SinkException.retryable(message + "; the server was busy or failing over", e);
                }
                yield SinkException.permanent(message + "; "
                        + fix(e.getCode(), "check the server's log for why it refused the write"), e);
            }
        };
    }

    private String fix(int code, String otherwise) {
        return switch (code) {
            case UNAUTHORIZED -> "the user may not insert into " + databaseName + "." + collectionName
                    + ": grant it the readWrite role on " + databaseName + ", or connect as a user who has it";
            case AUTHENTICATION_FAILED -> "check the user name, password and authSource in the connection string";
            case INVALID_NAMESPACE -> "the server refuses the namespace " + databaseName + "." + collectionName
                    + ": choose another database or collection name";
            default -> otherwise;
        };
    }

    private static ConnectionString parse(String connectionString) {
        try {
            return new ConnectionString(connectionString);
        } catch (IllegalArgumentException e) {
            String shown = connectionString.replaceAll("//[^/@]*@", "//***@");
            throw new IllegalArgumentException("'" + shown + "' is not a MongoDB connection string: " + e.getMessage()
                    + "; write it as mongodb://[user:password@]host[:port][/?options], e.g. mongodb://localhost:27017",
                    e);
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("no sensor name was given and this machine's host name cannot be "
                    + "resolved (" + e.getMessage() + "); give the sensor name explicitly", e);
        }
    }

    /** Closes the client and its connections. */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "PowerReportSink[" + where + ", sensor " + sensor + "]";
    }

    /** Settings of a {@link PowerReportSink}, validated when set. */
    public static final class Builder {

        private final String connectionString;
        private final String databaseName;
        private final String collectionName;
        private String sensor;
        private Long serverSelectionTimeoutMillis;
        private Long socketTimeoutMillis;

        private Builder(String connectionString, String databaseName, String collectionName) {
            this.connectionString = Objects.requireNonNull(connectionString, "connectionString");
            this.databaseName = checkDatabaseName(databaseName);
            this.collectionName = checkCollectionName(collectionName);
        }

        /**
         * The {@code sensor} of every report (PowerAPI groups reports by it); null or blank means this machine's host
         * name.
         */
        public Builder sensor(String sensor) {
            this.sensor = sensor == null || sensor.isBlank() ? null : sensor;
            return this;
        }

        /**
         * How long one attempt waits for a server it can write to before failing retryably (the driver's
         * server-selection timeout); overrides {@code serverSelectionTimeoutMS} in the connection string.
         */
        public Builder serverSelectionTimeout(Duration timeout) {
            this.serverSelectionTimeoutMillis = positiveMillis(timeout, "server selection timeout");
            return this;
        }

        /**
         * How long one attempt waits for the server's answer on an open connection (the driver's read timeout);
         * overrides {@code socketTimeoutMS} in the connection string.
         */
        public Builder socketTimeout(Duration timeout) {
            this.socketTimeoutMillis = positiveMillis(timeout, "socket timeout");
            return this;
        }

        /**
         * The sink; it does not connect yet, so a server that is down now is reported (retryably) by the first
         * {@link #accept}.
         *
         * @throws IllegalArgumentException when the connection string is not a MongoDB connection string, or no
         *     sensor was given and the host name cannot be resolved
         */
        public PowerReportSink build() {
            return new PowerReportSink(this);
        }

        private static long positiveMillis(Duration timeout, String what) {
            Objects.requireNonNull(timeout, what);
            if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("the MongoDB " + what + " must be between 1 ms and "
                        + Integer.MAX_VALUE + " ms, got " + timeout);
            }
            return Math.max(1, timeout.toMillis());
        }

        private static String checkDatabaseName(String name) {
            Objects.requireNonNull(name, "database name");
            try {
                MongoNamespace.checkDatabaseNameValidity(name);
                if (name.contains("$")) {
                    throw new IllegalArgumentException("MongoDB database names do not contain '$'");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + name + "' is not a MongoDB database name (" + e.getMessage()
                        + "); use a non-empty name without spaces, '.', '$', '/', '\\' or '\"', e.g. powerapi", e);
            }
            return name;
        }

        private static String checkCollectionName(String name) {
            Objects.requireNonNull(name, "collection name");
            try {
                MongoNamespace.checkCollectionNameValidity(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + name + "' is not a MongoDB collection name (" + e.getMessage()
                        + "); use a non-empty name, e.g. power", e);
            }
            if (name.startsWith("system.") || name.contains("$")) {
                throw new IllegalArgumentException("'" + name + "' is not a collection a client may write to: "
                        + "names starting with 'system.' or holding '$' are reserved by MongoDB; use e.g. power");
            }
            return name;
        }
    }
}
