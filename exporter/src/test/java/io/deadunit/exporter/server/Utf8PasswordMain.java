package io.deadunit.exporter.server;

import io.deadunit.exporter.config.AgentConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/** Run in a child JVM whose platform charset is not UTF-8: scrapes with a non-ASCII password sent as UTF-8. */
public final class Utf8PasswordMain {
    static final String PASSWORD = "pässwörd-日本-€";

    private Utf8PasswordMain() {
    }

    public static void main(String[] args) throws Exception {
        Path passwordFile = Files.createTempFile("deadunit-password", ".txt");
        try {
            Files.write(passwordFile, PASSWORD.getBytes(StandardCharsets.UTF_8));
            MetricsEndpoint endpoint = MetricsEndpoint.start(AgentConfig.builder().port(0).user("scraper")
                    .passwordFile(passwordFile).build(), TestRegistries.oneCounter());
            String credentials = Base64.getEncoder().encodeToString(
                    ("scraper:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(endpoint.url())).header("Authorization", "Basic " + credentials)
                            .build(), HttpResponse.BodyHandlers.ofString());
            System.out.println("charset " + java.nio.charset.Charset.defaultCharset() + " -> "
                    + response.statusCode());
            endpoint.close();
        } finally {
            Files.delete(passwordFile);
        }
    }
}
