package dev.ergometer.formula;

import com.mongodb.ConnectionString;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.InsertManyOptions;
import dev.ergometer.fleet.PowerReport;
import dev.ergometer.sink.SinkException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * Power reports stored in MongoDB as PowerAPI {@code PowerReport} documents, the layout of ergometer-mongodb's
 * {@code PowerReportSink} (docs/sinks/mongodb.md), for reports of any number of sensors: {@code _id} is
 * {@code {sensor, target, timestamp, domain}}, then {@code timestamp} (BSON date), {@code sensor}, {@code target},
 * {@code metadata} (with {@code domain}) and {@code power}. Writes are unordered {@code insertMany}s; a document whose
 * {@code _id} exists already (written by a worker that died before committing) is a duplicate-key error, which counts
 * as stored. So each report is stored exactly once however often it is written.
 */
public final class MongoPowerReports implements PowerReportOutput {

    private static final int DUPLICATE_KEY = 11000;

    private final String where;
    private final MongoClient client;
    private final MongoCollection<Document> collection;

    /**
     * @param connectionString e.g. {@code mongodb://mongo:27017}
     * @param database e.g. {@code powerapi}
     * @param collection e.g. {@code power}
     */
    public MongoPowerReports(String connectionString, String database, String collection) {
        ConnectionString connection;
        try {
            connection = new ConnectionString(connectionString);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("MONGODB_URI is not a MongoDB connection string (" + e.getMessage()
                    + "); write it as mongodb://[user:password@]host[:port], e.g. mongodb://localhost:27017", e);
        }
        this.where = "MongoDB at " + String.join(",", connection.getHosts()) + " (" + database + "." + collection + ")";
        this.client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(connection)
                .retryWrites(false)
                .applyToClusterSettings(c -> c.serverSelectionTimeout(5, TimeUnit.SECONDS))
                .build());
        this.collection = client.getDatabase(database).getCollection(collection);
    }

    @Override
    public String name() {
        return "mongodb";
    }

    /** The document of a report, as PowerReportSink writes it. */
    static Document document(PowerReport report) {
        Date timestamp = new Date(report.timestampMillis());
        Document metadata = new Document();
        for (Map.Entry<String, Object> entry : report.metadata().entrySet()) {
            metadata.append(entry.getKey(), entry.getValue());
        }
        metadata.append("domain", report.domain());
        return new Document("_id", new Document("sensor", report.sensor())
                        .append("target", report.target())
                        .append("timestamp", timestamp)
                        .append("domain", report.domain()))
                .append("timestamp", timestamp)
                .append("sensor", report.sensor())
                .append("target", report.target())
                .append("metadata", metadata)
                .append("power", report.powerWatts());
    }

    @Override
    public void write(List<PowerReport> reports) throws SinkException {
        if (reports.isEmpty()) {
            return;
        }
        List<Document> documents = new ArrayList<>(reports.size());
        reports.forEach(r -> documents.add(document(r)));
        try {
            collection.insertMany(documents, new InsertManyOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            List<BulkWriteError> refused = e.getWriteErrors().stream()
                    .filter(w -> w.getCode() != DUPLICATE_KEY).toList();
            if (!refused.isEmpty() || e.getWriteConcernError() != null) {
                String first = refused.isEmpty() ? "write concern: " + e.getWriteConcernError().getMessage()
                        : "error " + refused.getFirst().getCode() + " (" + refused.getFirst().getMessage() + ")";
                throw SinkException.retryable("cannot store " + reports.size() + " power reports in " + where
                        + ": the server refused " + refused.size() + " of them, the first with " + first
                        + "; check the user's privileges and the collection's validation rules", e);
            }
        } catch (MongoException e) {
            throw SinkException.retryable("cannot store " + reports.size() + " power reports in " + where + ": "
                    + e.getMessage() + "; check that mongod runs there and accepts this user", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "MongoPowerReports[" + where + "]";
    }
}
