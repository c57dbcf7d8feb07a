package io.deadunit.exporter.report;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deadunit.exporter.monitor.LayerDescriptor;
import io.deadunit.exporter.monitor.LayerMonitor;
import io.deadunit.exporter.monitor.ModelMonitor;
import io.deadunit.exporter.monitor.MonitorListener;
import io.deadunit.exporter.monitor.MonitorRegistry;
import io.deadunit.exporter.monitor.Sampling;
import io.deadunit.exporter.stats.LayerSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DeadUnitsReportTest {
    /** Strict: no trailing garbage, no raw control characters, no comments. */
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private static final MonitorListener QUIET = new MonitorListener() { };

    private final MonitorRegistry registry = new MonitorRegistry(Optional.empty(), new Sampling(1, 1), QUIET);
    private final KnownNetwork network = new KnownNetwork();

    static JsonNode parse(String json) throws Exception {
        return JSON.readTree(json);
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> values = new ArrayList<>();
        array.forEach(v -> values.add(v.intValue()));
        return values;
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> values = new ArrayList<>();
        array.forEach(v -> values.add(v.doubleValue()));
        return values;
    }

    @Test
    void listsWhichUnitsAreDeadDormantAndSaturatedWithFiringRates() throws Exception {
        network.observeOneWindow(registry);

        JsonNode root = parse(new DeadUnitsReport(registry::models).json());

        assertThat(root.get("truncated").booleanValue()).isFalse();
        assertThat(root.get("models")).hasSize(1);
        JsonNode model = root.get("models").get(0);
        assertThat(model.get("model").textValue()).isEqualTo(KnownNetwork.MODEL);
        assertThat(model.get("iterations").longValue()).isEqualTo(1);
        JsonNode layers = model.get("layers");
        assertThat(layers).hasSize(3);

        JsonNode dense = layers.get(0);
        assertThat(dense.get("layer").textValue()).isEqualTo("dense");
        assertThat(dense.get("index").intValue()).isZero();
        assertThat(dense.get("type").textValue()).isEqualTo("DenseLayer");
        assertThat(dense.get("activation").textValue()).isEqualTo("relu");
        assertThat(dense.get("units").intValue()).isEqualTo(5);
        assertThat(dense.get("windowPositionsPerUnit").longValue()).isEqualTo(2);
        assertThat(ints(dense.get("dead"))).containsExactly(0);
        assertThat(ints(dense.get("dormant").get("0.025"))).containsExactly(0, 2);
        assertThat(ints(dense.get("dormant").get("0.1"))).containsExactly(0, 2, 4);
        assertThat(ints(dense.get("saturated"))).isEmpty();
        assertThat(doubles(dense.get("firingRate"))).containsExactly(0.0, 1.0, 0.5, 1.0, 1.0);
        assertThat(dense.has("truncated")).isFalse();

        JsonNode gate = layers.get(1);
        assertThat(gate.get("activation").textValue()).isEqualTo("sigmoid");
        assertThat(ints(gate.get("saturated"))).containsExactly(0);
        assertThat(ints(gate.get("dead"))).isEmpty();
        assertThat(doubles(gate.get("firingRate"))).containsExactly(1.0, 1.0);
    }

    @Test
    void aLayerWithoutAClosedWindowIsListedWithNoPositionsAndEmptyLists() throws Exception {
        network.observeOneWindow(registry);

        JsonNode out = parse(new DeadUnitsReport(registry::models).json()).get("models").get(0).get("layers").get(2);

        assertThat(out.get("layer").textValue()).isEqualTo("out");
        assertThat(out.get("units").intValue()).isZero();
        assertThat(out.get("windowPositionsPerUnit").longValue()).isZero();
        assertThat(out.get("dead")).isEmpty();
        assertThat(out.get("dormant").get("0.025")).isEmpty();
        assertThat(out.get("dormant").get("0.1")).isEmpty();
        assertThat(out.get("saturated")).isEmpty();
        assertThat(out.get("firingRate")).isEmpty();
    }

    @Test
    void theLastClosedWindowIsReportedNotTheOpenOne() throws Exception {
        ModelMonitor monitor = network.observeOneWindow(registry);
        // The next window is open: unit 0 fires now, but the report still shows the closed window.
        KnownNetwork.feed(monitor.layers().get(0), 1, 1, 1, 1, 1, 1);

        JsonNode dense = parse(new DeadUnitsReport(registry::models).json()).get("models").get(0).get("layers").get(0);

        assertThat(ints(dense.get("dead"))).containsExactly(0);
    }

    @Test
    void filtersByModelAndLayer() throws Exception {
        network.observeOneWindow(registry);
        DeadUnitsReport report = new DeadUnitsReport(registry::models);

        JsonNode gateOnly = parse(report.json(KnownNetwork.MODEL, "gate"));
        JsonNode otherModel = parse(report.json("nope", null));

        assertThat(gateOnly.get("models").get(0).get("layers")).hasSize(1);
        assertThat(gateOnly.get("models").get(0).get("layers").get(0).get("layer").textValue()).isEqualTo("gate");
        assertThat(otherModel.get("models")).isEmpty();
    }

    @Test
    void layersPastTheUnitBudgetKeepTheirHeaderAndSayTruncated() throws Exception {
        network.observeOneWindow(registry);

        // 5 units of dense fit; the 2 of gate would exceed 6.
        JsonNode root = parse(new DeadUnitsReport(registry::models, 6).json());

        assertThat(root.get("truncated").booleanValue()).isTrue();
        JsonNode layers = root.get("models").get(0).get("layers");
        assertThat(layers.get(0).has("dead")).isTrue();
        JsonNode gate = layers.get(1);
        assertThat(gate.get("truncated").booleanValue()).isTrue();
        assertThat(gate.get("units").intValue()).isEqualTo(2);
        assertThat(gate.has("dead")).isFalse();
        assertThat(gate.has("firingRate")).isFalse();
    }

    @Test
    void theDocumentNeverExceedsItsByteBudget() throws Exception {
        network.observeOneWindow(registry);
        String full = new DeadUnitsReport(registry::models).json();
        int layerWorstCase = DeadUnitsReport.HEADER_BOUND + DeadUnitsReport.UNIT_BOUND * 5;

        for (long budget : new long[] {128, 600, 3000, 5000, layerWorstCase + 3000L, 1 << 20}) {
            String json = new DeadUnitsReport(registry::models, DeadUnitsReport.DEFAULT_UNIT_BUDGET, budget).json();
            JsonNode root = parse(json);

            assertThat((long) json.getBytes(StandardCharsets.UTF_8).length).as("budget " + budget)
                    .isLessThanOrEqualTo(budget);
            assertThat(root.get("truncated").booleanValue()).as("budget " + budget).isEqualTo(!json.equals(full));
        }
        assertThat(new DeadUnitsReport(registry::models, DeadUnitsReport.DEFAULT_UNIT_BUDGET, 1 << 20).json())
                .isEqualTo(full);
    }

    @Test
    void streamsIntoAnyAppendable() throws Exception {
        network.observeOneWindow(registry);
        StringWriter out = new StringWriter();

        new DeadUnitsReport(registry::models).write(null, null, out);

        assertThat(out.toString()).isEqualTo(new DeadUnitsReport(registry::models).json());
    }

    @Test
    void namesAreEscaped() throws Exception {
        String awkward = "a\"b\\c\nd\te\u0001f\u2028g\ud800h\u00e9\ud83d\ude00/";
        MonitorRegistry named = new MonitorRegistry(Optional.of(awkward), new Sampling(1, 1), QUIET);
        Object model = new Object();
        Object layer = new Object();
        ModelMonitor monitor = named.registerModel(model, "multilayernetwork");
        LayerMonitor dense = named.registerLayer(layer, monitor,
                l -> new LayerDescriptor(awkward, 0, "DenseLayer", "relu", false));
        KnownNetwork.feed(dense, 1, 0, 1);
        monitor.onIterationDone(0);

        String json = new DeadUnitsReport(named::models).json();
        JsonNode root = parse(json);

        assertThat(root.get("models").get(0).get("model").textValue()).isEqualTo(awkward);
        assertThat(root.get("models").get(0).get("layers").get(0).get("layer").textValue()).isEqualTo(awkward);
        assertThat(json).doesNotContain("\n", "\u2028").contains("\\ud800");
    }

    @Test
    void anEmptyRegistryIsAnEmptyList() throws Exception {
        assertThat(new DeadUnitsReport(registry::models).json()).isEqualTo("{\"models\":[],\"truncated\":false}");
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1, 1", "0.5, 0.5", "0.51, 0.51", "0.333333, 0.3333", "0.00004, 0", "0.00005, 0.0001",
            "0.99996, 1", "0.1, 0.1", "0.0203, 0.0203", "NaN, 0", "-1, 0", "2, 1"})
    void ratesHaveAtMostFourDecimals(double share, String expected) {
        assertThat(DeadUnitsReport.rate(share, new StringBuilder()).toString()).isEqualTo(expected);
    }
}
