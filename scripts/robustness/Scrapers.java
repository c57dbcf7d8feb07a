import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N threads scraping /metrics and /deadunits (alternately, /deadunits with gzip every other time) as fast as they
 * can for S seconds. Prints requests, non-200 answers, failures and the slowest answer.
 * Usage: java Scrapers.java PORT THREADS SECONDS
 */
public class Scrapers {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        long until = System.nanoTime() + Long.parseLong(args[2]) * 1_000_000_000L;
        AtomicLong ok = new AtomicLong();
        AtomicLong bad = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong slowestMillis = new AtomicLong();
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                int i = 0;
                while (System.nanoTime() < until) {
                    String path = (i + id) % 2 == 0 ? "/metrics" : "/deadunits";
                    HttpRequest.Builder request = HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
                    if (i % 4 == 1) {
                        request.header("Accept-Encoding", "gzip");
                    }
                    long start = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = client.send(request.build(),
                                HttpResponse.BodyHandlers.ofByteArray());
                        (response.statusCode() == 200 ? ok : bad).incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    slowestMillis.accumulateAndGet((System.nanoTime() - start) / 1_000_000, Math::max);
                    i++;
                }
            });
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        System.out.println("SCRAPES ok=" + ok + " non200=" + bad + " failed=" + failed + " slowestMs=" + slowestMillis);
    }
}
