package io.deadunit.agent.it;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.assertj.core.api.SoftAssertions;
import org.assertj.core.data.Offset;

/**
 * Comparisons of the agent's layer meters with a trainer's ground truth, recorded in soft assertions so that one
 * forked run reports every discrepancy at once.
 */
final class LayerExpectations {

    static final double REL_STATS = 1e-4;     // mean: float data summed in double by both sides
    static final double REL_STDDEV = 1e-3;    // E[x^2] - E[x]^2 cancels digits
    static final double REL_GRADIENT = 1e-3;  // ground truth recomputes dL/da with its own matrix products

    private final SoftAssertions soft;
    private final PrometheusText prom;
    private final String model;
    private final GroundTruthFile gt;

    LayerExpectations(SoftAssertions soft, PrometheusText prom, String model, GroundTruthFile gt) {
        this.soft = soft;
        this.prom = prom;
        this.model = model;
        this.gt = gt;
    }

    /**
     * Scrapes until the agent has counted every training iteration and published the dead-unit gauge of every
     * ground-truth layer (at most 10 s; after that the assertions say what is missing), and returns it with the
     * trained model's label.
     */
    static PrometheusText scrapeTrained(ForkedTrainer t, GroundTruthFile gt) {
        return t.scrapeUntil(p -> {
            OptionalDouble it = p.find("dl4j_training_iterations_total").stream()
                    .mapToDouble(s -> s.value).max();
            if (it.isEmpty() || it.getAsDouble() < gt.steps()) {
                return false;
            }
            for (String layer : gt.layers().keySet()) {
                if (!p.has("dl4j_layer_dead_units", Map.of("layer", layer))) {
                    return false;
                }
            }
            return true;
        }, Duration.ofSeconds(10));
    }

    static String model(PrometheusText p, ForkedTrainer t) {
        return p.trainedModel().orElseThrow(() -> new AssertionError(
                "no dl4j_training_iterations_total on /metrics" + t.describe()));
    }

    Map<String, String> labels(String layer) {
        return Map.of("model", model, "layer", layer);
    }

    /** The agent's value, or a recorded failure (and null) when the sample is missing or ambiguous. */
    Double metric(String name, String layer) {
        return metric(name, labels(layer));
    }

    Double metric(String name, Map<String, String> labels) {
        List<PrometheusText.Sample> found = prom.find(name, labels);
        if (found.size() != 1) {
            soft.fail("%s%s: expected one sample, found %s", name, labels, found);
            return null;
        }
        return found.get(0).value;
    }

    void iterations() {
        Double it = metric("dl4j_training_iterations_total", Map.of("model", model));
        if (it != null) {
            soft.assertThat(it).as("dl4j_training_iterations_total (optimizer steps the trainer made)")
                    .isEqualTo((double) gt.steps());
        }
    }

    /** dl4j_model_score equals the model's score after the last iteration. */
    void score() {
        Double score = metric("dl4j_model_score", Map.of("model", model));
        if (score != null) {
            soft.assertThat(score).as("dl4j_model_score").isCloseTo(gt.score(),
                    Offset.offset(1e-6 * Math.abs(gt.score()) + 1e-9));
        }
    }

    /** A healthy run: no failure inside the agent. */
    void noAgentErrors() {
        Double errors = metric("deadunit_agent_errors_total", Map.of());
        if (errors != null) {
            soft.assertThat(errors).as("deadunit_agent_errors_total").isZero();
        }
    }

    /** units, dead units and their ratio, and layer_index, for these layers (all ground-truth layers if null). */
    void unitsAndDead(Collection<String> layers) {
        for (String name : layers == null ? gt.layers().keySet() : layers) {
            GroundTruthFile.Layer l = gt.layer(name);
            Double units = metric("dl4j_layer_units", name);
            if (units != null) {
                soft.assertThat(units).as("%s dl4j_layer_units; ground truth %s", name, l).isEqualTo(l.units());
            }
            Double dead = metric("dl4j_layer_dead_units", name);
            if (dead != null) {
                soft.assertThat(dead).as("%s dl4j_layer_dead_units; ground truth %s", name, l).isEqualTo(l.dead());
            }
            Double ratio = metric("dl4j_layer_dead_units_ratio", name);
            if (ratio != null) {
                soft.assertThat(ratio).as("%s dl4j_layer_dead_units_ratio; ground truth %s", name, l)
                        .isCloseTo((double) l.dead() / l.units(), Offset.offset(1e-12));
            }
            List<String> index = prom.labelValues("dl4j_layer_units", labels(name), "layer_index");
            soft.assertThat(index).as("%s layer_index label", name).containsExactly(Integer.toString(l.index()));
        }
    }

    /**
     * The {@code activation} label is the activation the layer really applies ("none" for BatchNormalization,
     * DropoutLayer, subsampling: their configuration may carry the builder's default "sigmoid", never applied).
     */
    void activationLabels(Collection<String> layers) {
        for (String name : layers == null ? gt.layers().keySet() : layers) {
            GroundTruthFile.Layer l = gt.layer(name);
            soft.assertThat(prom.labelValues("dl4j_layer_units", labels(name), "activation"))
                    .as("%s (%s) activation label", name, l.type()).containsExactly(l.activation());
        }
    }

    void saturated(Collection<String> layers) {
        for (String name : layers == null ? gt.layers().keySet() : layers) {
            GroundTruthFile.Layer l = gt.layer(name);
            Double sat = metric("dl4j_layer_saturated_units", name);
            if (sat != null) {
                soft.assertThat(sat).as("%s dl4j_layer_saturated_units; ground truth %s", name, l)
                        .isEqualTo(l.saturated());
            }
        }
    }

    /** dormant units (both taus), zero ratio, mean, stddev. */
    void stats(Collection<String> layers) {
        for (String name : layers == null ? gt.layers().keySet() : layers) {
            GroundTruthFile.Layer l = gt.layer(name);
            for (String tau : new String[] {"0.025", "0.1"}) {
                Map<String, String> lt = new java.util.HashMap<>(labels(name));
                lt.put("tau", tau);
                Double d = metric("dl4j_layer_dormant_units", lt);
                if (d != null) {
                    soft.assertThat(d).as("%s dl4j_layer_dormant_units{tau=%s}; ground truth %s", name, tau, l)
                            .isEqualTo(l.dormant(tau));
                }
            }
            Double zr = metric("dl4j_layer_activation_zero_ratio", name);
            if (zr != null) {
                soft.assertThat(zr).as("%s dl4j_layer_activation_zero_ratio; ground truth %s", name, l)
                        .isCloseTo(l.zeroRatio(), Offset.offset(1e-9));
            }
            Double mean = metric("dl4j_layer_activation_mean", name);
            if (mean != null) {
                soft.assertThat(mean).as("%s dl4j_layer_activation_mean; ground truth %s", name, l)
                        .isCloseTo(l.mean(), Offset.offset(REL_STATS * Math.abs(l.mean()) + 1e-7));
            }
            Double sd = metric("dl4j_layer_activation_stddev", name);
            if (sd != null) {
                soft.assertThat(sd).as("%s dl4j_layer_activation_stddev; ground truth %s", name, l)
                        .isCloseTo(l.stddev(), Offset.offset(REL_STDDEV * Math.abs(l.stddev()) + 1e-6));
            }
        }
    }

    /** zero-gradient units and gradient norm, for the ground-truth layers that have them (dense networks). */
    void gradients() {
        for (GroundTruthFile.Layer l : gt.layers().values()) {
            if (!l.hasGradient()) {
                continue;
            }
            Double z = metric("dl4j_layer_zero_gradient_units", l.name);
            if (z != null) {
                soft.assertThat(z).as("%s dl4j_layer_zero_gradient_units; ground truth %s", l.name, l)
                        .isEqualTo(l.zeroGradientUnits());
            }
            Double g = metric("dl4j_layer_gradient_norm", l.name);
            if (g != null) {
                soft.assertThat(g).as("%s dl4j_layer_gradient_norm; ground truth %s", l.name, l)
                        .isCloseTo(l.gradientNorm(), Offset.offset(REL_GRADIENT * Math.abs(l.gradientNorm())));
            }
        }
    }

    /**
     * The unit-activity histogram after exactly {@code windows} windows whose last one is the ground truth's: only
     * meaningful with one window (then every bucket is known).
     */
    void activityHistogramSingleWindow(Collection<String> layers) {
        for (String name : layers == null ? gt.layers().keySet() : layers) {
            GroundTruthFile.Layer l = gt.layer(name);
            double[] activity = l.activity();
            Double count = metric("dl4j_layer_unit_activity_count", name);
            if (count != null) {
                soft.assertThat(count).as("%s dl4j_layer_unit_activity_count after one window", name)
                        .isEqualTo(activity.length);
            }
            Double sum = metric("dl4j_layer_unit_activity_sum", name);
            if (sum != null) {
                double expected = 0;
                for (double a : activity) {
                    expected += a;
                }
                soft.assertThat(sum).as("%s dl4j_layer_unit_activity_sum after one window", name)
                        .isCloseTo(expected, Offset.offset(1e-6 * activity.length));
            }
            for (PrometheusText.Sample b : prom.find("dl4j_layer_unit_activity_bucket", labels(name))) {
                double le = PrometheusText.parseValue(b.label("le"));
                long expected = 0;
                for (double a : activity) {
                    if (a <= le) {
                        expected++;
                    }
                }
                soft.assertThat(b.value).as("%s dl4j_layer_unit_activity_bucket{le=%s}; activities %s", name,
                        b.label("le"), java.util.Arrays.toString(activity)).isEqualTo((double) expected);
            }
        }
    }
}
