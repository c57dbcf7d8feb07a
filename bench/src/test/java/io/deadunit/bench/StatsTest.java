package io.deadunit.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianAndQuantilesInterpolate() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(Stats.quantile(List.of(1.0, 2.0, 3.0, 4.0, 5.0), 0.9)).isCloseTo(4.6, within(1e-12));
        assertThat(Stats.median(List.of(1.0, Double.NaN, 3.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of())).isNaN();
    }

    @Test
    void rotationGivesEveryConfigurationEveryPosition() {
        List<String> c = List.of("a", "b", "c");
        assertThat(Bench.rotate(c, 0)).containsExactly("a", "b", "c");
        assertThat(Bench.rotate(c, 1)).containsExactly("b", "c", "a");
        assertThat(Bench.rotate(c, 5)).containsExactly("c", "a", "b");
    }

    @Test
    void benchLinesParse() {
        Fork.Line l = Fork.parse("result iterations=12 seconds=2.0000 its=6.0000");
        assertThat(l.kind).isEqualTo("result");
        assertThat(l.number("its")).isEqualTo(6.0);
    }

    @Test
    void formatting() {
        assertThat(Stats.its(163.7)).isEqualTo("164");
        assertThat(Stats.its(19.04)).isEqualTo("19.0");
        assertThat(Stats.its(4.567)).isEqualTo("4.57");
        assertThat(Stats.bytes(1536)).isEqualTo("1.5 KiB");
    }
}
