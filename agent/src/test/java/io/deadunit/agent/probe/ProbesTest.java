package io.deadunit.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bridge the advice calls, driven directly as the advice would drive it. */
class ProbesTest {
    private final Object layer = "layer";
    private final Object inner = "inner";
    private final Object output = "output";
    private final RecordingProbe probe = new RecordingProbe(String::valueOf);

    @BeforeEach
    void install() throws ReflectiveOperationException {
        probe.install();
    }

    @AfterEach
    void uninstall() {
        RecordingProbe.uninstall();
    }

    @Test
    void aNestedForwardIsObservedOnceAtTheOutermostCall() {
        Object outer = Probes.enterForward();
        Object nested = Probes.enterForward();        // a wrapper's inner layer, or activate(3) calling activate(2)
        Probes.exitForward(nested, inner, true, output);
        Probes.exitForward(outer, layer, true, output);

        assertThat(probe.events()).containsExactly("forward layer true");
    }

    @Test
    void aForwardWithoutOutputIsNotObserved() {
        Probes.exitForward(Probes.enterForward(), layer, false, null);

        assertThat(probe.events()).isEmpty();
    }

    @Test
    void forwardsRecomputedInsideABackwardPassAreNotNewEvidence() {
        Object backward = Probes.enterBackward(layer, "epsilon");
        Probes.exitForward(Probes.enterForward(), inner, true, output);
        Probes.exitBackward(backward);
        Probes.exitForward(Probes.enterForward(), layer, true, output);

        assertThat(probe.events()).containsExactly("backward layer", "forward layer true");
    }

    @Test
    void aNestedBackwardIsObservedOnce() {
        Object outer = Probes.enterBackward(layer, "epsilon");
        Object nested = Probes.enterBackward(inner, "epsilon");
        Probes.exitBackward(nested);
        Probes.exitBackward(outer);

        assertThat(probe.events()).containsExactly("backward layer");
    }

    @Test
    void anOutputLayerIsHandedOverToItsActivationFunctionOnce() {
        Object backward = Probes.enterBackward(layer, null);  // output layers get no epsilon
        Probes.onActivationFunction(output);
        Probes.onActivationFunction("another activation inside the same backward pass");
        Probes.exitBackward(backward);
        Probes.onActivationFunction("an activation after it");

        assertThat(probe.events()).containsExactly("forward layer true");
    }

    @Test
    void theHandOverEndsWithTheBackwardPassThatStartedIt() {
        Probes.exitBackward(Probes.enterBackward(layer, null));
        Probes.onActivationFunction(output);

        assertThat(probe.events()).isEmpty();
    }

    @Test
    void modelCallsArePassedOn() {
        Probes.onModelInit("model");
        Probes.onIterationDone("model");

        assertThat(probe.events()).containsExactly("init model", "iteration model");
    }

    @Test
    void nothingThrownByTheAgentReachesTheCaller() {
        probe.failWith(new IllegalStateException("agent bug"));

        Probes.exitForward(Probes.enterForward(), layer, true, output);
        Probes.exitBackward(Probes.enterBackward(layer, "epsilon"));
        Object backward = Probes.enterBackward(layer, null);
        Probes.onActivationFunction(output);
        Probes.exitBackward(backward);
        Probes.onModelInit("model");
        Probes.onIterationDone("model");

        assertThat(probe.events()).hasSize(5);
        // and the depths are balanced again: the next call is observed normally
        probe.failWith(null);
        Probes.exitForward(Probes.enterForward(), layer, false, output);
        assertThat(probe.events()).last().isEqualTo("forward layer false");
    }

    @Test
    void beforeInstallOnlyTheDepthsAreKept() {
        RecordingProbe.uninstall();

        Probes.exitForward(Probes.enterForward(), layer, true, output);
        Probes.exitBackward(Probes.enterBackward(layer, null));
        Probes.onActivationFunction(output);
        Probes.onIterationDone("model");

        assertThat(probe.events()).isEmpty();
    }
}
