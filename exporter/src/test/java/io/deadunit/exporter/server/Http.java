package io.deadunit.exporter.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small blocking HTTP client for endpoint tests. */
final class Http {
    private final HttpClient client;

    Http() {
        this(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    Http(HttpClient client) {
        this.client = client;
    }

    HttpResponse<String> get(String url, String... headers) {
        return send("GET", url, headers);
    }

    HttpResponse<String> send(String method, String url, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, method.equals("POST") || method.equals("PUT")
                        ? HttpRequest.BodyPublishers.ofString("x") : HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String base(MetricsEndpoint endpoint) {
        return endpoint.url().substring(0, endpoint.url().length() - MetricsEndpoint.METRICS_PATH.length());
    }
}
