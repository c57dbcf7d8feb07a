package io.deadunit.exporter.monitor;

import io.deadunit.exporter.stats.LayerSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Why a layer lost many units, judged from one closed window. A layer is <em>diagnosed</em> when its lost share
 * (units dead or saturated, over units) reaches the threshold; then each rule that matches the evidence names a
 * cause, and {@link Cause#UNEXPLAINED} stands in when none does. The rules are documented in docs/diagnosis.md.
 */
public final class Diagnosis {
    /** ‖ΔW‖/‖W‖ per step above this is "far above" the healthy 1e-3. */
    public static final double HIGH_UPDATE_RATIO = 1e-2;
    /** Dead units' mean bias must lie this many live-unit standard deviations below the live units' mean... */
    public static final double BIAS_SPREADS = 3;
    /** ...and at least this far below it (absolute), so that a layer whose biases are all still 0 never matches. */
    public static final double BIAS_GAP_FLOOR = 0.01;
    /** Saturating activation: at least this share of the lost units are saturated. */
    public static final double SATURATED_SHARE_OF_LOST = 0.5;

    private static final Diagnosis HEALTHY = new Diagnosis(false, 0, 0, 0, EnumSet.noneOf(Cause.class), null, Double.NaN,
            null, null);

    private final boolean diagnosed;
    private final double lostRatio;
    private final int dead;
    private final int saturated;
    private final Set<Cause> causes;
    // The evidence text is written only when asked for (a log line when the layer crosses the threshold): a
    // diagnosed layer is evaluated at every window close, and formatting its numbers cost a millisecond there.
    private final LayerSnapshot layer;
    private final double peakUpdateRatio;
    private final LayerSnapshot upstream;
    private final String upstreamName;
    private volatile List<String> evidence;

    private Diagnosis(boolean diagnosed, double lostRatio, int dead, int saturated, Set<Cause> causes,
                      LayerSnapshot layer, double peakUpdateRatio, LayerSnapshot upstream, String upstreamName) {
        this.diagnosed = diagnosed;
        this.lostRatio = lostRatio;
        this.dead = dead;
        this.saturated = saturated;
        this.causes = Collections.unmodifiableSet(causes);
        this.layer = layer;
        this.peakUpdateRatio = peakUpdateRatio;
        this.upstream = upstream;
        this.upstreamName = upstreamName;
        this.evidence = causes.isEmpty() ? List.of() : null;
    }

    /**
     * @param layer           the layer's closed window
     * @param peakUpdateRatio the highest window update ratio since the layer was last healthy, that healthy window
     *                        included (units that die are still alive in the window before the one that finds them
     *                        dead, and the step that killed them may lie there); NaN when unknown
     * @param upstream        the last window of the layer feeding it, or null (first layer, several inputs, unknown)
     * @param upstreamName    its name, for the evidence text
     * @param threshold       lost share (0..1] from which a layer is diagnosed; also "mostly dead" for upstream_dead
     */
    public static Diagnosis evaluate(LayerSnapshot layer, double peakUpdateRatio, LayerSnapshot upstream,
                                     String upstreamName, double threshold) {
        if (layer == null || layer.units() == 0) {
            return HEALTHY;
        }
        double lost = layer.lostRatio();
        if (lost < threshold) {
            return new Diagnosis(false, lost, layer.deadUnits(), layer.saturatedUnits(), EnumSet.noneOf(Cause.class),
                    null, Double.NaN, null, null);
        }
        Set<Cause> causes = EnumSet.noneOf(Cause.class);
        if (upstream != null && upstream.units() > 0 && upstream.deadRatio() >= threshold) {
            causes.add(Cause.UPSTREAM_DEAD);
        }
        if (peakUpdateRatio > HIGH_UPDATE_RATIO) {
            causes.add(Cause.HIGH_LEARNING_RATE);
        }
        int lostUnits = layer.lostUnits();
        if (layer.saturatedUnits() > 0 && layer.saturatedUnits() >= SATURATED_SHARE_OF_LOST * lostUnits) {
            causes.add(Cause.SATURATING_ACTIVATION);
        }
        if (negativeBias(layer) != null) {
            causes.add(Cause.NEGATIVE_BIAS);
        }
        if (causes.isEmpty()) {
            causes.add(Cause.UNEXPLAINED);
        }
        return new Diagnosis(true, lost, layer.deadUnits(), layer.saturatedUnits(), causes, layer, peakUpdateRatio,
                upstream, upstreamName);
    }

    /** {@link #evaluate(LayerSnapshot, double, LayerSnapshot, String, double)} with this window's ratio only. */
    public static Diagnosis evaluate(LayerSnapshot layer, LayerSnapshot upstream, String upstreamName,
                                     double threshold) {
        return evaluate(layer, layer == null ? Double.NaN : layer.updateRatio(), upstream, upstreamName, threshold);
    }

    /** The phrases of the matched causes, root causes first (a dead upstream or a too-high rate also explains biases). */
    private List<String> writeEvidence() {
        List<String> out = new ArrayList<>();
        if (causes.contains(Cause.UPSTREAM_DEAD)) {
            out.add(String.format(Locale.ROOT, "upstream_dead (layer %s feeding it has %.0f%% of its units dead)",
                    upstreamName, 100 * upstream.deadRatio()));
        }
        if (causes.contains(Cause.HIGH_LEARNING_RATE)) {
            out.add(String.format(Locale.ROOT,
                    "high_learning_rate (update ratio ||dW||/||W|| up to %.1e per step, healthy about 1e-3%s)",
                    peakUpdateRatio, Double.isNaN(layer.learningRate()) ? ""
                            : String.format(Locale.ROOT, "; learning rate %.3g", layer.learningRate())));
        }
        if (causes.contains(Cause.SATURATING_ACTIVATION)) {
            out.add(String.format(Locale.ROOT, "saturating_activation (%.0f%% of units saturated at a bound)",
                    100 * layer.saturatedRatio()));
        }
        if (causes.contains(Cause.NEGATIVE_BIAS)) {
            double[] b = negativeBias(layer);
            out.add(String.format(Locale.ROOT,
                    "negative_bias (dead units' mean bias %.3g vs live units' %.3g ± %.2g)", b[0], b[1], b[2]));
        }
        if (causes.contains(Cause.UNEXPLAINED)) {
            out.add("unexplained (no rule matched: update ratio " + (Double.isNaN(peakUpdateRatio) ? "unknown"
                    : String.format(Locale.ROOT, "up to %.1e", peakUpdateRatio)) + ", " + biasSummary(layer) + ")");
        }
        return Collections.unmodifiableList(out);
    }

    /** {dead units' mean bias, live units' mean, live units' spread} when the rule matches; else null. */
    private static double[] negativeBias(LayerSnapshot s) {
        if (!s.hasBiases() || s.deadUnits() == 0) {
            return null;
        }
        double[] dead = biasStats(s, true);
        double[] live = biasStats(s, false);
        double liveMean = live[2] == 0 ? 0 : live[0];
        double liveStd = live[2] < 2 ? 0 : live[1];
        double gap = liveMean - dead[0];
        if (dead[0] < 0 && gap > Math.max(BIAS_SPREADS * liveStd, BIAS_GAP_FLOOR)) {
            return new double[] {dead[0], liveMean, liveStd};
        }
        return null;
    }

    private static String biasSummary(LayerSnapshot s) {
        if (!s.hasBiases() || s.deadUnits() == 0) {
            return "no bias evidence";
        }
        double[] dead = biasStats(s, true);
        double[] live = biasStats(s, false);
        return String.format(Locale.ROOT, "dead units' mean bias %.3g, live units' %.3g", dead[0],
                live[2] == 0 ? 0 : live[0]);
    }

    /** {mean, standard deviation, count} of the biases of the dead (or live) units. */
    private static double[] biasStats(LayerSnapshot s, boolean ofDead) {
        boolean[] isDead = new boolean[s.units()];
        for (int u : s.deadUnitIndices()) {
            isDead[u] = true;
        }
        double sum = 0;
        double squares = 0;
        int n = 0;
        for (int u = 0; u < s.units(); u++) {
            if (isDead[u] == ofDead) {
                double b = s.bias(u);
                sum += b;
                squares += b * b;
                n++;
            }
        }
        double mean = n == 0 ? Double.NaN : sum / n;
        double variance = n == 0 ? Double.NaN : Math.max(0, squares / n - mean * mean);
        return new double[] {mean, Math.sqrt(variance), n};
    }

    /** The lost share reached the threshold in this window. */
    public boolean diagnosed() {
        return diagnosed;
    }

    public boolean has(Cause cause) {
        return causes.contains(cause);
    }

    public Set<Cause> causes() {
        return causes;
    }

    /** Units dead or saturated, over units. */
    public double lostRatio() {
        return lostRatio;
    }

    /** One phrase per matched cause, with its evidence: {@code negative_bias (dead units' mean bias -10 vs ...)}. */
    public List<String> evidence() {
        List<String> written = evidence;
        if (written == null) {
            written = writeEvidence();
            evidence = written;
        }
        return written;
    }

    /** The stderr line for a layer that just crossed the threshold. */
    public String message(String layer, String model) {
        String what = saturated == 0 ? "dead" : dead == 0 ? "saturated" : "dead or saturated";
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                "deadunit: layer %s of %s: %.0f%% of units %s; likely cause: ", layer, model, 100 * lostRatio, what));
        List<String> phrases = evidence();
        for (int i = 0; i < phrases.size(); i++) {
            sb.append(i == 0 ? "" : "; also ").append(phrases.get(i));
        }
        return sb.toString();
    }
}
