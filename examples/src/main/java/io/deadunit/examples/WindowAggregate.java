package io.deadunit.examples;

import java.util.List;
import java.util.Map;

import io.deadunit.examples.GroundTruth.LayerMeta;
import io.deadunit.examples.GroundTruth.StepStats;

/** One layer's ground truth over a window of forward passes, from their per-pass reductions (see GroundTruth). */
final class WindowAggregate {
    int units;
    int dead;
    int saturated;
    int[] dormant = new int[GroundTruth.TAUS.length];
    long positions;
    double zeroRatio;
    double mean;
    double stddev;
    long nonfinite;
    boolean hasGradient;
    int zeroGradientUnits;
    double gradientNorm;
    double[] activity;

    private WindowAggregate() {
    }

    static WindowAggregate of(LayerMeta m, List<Map<String, StepStats>> window) {
        WindowAggregate a = null;
        long[] count = null;
        long[] nonzero = null;
        long[] sat = null;
        double[] sumAbs = null;
        boolean[] gradNonzero = null;
        double sum = 0;
        double sumSq = 0;
        double gradNormSum = 0;
        int gradSteps = 0;
        for (Map<String, StepStats> step : window) {
            StepStats s = step.get(m.name);
            if (s == null) {
                continue;
            }
            if (a == null) {
                a = new WindowAggregate();
                a.units = s.units;
                count = new long[s.units];
                nonzero = new long[s.units];
                sat = new long[s.units];
                sumAbs = new double[s.units];
                gradNonzero = new boolean[s.units];
            }
            if (s.units != a.units) {
                throw new IllegalStateException("layer " + m.name + " changed its unit count");
            }
            for (int u = 0; u < s.units; u++) {
                count[u] += s.count[u];
                nonzero[u] += s.nonzero[u];
                sat[u] += s.saturated[u];
                sumAbs[u] += s.sumAbs[u];
                if (s.hasGradient && s.gradNonzero[u]) {
                    gradNonzero[u] = true;
                }
            }
            sum += s.sum;
            sumSq += s.sumSq;
            a.nonfinite += s.nonfinite;
            if (s.hasGradient) {
                a.hasGradient = true;
                gradNormSum += s.gradNorm;
                gradSteps++;
            }
        }
        if (a == null) {
            return null;
        }
        long positions = 0;
        long nonzeroTotal = 0;
        double meanAbsSum = 0;
        a.activity = new double[a.units];
        for (int u = 0; u < a.units; u++) {
            positions += count[u];
            nonzeroTotal += nonzero[u];
            if (nonzero[u] == 0) {
                a.dead++;
            }
            if (m.bounded && sat[u] * 100 >= count[u] * 99) {
                a.saturated++;
            }
            meanAbsSum += sumAbs[u] / count[u];
            a.activity[u] = m.bounded ? (double) (count[u] - sat[u]) / count[u] : (double) nonzero[u] / count[u];
            if (a.hasGradient && !gradNonzero[u]) {
                a.zeroGradientUnits++;
            }
        }
        double meanAbs = meanAbsSum / a.units;
        for (int t = 0; t < GroundTruth.TAUS.length; t++) {
            for (int u = 0; u < a.units; u++) {
                double e = sumAbs[u] / count[u];
                if (meanAbs == 0 || e / meanAbs <= GroundTruth.TAUS[t]) {
                    a.dormant[t]++;
                }
            }
        }
        a.positions = positions;
        a.zeroRatio = (double) (positions - nonzeroTotal) / positions;
        a.mean = sum / positions;
        a.stddev = Math.sqrt(Math.max(0, sumSq / positions - a.mean * a.mean));
        a.gradientNorm = gradSteps == 0 ? 0 : gradNormSum / gradSteps;
        return a;
    }
}
