package io.deadunit.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** One GET of /metrics. */
final class Scrape {
    private static final Pattern LAYER = Pattern.compile("^dl4j_layer_units\\{[^}]*\\blayer=\"([^\"]*)\"",
            Pattern.MULTILINE);
    double millis;
    int bodyBytes;
    int wireBytes;
    int series;
    int layers;

    static Scrape get(String url, boolean prometheusHeaders) throws IOException {
        Scrape s = new Scrape();
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) new URI(url).toURL().openConnection();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        if (prometheusHeaders) {
            c.setRequestProperty("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,"
                    + "text/plain;version=0.0.4;q=0.4,*/*;q=0.1");
            c.setRequestProperty("Accept-Encoding", "gzip");
        }
        long t0 = System.nanoTime();
        int code = c.getResponseCode();
        byte[] body;
        try (InputStream in = c.getInputStream()) {
            byte[] wire = in.readAllBytes();
            s.wireBytes = wire.length;
            if ("gzip".equalsIgnoreCase(c.getContentEncoding())) {
                try (InputStream g = new GZIPInputStream(new java.io.ByteArrayInputStream(wire))) {
                    body = g.readAllBytes();
                }
            } else {
                body = wire;
            }
        }
        s.millis = (System.nanoTime() - t0) / 1e6;
        if (code != 200) {
            throw new IOException("GET " + url + ": HTTP " + code);
        }
        s.bodyBytes = body.length;
        String text = new String(body, StandardCharsets.UTF_8);
        Set<String> layers = new HashSet<>();
        Matcher m = LAYER.matcher(text);
        while (m.find()) {
            layers.add(m.group(1));
        }
        s.layers = layers.size();
        for (String line : text.split("\n")) {
            if (!line.isEmpty() && !line.startsWith("#")) {
                s.series++;
            }
        }
        return s;
    }
}
