package io.deadunit.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Order statistics over small samples. */
final class Stats {
    private Stats() {
    }

    static double median(List<Double> values) {
        return quantile(values, 0.5);
    }

    static double min(List<Double> values) {
        return values.isEmpty() ? Double.NaN : Collections.min(values);
    }

    static double max(List<Double> values) {
        return values.isEmpty() ? Double.NaN : Collections.max(values);
    }

    /**
     * 2.5% and 97.5% quantiles of {@code statistic} over {@code rows} resampled with replacement, 2,000 times with a
     * fixed seed: a 95% bootstrap interval.
     */
    static <T> double[] bootstrap95(List<T> rows, java.util.function.ToDoubleFunction<List<T>> statistic) {
        java.util.Random random = new java.util.Random(1);
        List<Double> values = new ArrayList<>();
        for (int b = 0; b < 2000; b++) {
            List<T> sample = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                sample.add(rows.get(random.nextInt(rows.size())));
            }
            values.add(statistic.applyAsDouble(sample));
        }
        return new double[] {quantile(values, 0.025), quantile(values, 0.975)};
    }

    /** Linear interpolation between order statistics (type 7, as R and NumPy by default). */
    static double quantile(List<Double> values, double q) {
        List<Double> v = new ArrayList<>();
        for (Double d : values) {
            if (d != null && !d.isNaN()) {
                v.add(d);
            }
        }
        if (v.isEmpty()) {
            return Double.NaN;
        }
        Collections.sort(v);
        double pos = q * (v.size() - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return v.get(lo) + (pos - lo) * (v.get(hi) - v.get(lo));
    }

    static String f(double v, int decimals) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Significant figures suited to throughputs from 0.5 to 5000 it/s. */
    static String its(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (v >= 100) {
            return f(v, 0);
        }
        if (v >= 10) {
            return f(v, 1);
        }
        return f(v, 2);
    }

    static String bytes(double b) {
        if (Double.isNaN(b)) {
            return "n/a";
        }
        double a = Math.abs(b);
        if (a >= 1024 * 1024) {
            return f(b / (1024.0 * 1024), 2) + " MiB";
        }
        if (a >= 1024) {
            return f(b / 1024.0, 1) + " KiB";
        }
        return f(b, 0) + " B";
    }

    static String pct2(double v) {
        return Double.isNaN(v) ? "n/a" : f(100 * v, 2) + "%";
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : f(100 * v, 1) + "%";
    }

    static String seconds(double ms) {
        return Double.isNaN(ms) ? "n/a" : f(ms / 1000, 2) + " s";
    }

    static String signedSeconds(double ms) {
        return Double.isNaN(ms) ? "n/a" : (ms >= 0 ? "+" : "−") + f(Math.abs(ms) / 1000, 2) + " s";
    }

    static String signedBytes(double b) {
        return Double.isNaN(b) ? "n/a" : (b >= 0 ? "+" : "−") + bytes(Math.abs(b));
    }

    static String minutes(double seconds) {
        return String.format(Locale.ROOT, "%d min %02d s", (long) seconds / 60, (long) seconds % 60);
    }
}
