package io.deadunit.agent.it;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

/**
 * An OTLP/HTTP metrics receiver for tests (Debian's Prometheus 2.42 cannot receive OTLP): JDK HTTP server on a free
 * loopback port, {@code POST /v1/metrics} decoded with the opentelemetry-proto classes, every export kept with the
 * time it arrived.
 */
final class OtlpReceiver implements AutoCloseable {
    /** One export request as it arrived. */
    static final class Export {
        final long arrivedNanos;
        final String path;
        final ExportMetricsServiceRequest request;

        Export(long arrivedNanos, String path, ExportMetricsServiceRequest request) {
            this.arrivedNanos = arrivedNanos;
            this.path = path;
            this.request = request;
        }

        ResourceMetrics resourceMetrics() {
            return request.getResourceMetrics(0);
        }

        Map<String, String> resource() {
            return attributes(resourceMetrics().getResource().getAttributesList());
        }

        /** Every metric of the export by name (a name appears once per export). */
        Map<String, Metric> metrics() {
            Map<String, Metric> metrics = new LinkedHashMap<>();
            resourceMetrics().getScopeMetricsList()
                    .forEach(scope -> scope.getMetricsList().forEach(m -> metrics.put(m.getName(), m)));
            return metrics;
        }

        /** The gauge's or sum's data points of a metric (empty when absent). */
        List<NumberDataPoint> points(String name) {
            Metric m = metrics().get(name);
            if (m == null) {
                return List.of();
            }
            if (m.hasGauge()) {
                return m.getGauge().getDataPointsList();
            }
            if (m.hasSum()) {
                return m.getSum().getDataPointsList();
            }
            return List.of();
        }

        /** The data point whose attributes include {@code match}; null when none. */
        NumberDataPoint point(String name, Map<String, String> match) {
            List<NumberDataPoint> found = points(name).stream()
                    .filter(p -> attributes(p.getAttributesList()).entrySet().containsAll(match.entrySet()))
                    .collect(Collectors.toList());
            if (found.size() > 1) {
                throw new AssertionError(found.size() + " points of " + name + " match " + match);
            }
            return found.isEmpty() ? null : found.get(0);
        }

        @Override
        public String toString() {
            return request.toString();
        }
    }

    private final HttpServer server;
    private final List<Export> exports = new CopyOnWriteArrayList<>();

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try {
                byte[] body = exchange.getRequestBody().readAllBytes();
                exports.add(new Export(System.nanoTime(), exchange.getRequestURI().getPath(),
                        ExportMetricsServiceRequest.parseFrom(body)));
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
            } catch (IOException | RuntimeException e) {
                exchange.sendResponseHeaders(400, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
    }

    List<Export> exports() {
        return new ArrayList<>(exports);
    }

    static Map<String, String> attributes(List<KeyValue> attributes) {
        Map<String, String> map = new LinkedHashMap<>();
        attributes.forEach(kv -> map.put(kv.getKey(), kv.getValue().hasStringValue() ? kv.getValue().getStringValue()
                : kv.getValue().toString().strip()));
        return map;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
