package io.deadunit.bench;

import io.deadunit.bench.Results.ScrapeRound;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.deadunit.bench.Bench.SCRAPE_LAYERS;
import static io.deadunit.bench.Stats.bytes;
import static io.deadunit.bench.Stats.f;
import static io.deadunit.bench.Stats.median;

/**
 * Scrape time: workload {@code deep} with the agent, training while this driver GETs {@code /metrics} over loopback
 * (a cold scrape, then Prometheus-style and plain-text ones in turn); the workload trains until told to stop.
 */
final class ScrapeTiming extends Phase {

    ScrapeTiming(Bench b) {
        super(b);
    }

    void run() throws Exception {
        for (int round = 1; round <= o.scrapeRounds; round++) {
            int port = Bench.freePort();
            CountDownLatch ready = new CountDownLatch(1);
            ScrapeRound[] result = new ScrapeRound[1];
            int count = o.scrapeCount;
            Process[] process = new Process[1];
            CountDownLatch started = new CountDownLatch(1);
            Thread scraper = new Thread(() -> {
                try {
                    if (ready.await(600, TimeUnit.SECONDS)) {
                        result[0] = scrapeSeries(port, count);
                    }
                } catch (Exception e) {
                    result[0] = new ScrapeRound(0, Double.NaN, List.of(), List.of(), 0, 0, 0, 0, e.toString());
                } finally {
                    stopWorkload(started, process);
                }
            }, "bench-scraper");
            scraper.start();
            List<String> jvm = List.of("-javaagent:" + agentJar + "=host=127.0.0.1,port=" + port
                    + ",sampleEvery=1,window=5");
            // Trains until the driver has finished scraping (it writes "stop"), at most scrapeSeconds.
            List<String> args = List.of("--workload", "deep", "--layers", String.valueOf(SCRAPE_LAYERS), "--warmup",
                    f(o.scrapeWarmup, 1), "--seconds", f(o.scrapeSeconds, 1), "--untilStop");
            Fork.Outcome out = Fork.run(setup, jvm, args, (long) (o.scrapeWarmup + o.scrapeSeconds) + 300,
                    logDir.resolve("scrape-r" + round + ".log"), line -> {
                        if (line.kind.equals("ready")) {
                            ready.countDown();
                        }
                    }, p -> {
                        process[0] = p;
                        started.countDown();
                    });
            ready.countDown();
            scraper.join(TimeUnit.SECONDS.toMillis(120));
            ScrapeRound s = result[0];
            if (s == null || s.error() != null || !out.ok()) {
                results.problems.add("scrape round " + round + " failed: " + (s == null ? "no scrape" : s.error())
                        + (out.ok() ? "" : "; " + out.failure()));
                Bench.log("scrape round " + round + " FAILED");
                continue;
            }
            s = new ScrapeRound(round, s.coldMs(), s.promMs(), s.plainMs(), s.layers(), s.bodyBytes(), s.gzipBytes(),
                    s.lines(),
                    null);
            if (s.promMs().size() < count) {
                results.problems.add("scrape round " + round + ": only " + s.promMs().size() + " of " + count
                        + " scrapes finished while the workload ran");
            }
            results.scrapes.add(s);
            Bench.log(String.format(Locale.ROOT, "scrape round %d: cold %.1f ms, median %.1f ms (Prometheus headers, "
                            + "gzip), %.1f ms (plain text); %d layers, %d series, %s",
                    round, s.coldMs(), median(s.promMs()), median(s.plainMs()), s.layers(), s.lines(),
                    bytes(s.bodyBytes())));
        }
    }

    private ScrapeRound scrapeSeries(int port, int count) throws Exception {
        String url = "http://127.0.0.1:" + port + "/metrics";
        Scrape cold = Scrape.get(url, true);
        List<Double> prom = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        Scrape last = cold;
        try {
            for (int i = 0; i < count; i++) {
                Thread.sleep(200);
                last = Scrape.get(url, true);
                prom.add(last.millis);
                Thread.sleep(200);
                plain.add(Scrape.get(url, false).millis);
            }
        } catch (IOException e) {
            results.problems.add("scrape series cut short after " + prom.size() + " scrapes: " + e);
        }
        return new ScrapeRound(0, cold.millis, prom, plain, last.layers, last.bodyBytes, last.wireBytes,
                last.series, null);
    }

    private static void stopWorkload(CountDownLatch started, Process[] process) {
        try {
            if (started.await(60, TimeUnit.SECONDS) && process[0] != null) {
                try (var in = process[0].getOutputStream()) {
                    in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | InterruptedException e) {
            // The workload has exited already: nothing to stop.
        }
    }
}
