package dev.ergometer.otlp;

import com.google.protobuf.CodedOutputStream;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OTLP/HTTP metrics receiver the test controls, on a free loopback port: it decodes each request body with the
 * OTLP protobuf classes, records it with its headers, and answers with the next scripted reply (200 with an empty
 * ExportMetricsServiceResponse once the script is used up).
 */
final class OtlpReceiver implements AutoCloseable {

    /** One scripted answer: a status and a body, given after {@code delayMillis}. */
    record Reply(int status, byte[] body, String contentType, long delayMillis) {

        /** An error answer whose body is a protobuf google.rpc.Status, as OTLP/HTTP receivers send. */
        static Reply status(int httpStatus, int rpcCode, String message) {
            try {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                out.writeInt32(1, rpcCode);
                out.writeString(2, message);
                out.flush();
                return new Reply(httpStatus, bytes.toByteArray(), "application/x-protobuf", 0);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }

        static Reply text(int httpStatus, String text) {
            return new Reply(httpStatus, text.getBytes(StandardCharsets.UTF_8), "text/plain", 0);
        }

        static Reply okAfter(long delayMillis) {
            return new Reply(200, ExportMetricsServiceResponse.getDefaultInstance().toByteArray(),
                    "application/x-protobuf", delayMillis);
        }
    }

    record Request(String method, String path, Headers headers, ExportMetricsServiceRequest body, int answered) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    OtlpReceiver(Reply... replies) throws IOException {
        script.addAll(List.of(replies));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                ExportMetricsServiceRequest body = ExportMetricsServiceRequest.parseFrom(
                        exchange.getRequestBody().readAllBytes());
                Reply reply = script.poll();
                if (reply == null) {
                    reply = Reply.okAfter(0);
                }
                requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                        exchange.getRequestHeaders(), body, reply.status()));
                if (reply.delayMillis() > 0) {
                    Thread.sleep(reply.delayMillis());
                }
                exchange.getResponseHeaders().set("Content-Type", reply.contentType());
                exchange.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
                exchange.getResponseBody().write(reply.body());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** The metrics URL of this receiver. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
