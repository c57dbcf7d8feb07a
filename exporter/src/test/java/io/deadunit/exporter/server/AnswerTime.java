package io.deadunit.exporter.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;

/**
 * The target for slow and half-open clients (issue 12, finding 2), as stated: an answer within 1 s while
 * they are held. The stall this guards against lasts seconds on every request, so the best of three tries must be
 * under 1 s (a loaded build machine can slow one request); and the first try within 1 s of what a request takes here
 * without slow clients. That unloaded time (measured first, best of two) must itself be under 1 s, and is reported
 * with the tries.
 */
final class AnswerTime {
    static final long BOUND_MILLIS = 1000;

    private final Http http;
    private final long unloadedMillis;

    private AnswerTime(Http http, long unloadedMillis) {
        this.http = http;
        this.unloadedMillis = unloadedMillis;
    }

    /** Measures the unloaded time on {@code url}: call before opening the slow connections. */
    static AnswerTime unloaded(Http http, String url) {
        return new AnswerTime(http, Math.min(timed(http, url), timed(http, url)));
    }

    /** Three GETs of {@code url} (each must answer 200) against the bounds above. */
    void assertQuick(String url) {
        long first = timed(http, url);
        long best = Math.min(first, Math.min(timed(http, url), timed(http, url)));
        String report = "answer times of " + url + ": first " + first + " ms, best of 3 " + best
                + " ms (unloaded: " + unloadedMillis + " ms)";

        assertThat(unloadedMillis).as(report).isLessThan(BOUND_MILLIS);
        assertThat(best).as(report).isLessThan(BOUND_MILLIS);
        assertThat(first).as(report).isLessThan(BOUND_MILLIS + unloadedMillis);
    }

    private static long timed(Http http, String url) {
        long start = System.nanoTime();
        HttpResponse<String> response = http.get(url);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(200);
        return millis;
    }
}
