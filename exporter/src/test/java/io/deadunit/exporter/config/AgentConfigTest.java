package io.deadunit.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class AgentConfigTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        AgentConfig config = AgentConfig.defaults();

        assertThat(config.enabled()).isTrue();
        assertThat(config.host()).isEqualTo("127.0.0.1");
        assertThat(config.port()).isEqualTo(9404);
        assertThat(config.sampleEvery()).isEqualTo(10);
        assertThat(config.window()).isEqualTo(100);
        assertThat(config.observesTraining()).isTrue();
        assertThat(config.observesInference()).isFalse();
        assertThat(config.model()).isEmpty();
        assertThat(config.summary()).isTrue();
        assertThat(config.maxLayers()).isEqualTo(1000);
        assertThat(config.jmx()).isTrue();
        assertThat(config.user()).isEmpty();
        assertThat(config.passwordFile()).isEmpty();
        assertThat(config.keystore()).isEmpty();
        assertThat(config.keystorePasswordFile()).isEmpty();
        assertThat(config.basicAuth()).isFalse();
        assertThat(config.tls()).isFalse();
        assertThat(config.revive()).isFalse();
        assertThat(config.reviveEvery()).isEqualTo(1);
        assertThat(config.diagnoseAt()).isEqualTo(0.5);
    }

    @Test
    void builderRejectsOutOfRangeValues() {
        AgentConfig.Builder b = AgentConfig.builder();

        assertThatThrownBy(() -> b.port(65536)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port");
        assertThatThrownBy(() -> b.port(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.sampleEvery(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.window(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.maxLayers(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.phases(false, false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.host("not a host")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.model("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.user("a:b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.reviveEvery(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reviveEvery");
        assertThatThrownBy(() -> b.diagnoseAt(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("diagnoseAt");
        assertThatThrownBy(() -> b.diagnoseAt(1.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.diagnoseAt(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void toBuilderCopiesEverything() {
        AgentConfig config = AgentConfig.builder().enabled(false).host("::1").port(0).sampleEvery(3).window(7)
                .phases(true, true).model("m").summary(false).maxLayers(5).jmx(false).user("u")
                .passwordFile(Path.of("pw")).keystore(Path.of("ks")).keystorePasswordFile(Path.of("kpw"))
                .revive(true).reviveEvery(4).diagnoseAt(0.75).build();

        assertThat(config.toBuilder().build()).isEqualTo(config).hasSameHashCodeAs(config);
        assertThat(config.toBuilder().port(1).build()).isNotEqualTo(config);
        assertThat(config.toBuilder().revive(false).build()).isNotEqualTo(config);
        assertThat(config.toBuilder().reviveEvery(5).build()).isNotEqualTo(config);
        assertThat(config.toBuilder().diagnoseAt(0.5).build()).isNotEqualTo(config);
        assertThat(config.toString()).contains("revive=true", "reviveEvery=4", "diagnoseAt=0.75");
        assertThat(config.toString()).contains("phases=train+inference", "host=::1");
    }

    @Test
    void missingSecurityPartnerNamesTheAbsentKey() {
        assertThat(AgentConfig.builder().user("u").build().missingSecurityPartner()).contains("passwordFile");
        assertThat(AgentConfig.builder().passwordFile(Path.of("p")).build().missingSecurityPartner()).contains("user");
        assertThat(AgentConfig.builder().keystore(Path.of("k")).build().missingSecurityPartner())
                .contains("keystorePasswordFile");
        // Issue 12: a lone keystorePasswordFile asks for TLS too; it is no longer ignored (which served plain HTTP).
        assertThat(AgentConfig.builder().keystorePasswordFile(Path.of("k")).build().missingSecurityPartner())
                .contains("keystore");
    }

    @Test
    void everyKeyIsReadAndSetThroughItsConfigKey() {
        AgentConfig config = AgentConfig.builder().set(ConfigKey.WINDOW, 5).set(ConfigKey.PHASES, new Phases(false, true))
                .set(ConfigKey.MODEL, "m").build();

        assertThat(config.get(ConfigKey.WINDOW)).isEqualTo(5).isEqualTo(config.window());
        assertThat(config.get(ConfigKey.PHASES)).hasToString("inference");
        assertThat(config.observesInference()).isTrue();
        assertThat(config.find(ConfigKey.MODEL)).contains("m");
        assertThat(config.toBuilder().set(ConfigKey.MODEL, null).build().find(ConfigKey.MODEL)).isEmpty();
        for (ConfigKey<?> key : ConfigKey.all()) {
            assertThat(AgentConfig.defaults().get(key)).as(key.key()).isEqualTo(key.defaultValue());
        }
        assertThatThrownBy(() -> AgentConfig.builder().set(ConfigKey.WINDOW, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
        assertThatThrownBy(() -> AgentConfig.builder().set(ConfigKey.SAMPLE_EVERY, 1_000_001))
                .hasMessage("sampleEvery must be a whole number from 1 to 1000000, got 1000001");
    }
}
