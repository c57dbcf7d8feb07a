package io.deadunit.agent.instrument;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URL;

import static org.assertj.core.api.Assertions.assertThat;

class HookCheckTest {
    @Test
    void theSupportedDl4jHasEveryHook() {
        assertThat(HookCheck.missingFeatures(getClass().getClassLoader())).isEmpty();
    }

    @Test
    void aMissingClassNamesTheFeatureThatIsOff() {
        ClassLoader withoutOptimizer = new HidingLoader(getClass().getClassLoader(), "BaseOptimizer");

        assertThat(HookCheck.missingFeatures(withoutOptimizer))
                .singleElement().asString()
                .contains("BaseOptimizer not found", "iteration counting", "off");
    }

    /** A DL4J without one class, as another version might be. */
    private static final class HidingLoader extends ClassLoader {
        private final ClassLoader delegate;
        private final String hidden;

        HidingLoader(ClassLoader delegate, String hidden) {
            super(null);
            this.delegate = delegate;
            this.hidden = hidden;
        }

        @Override
        public URL getResource(String name) {
            return name.contains(hidden) ? null : delegate.getResource(name);
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            return name.contains(hidden) ? null : delegate.getResourceAsStream(name);
        }
    }
}
