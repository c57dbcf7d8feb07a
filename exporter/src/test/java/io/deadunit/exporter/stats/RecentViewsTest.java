package io.deadunit.exporter.stats;

import java.nio.FloatBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RecentViewsTest {
    private static TensorData view() {
        return new FloatTensorData(FloatBuffer.allocate(4));
    }

    @Test
    void aViewIsFoundForExactlyTheMemoryItWasMadeFor() {
        RecentViews recent = new RecentViews();
        TensorData view = view();
        recent.remember("org.bytedeco.javacpp.FloatPointer", 4096, 0, 64, 0, true, view);

        assertThat(recent.find("org.bytedeco.javacpp.FloatPointer", 4096, 0, 64, 0, true)).isSameAs(view);
        assertThat(recent.find("org.bytedeco.javacpp.BytePointer", 4096, 0, 64, 0, true)).as("kind").isNull();
        assertThat(recent.find("org.bytedeco.javacpp.FloatPointer", 8192, 0, 64, 0, true)).as("address").isNull();
        assertThat(recent.find("org.bytedeco.javacpp.FloatPointer", 4096, 1, 64, 0, true)).as("position").isNull();
        assertThat(recent.find("org.bytedeco.javacpp.FloatPointer", 4096, 0, 32, 0, true)).as("limit").isNull();
        assertThat(recent.find("org.bytedeco.javacpp.FloatPointer", 4096, 0, 64, 8, true)).as("offset").isNull();
        assertThat(recent.find("org.bytedeco.javacpp.FloatPointer", 4096, 0, 64, 0, false)).as("type").isNull();
    }

    @Test
    void theOldestViewMakesRoomAndEachThreadHasItsOwn() throws Exception {
        RecentViews recent = new RecentViews();
        TensorData first = view();
        recent.remember("p", 0, 0, 1, 0, true, first);
        for (int i = 1; i < 16; i++) {
            recent.remember("p", i, 0, 1, 0, true, view());
        }
        assertThat(recent.find("p", 0, 0, 1, 0, true)).isSameAs(first);
        recent.remember("p", 16, 0, 1, 0, true, view());
        assertThat(recent.find("p", 0, 0, 1, 0, true)).as("evicted after 16 others").isNull();
        assertThat(recent.find("p", 16, 0, 1, 0, true)).isNotNull();

        AtomicReference<RecentViews> other = new AtomicReference<>();
        Thread t = new Thread(() -> other.set(RecentViews.forThread()));
        t.start();
        t.join();
        assertThat(other.get()).isNotSameAs(RecentViews.forThread());
        assertThat(RecentViews.forThread()).isSameAs(RecentViews.forThread());
    }
}
