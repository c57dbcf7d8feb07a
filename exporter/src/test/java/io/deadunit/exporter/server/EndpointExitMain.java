package io.deadunit.exporter.server;

import io.deadunit.exporter.config.AgentConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Run in a child JVM: starts the endpoint, scrapes it once and returns from main without closing it. */
public final class EndpointExitMain {
    private EndpointExitMain() {
    }

    public static void main(String[] args) throws Exception {
        MetricsEndpoint endpoint = MetricsEndpoint.start(AgentConfig.builder().port(0).build(),
                TestRegistries.oneCounter());
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(endpoint.url())).build(), HttpResponse.BodyHandlers.ofString());
        System.out.println("scraped " + endpoint.url() + " -> " + response.statusCode());
    }
}
