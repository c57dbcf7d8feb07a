package io.deadunit.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The agent leaves ND4J the native room it has without the agent, and never overrides a user's JavaCPP limit. */
class JavaCppBudgetTest {
    private static final long MB = 1L << 20;

    @Test
    void raisesJavaCppsDefaultPhysicalLimitByTheAgentsFootprint() {
        Properties p = new Properties();

        assertThat(JavaCppBudget.raise(p, 20 * MB)).isTrue();

        // JavaCPP's default: maxBytes (= -Xmx) + 3 × -Xmx.
        assertThat(p.getProperty("org.bytedeco.javacpp.maxPhysicalBytes"))
                .isEqualTo(Long.toString(80 * MB + JavaCppBudget.ALLOWANCE));
    }

    @Test
    void aLimitTheUserSetIsLeftAlone() {
        for (String key : new String[] {"org.bytedeco.javacpp.maxbytes", "org.bytedeco.javacpp.maxBytes",
                "org.bytedeco.javacpp.maxphysicalbytes", "org.bytedeco.javacpp.maxPhysicalBytes"}) {
            Properties p = new Properties();
            p.setProperty(key, "0");

            assertThat(JavaCppBudget.raise(p, 20 * MB)).as(key).isFalse();
            assertThat(p).as(key).hasSize(1).containsEntry(key, "0");
        }
    }

    @Test
    void noHeapLimitMeansNoJavaCppLimitToRaise() {
        Properties p = new Properties();

        assertThat(JavaCppBudget.raise(p, Long.MAX_VALUE)).isFalse();
        assertThat(p).isEmpty();
    }
}
