package dev.ergometer.mongodb;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.bson.Document;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

/**
 * The fleet's record of named test runs ({@code erg measure --name NAME} on a sensor machine): one MongoDB collection
 * per machine, {@code runs_<machine>}, one document per run with its name, start, end and the whole measurement as
 * {@code erg measure --format json} gives it (schema {@code ergometer.measure/1}), as PowerAPI's tester script keeps
 * a recap of each container test.
 *
 * <pre>{@code
 * try (RunStore runs = RunStore.open("mongodb://mongo:27017/ergometer", "node-7")) {
 *     runs.save("baseline", start, end, measurementJson);
 *     runs.latest("baseline").ifPresent(System.out::println);
 * }
 * }</pre>
 *
 * <p>Saving is idempotent: a run is keyed by its name and start, so sending the same recap twice stores it once.
 */
public final class RunStore implements AutoCloseable {

    /** The database used when the connection string names none. */
    public static final String DEFAULT_DATABASE = "ergometer";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final long TIMEOUT_MILLIS = 5_000;

    private final String where;
    private final String machine;
    private final MongoClient client;
    private final MongoCollection<Document> collection;

    private RunStore(ConnectionString connection, String machine) {
        this.machine = machine;
        String database = connection.getDatabase() != null ? connection.getDatabase() : DEFAULT_DATABASE;
        String collectionName = "runs_" + machine.replaceAll("[^A-Za-z0-9_-]", "_");
        this.where = "MongoDB at " + String.join(",", connection.getHosts()) + " (" + database + "." + collectionName
                + ")";
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(connection)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(s -> s.connectTimeout((int) TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                        .readTimeout((int) TIMEOUT_MILLIS, TimeUnit.MILLISECONDS))
                .build());
        this.collection = client.getDatabase(database).getCollection(collectionName);
    }

    /**
     * The store of {@code machine}'s runs on the server of {@code connectionString} (its database, or
     * {@value #DEFAULT_DATABASE}). Connects lazily: an unreachable server is reported by the first save or read.
     *
     * @throws IllegalArgumentException when the connection string is not MongoDB's or the machine name is blank
     */
    public static RunStore open(String connectionString, String machine) {
        Objects.requireNonNull(connectionString, "connectionString");
        if (machine == null || machine.isBlank()) {
            throw new IllegalArgumentException("a run store needs the machine's name (HOST_NAME)");
        }
        ConnectionString connection;
        try {
            connection = new ConnectionString(connectionString);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("RUNS_MONGODB_URI '" + MongoHandler.withoutPassword(connectionString)
                    + "' is not a MongoDB connection string: " + e.getMessage()
                    + "; write it as mongodb://[user:password@]host[:port][/database], e.g."
                    + " mongodb://mongo:27017/ergometer", e);
        }
        return new RunStore(connection, machine.strip());
    }

    /** The machine whose runs this store keeps. */
    public String machine() {
        return machine;
    }

    /**
     * Stores one run's recap; the same name and start again replace it (idempotent).
     *
     * @param measurementJson the measurement, as {@code erg measure --format json} writes it
     * @throws IllegalArgumentException when the name is not 1 to 100 letters, digits, '.', '_' or '-', or the JSON
     *     is not an object
     * @throws IllegalStateException when MongoDB cannot be reached or refuses the write (the message says how to fix
     *     it)
     */
    public void save(String name, Instant start, Instant end, String measurementJson) {
        checkName(name);
        Document measurement;
        try {
            measurement = Document.parse(measurementJson);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the recap of run '" + name + "' is not a JSON object: "
                    + e.getMessage(), e);
        }
        String id = name + "@" + start.toEpochMilli();
        Document run = new Document("_id", id).append("machine", machine).append("name", name)
                .append("start", Date.from(start)).append("end", Date.from(end)).append("measurement", measurement);
        run(() -> collection.replaceOne(Filters.eq("_id", id), run, new ReplaceOptions().upsert(true)),
                "store run '" + name + "' in");
    }

    /** The latest run of that name, as JSON (relaxed extended JSON: dates as {@code {"$date": "..."}}). */
    public Optional<String> latest(String name) {
        checkName(name);
        Document run = run(() -> collection.find(Filters.eq("name", name)).sort(Sorts.descending("start")).first(),
                "read run '" + name + "' from");
        return Optional.ofNullable(run).map(RunStore::json);
    }

    /** Every run's name, start and end, the newest first, as one JSON array. */
    public String list() {
        List<Document> runs = run(() -> collection.find().projection(new Document("measurement", 0))
                .sort(Sorts.descending("start")).into(new ArrayList<>()), "list runs in");
        StringBuilder json = new StringBuilder("[");
        for (Document run : runs) {
            json.append(json.length() > 1 ? "," : "").append(json(run));
        }
        return json.append(']').toString();
    }

    private static String json(Document document) {
        return document.toJson(JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build());
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("run name '" + name + "' must be 1 to 100 letters, digits, '.', '_'"
                    + " or '-', starting with a letter or digit");
        }
    }

    private <T> T run(java.util.function.Supplier<T> action, String what) {
        try {
            return action.get();
        } catch (MongoTimeoutException e) {
            throw new IllegalStateException("cannot " + what + " " + where + ": no server answered within "
                    + TIMEOUT_MILLIS + " ms; start mongod or fix RUNS_MONGODB_URI", e);
        } catch (MongoSecurityException e) {
            throw new IllegalStateException("cannot " + what + " " + where + ": the server refused the credentials;"
                    + " check the user, password and authSource in RUNS_MONGODB_URI", e);
        } catch (MongoException e) {
            throw new IllegalStateException("cannot " + what + " " + where + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
