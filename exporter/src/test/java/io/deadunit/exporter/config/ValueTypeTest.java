package io.deadunit.exporter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Value types: the built-in ones, and that a key of any other type (a duration, a label map) fits the same mould. */
class ValueTypeTest {
    @Test
    void wholeNumbersParseAndCheckTheirRange() {
        ValueType<Integer> type = ValueType.wholeNumber(1, 10).note("a remark");

        assertThat(type.parse(" 7 ")).isEqualTo(7);
        assertThat(type.expected()).isEqualTo("a whole number from 1 to 10 (a remark)");
        assertThat(type.bounds()).isEqualTo("between 1 and 10");
        assertThatThrownBy(() -> type.parse("11")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> type.parse("99999999999")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> type.check(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void otherKindsOfValueFitTheSameMould() {
        ValueType<Duration> every = ValueType.of("a duration such as 30s", text -> {
            if (!text.matches("[0-9]{1,6}s")) {
                throw new IllegalArgumentException("not a duration");
            }
            return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
        }, d -> {
            if (d.isZero()) {
                throw new IllegalArgumentException("out of range");
            }
            return d;
        }, d -> d.getSeconds() + "s");
        ValueType<Map<String, String>> labels = ValueType.of("key:value pairs joined by ;", text -> {
            Map<String, String> map = new TreeMap<>();
            for (String pair : text.split(";")) {
                String[] kv = pair.split(":", 2);
                if (kv.length != 2 || kv[0].isEmpty()) {
                    throw new IllegalArgumentException("not key:value");
                }
                map.put(kv[0], kv[1]);
            }
            return Map.copyOf(map);
        }, UnaryOperator.identity());

        assertThat(every.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(every.show(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThatThrownBy(() -> every.parse("0s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> every.parse("soon")).isInstanceOf(IllegalArgumentException.class);
        assertThat(labels.parse("team:vision;run:7")).containsEntry("team", "vision").containsEntry("run", "7");
        assertThatThrownBy(() -> labels.parse("team")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void phasesNeedAtLeastOne() {
        assertThat(ValueType.phases().parse("inference , train")).isEqualTo(new Phases(true, true));
        assertThatThrownBy(() -> ValueType.phases().check(new Phases(false, false)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ConfigKey.PHASES.check(new Phases(false, false)))
                .hasMessage("phases must be train, inference, or both joined by + or ; (train+inference), got none");
    }
}
