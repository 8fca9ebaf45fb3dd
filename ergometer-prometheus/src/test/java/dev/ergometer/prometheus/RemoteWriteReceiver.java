package dev.ergometer.prometheus;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xerial.snappy.Snappy;

/**
 * A remote-write receiver the test controls: answers each request with the next scripted status (204 once the
 * script is used up), records headers and arrival time, and decodes the body (snappy block, then WriteRequest with
 * protobuf's CodedInputStream) so tests assert exact content.
 */
final class RemoteWriteReceiver implements AutoCloseable {

    record Label(String name, String value) {
    }

    record Point(double value, long timestampMillis) {
    }

    record Series(List<Label> labels, List<Point> samples) {
    }

    record Request(Headers headers, List<Series> series, long arrivalNanos, int answeredStatus) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Integer> script = new ConcurrentLinkedQueue<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    RemoteWriteReceiver(Integer... statuses) throws IOException {
        script.addAll(List.of(statuses));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/write", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            Integer scripted = script.poll();
            int status = scripted == null ? 204 : scripted;
            requests.add(new Request(exchange.getRequestHeaders(), decode(Snappy.uncompress(body)), System.nanoTime(),
                    status));
            byte[] answer = status / 100 == 2 ? new byte[0] : ("scripted failure " + status + "\n").getBytes();
            exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                exchange.getResponseBody().write(answer);
            }
            exchange.close();
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write");
    }

    /** Series of the requests the receiver accepted (2xx), in arrival order. */
    List<Series> acceptedSeries() {
        List<Series> all = new ArrayList<>();
        for (Request request : requests) {
            if (request.answeredStatus() / 100 == 2) {
                all.addAll(request.series());
            }
        }
        return all;
    }

    static List<Series> decode(byte[] writeRequest) throws IOException {
        List<Series> series = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(writeRequest);
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            expect(tag, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED, "WriteRequest");
            series.add(decodeSeries(CodedInputStream.newInstance(in.readByteArray())));
        }
        return series;
    }

    private static Series decodeSeries(CodedInputStream in) throws IOException {
        List<Label> labels = new ArrayList<>();
        List<Point> samples = new ArrayList<>();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            CodedInputStream field = CodedInputStream.newInstance(in.readByteArray());
            if (WireFormat.getTagFieldNumber(tag) == 1) {
                expect(tag, 1, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TimeSeries.labels");
                String name = null;
                String value = null;
                for (int t = field.readTag(); t != 0; t = field.readTag()) {
                    if (WireFormat.getTagFieldNumber(t) == 1) {
                        name = field.readString();
                    } else {
                        expect(t, 2, WireFormat.WIRETYPE_LENGTH_DELIMITED, "Label.value");
                        value = field.readString();
                    }
                }
                labels.add(new Label(name, value));
            } else {
                expect(tag, 2, WireFormat.WIRETYPE_LENGTH_DELIMITED, "TimeSeries.samples");
                double value = 0;
                long timestamp = 0;
                for (int t = field.readTag(); t != 0; t = field.readTag()) {
                    if (WireFormat.getTagFieldNumber(t) == 1) {
                        expect(t, 1, WireFormat.WIRETYPE_FIXED64, "Sample.value");
                        value = field.readDouble();
                    } else {
                        expect(t, 2, WireFormat.WIRETYPE_VARINT, "Sample.timestamp");
                        timestamp = field.readInt64();
                    }
                }
                samples.add(new Point(value, timestamp));
            }
        }
        return new Series(labels, samples);
    }

    private static void expect(int tag, int field, int wireType, String what) {
        if (WireFormat.getTagFieldNumber(tag) != field || WireFormat.getTagWireType(tag) != wireType) {
            throw new AssertionError(what + ": expected field " + field + " wire type " + wireType + ", got field "
                    + WireFormat.getTagFieldNumber(tag) + " wire type " + WireFormat.getTagWireType(tag));
        }
    }

    static Series series(Map<String, String> labelsInOrder, Point... samples) {
        List<Label> labels = new ArrayList<>();
        labelsInOrder.forEach((name, value) -> labels.add(new Label(name, value)));
        return new Series(labels, List.of(samples));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
