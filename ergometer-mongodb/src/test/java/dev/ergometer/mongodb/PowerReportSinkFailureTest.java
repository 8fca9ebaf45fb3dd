package dev.ergometer.mongodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.ServerAddress;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.WriteConcernError;
import dev.ergometer.sink.SinkException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Server refusals mongo-java-server cannot produce (privileges, namespaces, failovers, write concern), built as the
 * driver builds them from a server's answer, and how the sink classifies them.
 */
class PowerReportSinkFailureTest {

    private static final ServerAddress SERVER = new ServerAddress("mongo", 27017);

    private final PowerReportSink sink = PowerReportSink.builder("mongodb://mongo:27017", "powerapi", "power")
            .sensor("node-1").serverSelectionTimeout(Duration.ofMillis(100)).build();

    @AfterEach
    void close() {
        sink.close();
    }

    private static MongoCommandException commandError(int code, String codeName, String message, String... labels) {
        BsonDocument response = new BsonDocument("ok", new BsonInt32(0)).append("code", new BsonInt32(code))
                .append("codeName", new BsonString(codeName)).append("errmsg", new BsonString(message));
        if (labels.length > 0) {
            BsonArray errorLabels = new BsonArray();
            for (String label : labels) {
                errorLabels.add(new BsonString(label));
            }
            response.append("errorLabels", errorLabels);
        }
        return new MongoCommandException(response, SERVER);
    }

    private static MongoBulkWriteException bulkError(WriteConcernError concern, BulkWriteError... errors) {
        return new MongoBulkWriteException(BulkWriteResult.unacknowledged(), List.of(errors), concern, SERVER,
                Set.of());
    }

    private static BulkWriteError writeError(int code, String message, int index) {
        return new BulkWriteError(code, message, new BsonDocument(), index);
    }

    @Test
    void userWithoutInsertPrivilegeIsPermanentAndSaysWhichRoleToGrant() {
        SinkException failure = sink.failure(commandError(13, "Unauthorized",
                "not authorized on powerapi to execute command { insert: \"power\" }"), 3);

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("cannot store 3 power report(s) in MongoDB at mongo:27017 "
                        + "(powerapi.power)")
                .hasMessageContaining("error 13")
                .hasMessageContaining("grant it the readWrite role on powerapi");
    }

    @Test
    void namespaceTheServerRefusesIsPermanentAndSaysToRenameIt() {
        SinkException failure = sink.failure(commandError(73, "InvalidNamespace", "Invalid namespace specified"), 1);

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("refuses the namespace powerapi.power")
                .hasMessageContaining("choose another database or collection name");
    }

    @Test
    void failoverAndShutdownAreRetryable() {
        assertThat(sink.failure(commandError(10107, "NotWritablePrimary", "not primary"), 1).retryable()).isTrue();
        assertThat(sink.failure(commandError(91, "ShutdownInProgress", "shutting down"), 1).retryable()).isTrue();
        assertThat(sink.failure(commandError(12345, "Unknown", "odd", "RetryableWriteError"), 1).retryable())
                .isTrue();
    }

    @Test
    void unknownServerRefusalIsPermanent() {
        SinkException failure = sink.failure(commandError(2, "BadValue", "bad value"), 1);

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("error 2 (").hasMessageContaining("server's log");
    }

    @Test
    void duplicateKeysOnlyMeanTheBatchIsAlreadyStored() {
        assertThat(sink.failure(bulkError(null, writeError(11000, "E11000 duplicate key", 0),
                writeError(11000, "E11000 duplicate key", 1)), 2)).isNull();
    }

    @Test
    void documentRefusedBesideDuplicatesIsPermanentAndCountsOnlyTheRefused() {
        SinkException failure = sink.failure(bulkError(null, writeError(11000, "E11000 duplicate key", 0),
                writeError(121, "Document failed validation", 1)), 2);

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("the server refused 1 of them, the first with error 121 "
                + "(Document failed validation)").hasMessageContaining("validation rules");
    }

    @Test
    void unconfirmedWriteConcernIsRetryable() {
        SinkException failure = sink.failure(bulkError(new WriteConcernError(64, "WriteConcernFailed",
                "waiting for replication timed out", new BsonDocument())), 2);

        assertThat(failure.retryable()).isTrue();
        assertThat(failure).hasMessageContaining("did not confirm the write concern");
    }
}
