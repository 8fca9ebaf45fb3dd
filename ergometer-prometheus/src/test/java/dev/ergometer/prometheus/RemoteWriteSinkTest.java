package dev.ergometer.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ergometer.prometheus.RemoteWriteReceiver.Label;
import dev.ergometer.prometheus.RemoteWriteReceiver.Point;
import dev.ergometer.prometheus.RemoteWriteReceiver.Series;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class RemoteWriteSinkTest {

    @Test
    void aPushCarriesTheHeadersTheSpecificationRequires() throws Exception {
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver();
             RemoteWriteSink sink = RemoteWriteSink.to(receiver.uri())) {
            sink.accept(Batch.of(Sample.of("m", 1, 1000)));

            var headers = receiver.requests.getFirst().headers();
            assertThat(headers.getFirst("Content-Encoding")).isEqualTo("snappy");
            assertThat(headers.getFirst("Content-Type")).isEqualTo("application/x-protobuf");
            assertThat(headers.getFirst("X-Prometheus-Remote-Write-Version")).isEqualTo("0.1.0");
            assertThat(headers.getFirst("User-Agent")).matches("ergometer/\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        }
    }

    @Test
    void labelsArriveSortedByNameWithTheNameLabelWhereItSorts() throws Exception {
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver();
             RemoteWriteSink sink = RemoteWriteSink.to(receiver.uri())) {
            sink.accept(Batch.of(Sample.of("ergometer_energy_joules_total", 12.5, 1_700_000_000_123L,
                    "socket", "0", "domain", "package_0", "Zone", "z", "a", "x")));

            assertThat(receiver.requests.getFirst().series()).containsExactly(new Series(
                    List.of(new Label("Zone", "z"), new Label("__name__", "ergometer_energy_joules_total"),
                            new Label("a", "x"), new Label("domain", "package_0"), new Label("socket", "0")),
                    List.of(new Point(12.5, 1_700_000_000_123L))));
        }
    }

    @Test
    void samplesOfOneSeriesAreGroupedInTimestampOrder() throws Exception {
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver();
             RemoteWriteSink sink = RemoteWriteSink.to(receiver.uri())) {
            sink.accept(Batch.of(
                    Sample.of("m", 3, 3000, "d", "a"),
                    Sample.of("m", 1, 1000, "d", "b"),
                    Sample.of("m", 1, 1000, "d", "a"),
                    Sample.of("m", 2, 2000, "d", "a")));

            assertThat(receiver.requests.getFirst().series()).containsExactly(
                    new Series(List.of(new Label("__name__", "m"), new Label("d", "a")),
                            List.of(new Point(1, 1000), new Point(2, 2000), new Point(3, 3000))),
                    new Series(List.of(new Label("__name__", "m"), new Label("d", "b")),
                            List.of(new Point(1, 1000))));
        }
    }

    @Test
    void emptyLabelsNeverReachTheWire() throws Exception {
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver();
             RemoteWriteSink sink = RemoteWriteSink.to(receiver.uri())) {
            sink.accept(Batch.of(Sample.of("m", -0.5, -1, "container", "", "domain", "dram_0")));

            assertThat(receiver.requests.getFirst().series()).containsExactly(new Series(
                    List.of(new Label("__name__", "m"), new Label("domain", "dram_0")),
                    List.of(new Point(-0.5, -1))));
        }
    }

    @Test
    void repeatedLabelsAndMissingNamesAreRefusedBeforeAnythingIsSent() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Sample.of("m", 1, 0, "domain", "a", "domain", "b"))
                .withMessageContaining("label domain is given twice");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Sample.of(null, 1, 0, "domain", "a"))
                .withMessageContaining("is not a Prometheus metric name");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Sample.of("", 1, 0))
                .withMessageContaining("is not a Prometheus metric name");
    }

    @Test
    void serverErrorsAndTooManyRequestsAreRetryableOtherClientErrorsAreNot() throws Exception {
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver(500, 503, 429, 400, 404);
             RemoteWriteSink sink = RemoteWriteSink.to(receiver.uri())) {
            Batch batch = Batch.of(Sample.of("m", 1, 0));
            for (int status : new int[] {500, 503, 429}) {
                SinkException e = catchThrowableOfType(SinkException.class, () -> sink.accept(batch));
                assertThat(e.retryable()).as("HTTP %d", status).isTrue();
                assertThat(e).hasMessageContaining("answered HTTP " + status)
                        .hasMessageContaining("scripted failure " + status);
            }
            SinkException badRequest = catchThrowableOfType(SinkException.class, () -> sink.accept(batch));
            assertThat(badRequest.retryable()).isFalse();
            assertThat(badRequest).hasMessageContaining("HTTP 400").hasMessageContaining("not retried");
            SinkException notFound = catchThrowableOfType(SinkException.class, () -> sink.accept(batch));
            assertThat(notFound.retryable()).isFalse();
            assertThat(notFound).hasMessageContaining("--web.enable-remote-write-receiver");
        }
    }

    @Test
    void anUnreachableReceiverIsRetryable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (RemoteWriteSink sink = RemoteWriteSink.to(URI.create("http://127.0.0.1:" + port + "/api/v1/write"))) {
            SinkException e = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(Sample.of("m", 1, 0))));

            assertThat(e.retryable()).isTrue();
            assertThat(e).hasMessageContaining("is the receiver running and reachable?");
        }
    }

    @Test
    void aNonHttpUrlIsRefusedWithAnExample() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RemoteWriteSink.to(URI.create("ftp://host/api/v1/write")))
                .withMessageContaining("REMOTE_WRITE_URL=http://");
    }
}
