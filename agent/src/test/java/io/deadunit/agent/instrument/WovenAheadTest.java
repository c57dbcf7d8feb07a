package io.deadunit.agent.instrument;

import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WovenAheadTest {
    private static final String NETWORK = Hook.Types.MULTI_LAYER_NETWORK;
    private final ClassLoader dl4j = getClass().getClassLoader();

    /** Stands for the weaver: the "woven" file is the original with one byte appended. */
    private static final class MarkingWeaver implements WovenAhead.Weaving {
        final List<String> woven = new ArrayList<>();

        @Override
        public byte[] weave(ClassLoader loader, String internalName, byte[] classFile) {
            woven.add(internalName);
            byte[] marked = java.util.Arrays.copyOf(classFile, classFile.length + 1);
            marked[classFile.length] = 42;
            return marked;
        }
    }

    private byte[] original(String internalName) throws Exception {
        try (var in = dl4j.getResourceAsStream(internalName + ".class")) {
            return in.readAllBytes();
        }
    }

    @Test
    void theCopyServesTheFirstDefinitionOfTheSameBytesOnly() throws Exception {
        WovenAhead ahead = new WovenAhead();
        MarkingWeaver weaver = new MarkingWeaver();
        ahead.prepare(dl4j, weaver);
        assertThat(weaver.woven).contains(NETWORK, Hook.Types.COMPUTATION_GRAPH, Hook.Types.OPTIMIZER,
                "org/nd4j/linalg/activations/impl/ActivationReLU");
        byte[] file = original(NETWORK);
        byte[] copy = ahead.take(dl4j, NETWORK, file);
        assertThat(copy).hasSize(file.length + 1);
        assertThat(copy[file.length]).isEqualTo((byte) 42);
        assertThat(ahead.take(dl4j, NETWORK, file)).as("used once").isNull();
    }

    @Test
    void otherBytesOrAnotherLoaderAreWovenAsUsual() throws Exception {
        WovenAhead ahead = new WovenAhead();
        ahead.prepare(dl4j, new MarkingWeaver());
        byte[] changed = original(Hook.Types.OPTIMIZER);
        changed[changed.length - 1] ^= 1; // another agent's change
        assertThat(ahead.take(dl4j, Hook.Types.OPTIMIZER, changed)).isNull();
        try (URLClassLoader other = new URLClassLoader(new URL[0], dl4j)) {
            assertThat(ahead.take(other, NETWORK, original(NETWORK))).isNull();
        }
        assertThat(ahead.take(dl4j, "com/acme/Net", new byte[] {1})).isNull();
    }

    @Test
    void aClassAskedForBeforeItsCopyWasMadeIsNotCopiedAtAll() throws Exception {
        WovenAhead ahead = new WovenAhead();
        byte[] file = original(NETWORK);
        assertThat(ahead.take(dl4j, NETWORK, file)).isNull(); // loaded first: woven as usual
        MarkingWeaver weaver = new MarkingWeaver();
        ahead.prepare(dl4j, weaver);
        assertThat(weaver.woven).as("no copy that nothing would use").doesNotContain(NETWORK)
                .contains(Hook.Types.COMPUTATION_GRAPH);
        assertThat(ahead.take(dl4j, NETWORK, file)).isNull();
    }
}
