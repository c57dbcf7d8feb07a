package io.deadunit.exporter.monitor;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class WarmUpTest {
    @Test
    void runsItsSyntheticModelThroughTheBackgroundPathWithoutAFailure() {
        List<String> errors = new CopyOnWriteArrayList<>();
        WindowUpdates updates = WindowUpdates.background(1 << 20, (what, error) -> errors.add(what + ": " + error));
        try {
            WarmUp.run(updates);
            assertThat(updates.awaitIdle(TimeUnit.SECONDS.toNanos(10))).isTrue();
            assertThat(errors).isEmpty();
            assertThat(updates.copyBytes()).as("its tensors were copied, into pooled arrays").isPositive()
                    .isLessThanOrEqualTo(1 << 20);
        } finally {
            updates.close();
        }
    }
}
