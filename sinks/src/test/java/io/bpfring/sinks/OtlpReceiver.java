package io.bpfring.sinks;

import com.sun.net.httpserver.HttpServer;
import io.grpc.InsecureServerCredentials;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP receiver on loopback: OTLP/HTTP (protobuf) on the JDK's HTTP server, or OTLP/gRPC
 * on grpc-java's Netty server, decoding each export request with the OpenTelemetry protocol's
 * own classes and keeping it for the test. The CLI's tests use it too.
 */
public final class OtlpReceiver implements AutoCloseable {
    private static final String SERVICE = "opentelemetry.proto.collector.logs.v1.LogsService";

    public final List<ExportLogsServiceRequest> requests;
    private final int port;
    private final HttpServer http;
    private final Server grpc;

    private OtlpReceiver(List<ExportLogsServiceRequest> requests, int port, HttpServer http, Server grpc) {
        this.requests = requests;
        this.port = port;
        this.http = http;
        this.grpc = grpc;
    }

    /** An OTLP/HTTP receiver at {@code /v1/logs} that answers every request with {@code status}. */
    public static OtlpReceiver http(int status) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        OtlpReceiver receiver = new OtlpReceiver(new CopyOnWriteArrayList<>(), server.getAddress().getPort(), server, null);
        server.createContext("/v1/logs", exchange -> {
            try (exchange) {
                InputStream body = exchange.getRequestBody();
                if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                    body = new GZIPInputStream(body);
                }
                ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body.readAllBytes());
                byte[] answer = ExportLogsServiceResponse.getDefaultInstance().toByteArray();
                if (status == 200) {
                    receiver.requests.add(request);
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            }
        });
        server.start();
        return receiver;
    }

    /** An OTLP/gRPC receiver of the logs service. */
    static OtlpReceiver grpc() throws IOException {
        List<ExportLogsServiceRequest> requests = new CopyOnWriteArrayList<>();
        MethodDescriptor<ExportLogsServiceRequest, ExportLogsServiceResponse> export =
                MethodDescriptor.<ExportLogsServiceRequest, ExportLogsServiceResponse>newBuilder()
                        .setType(MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, "Export"))
                        .setRequestMarshaller(ProtoUtils.marshaller(ExportLogsServiceRequest.getDefaultInstance()))
                        .setResponseMarshaller(ProtoUtils.marshaller(ExportLogsServiceResponse.getDefaultInstance()))
                        .build();
        ServerServiceDefinition service = ServerServiceDefinition.builder(SERVICE)
                .addMethod(export, ServerCalls.asyncUnaryCall((request, reply) -> {
                    requests.add(request);
                    reply.onNext(ExportLogsServiceResponse.getDefaultInstance());
                    reply.onCompleted();
                }))
                .build();
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                InsecureServerCredentials.create()).addService(service).build().start();
        return new OtlpReceiver(requests, server.getPort(), null, server);
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        if (grpc != null) {
            grpc.shutdownNow();
        }
    }
}
