package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Grafana provisioning, docker-compose.yml and the Prometheus files around them (Docker itself is not run). */
class ProvisioningTest {
  private final Path grafana = Repo.grafana();

  @Test
  void datasourceProvisioningDefinesADefaultPrometheus() {
    JsonNode ds = Yaml.read(grafana.resolve("provisioning/datasources/prometheus.yml"));
    assertThat(ds.path("apiVersion").asInt()).isEqualTo(1);
    JsonNode first = ds.path("datasources").get(0);
    assertThat(first.path("type").asText()).isEqualTo("prometheus");
    assertThat(first.path("url").asText()).isEqualTo("http://prometheus:9090");
    assertThat(first.path("isDefault").asBoolean()).isTrue();
  }

  @Test
  void dashboardProvisioningPointsAtTheFolderComposeMountsTheDashboardsIn() {
    JsonNode providers = Yaml.read(grafana.resolve("provisioning/dashboards/deadunit.yml")).path("providers");
    assertThat(providers.size()).isEqualTo(1);
    String path = providers.get(0).path("options").path("path").asText();
    assertThat(providers.get(0).path("type").asText()).isEqualTo("file");
    assertThat(composeVolumes("grafana")).contains("./dashboards:" + path + ":ro");
  }

  @Test
  void composeIsWellFormedAndMountsExistingFiles() {
    JsonNode compose = Yaml.read(grafana.resolve("docker-compose.yml"));
    assertThat(compose.path("services").has("prometheus")).isTrue();
    assertThat(compose.path("services").has("grafana")).isTrue();
    assertThat(compose.path("services").path("prometheus").path("command").toString())
        .contains("--config.file=/etc/prometheus/prometheus.yml");
    assertThat(composeVolumes("prometheus")).contains("./prometheus:/etc/prometheus:ro");
    assertThat(composeVolumes("grafana")).contains("./provisioning:/etc/grafana/provisioning:ro");
    List<String> missing = new ArrayList<>();
    compose.path("services").forEach(s -> s.path("volumes").forEach(v -> {
      String source = v.asText().split(":")[0];
      if (source.startsWith(".") && !Files.exists(grafana.resolve(source))) {
        missing.add(v.asText());
      }
    }));
    assertThat(missing).isEmpty();
  }

  private List<String> composeVolumes(String service) {
    List<String> out = new ArrayList<>();
    Yaml.read(grafana.resolve("docker-compose.yml")).path("services").path(service).path("volumes")
        .forEach(v -> out.add(v.asText()));
    return out;
  }

  @Test
  void prometheusScrapesTheAgentFromFileSdTargets() throws Exception {
    JsonNode config = Yaml.read(Repo.prometheusDir().resolve("prometheus.yml"));
    JsonNode job = null;
    for (JsonNode sc : config.path("scrape_configs")) {
      if ("deadunit".equals(sc.path("job_name").asText())) {
        job = sc;
      }
    }
    assertThat(job).as("scrape job deadunit").isNotNull();
    assertThat(job.path("file_sd_configs").get(0).path("files").get(0).asText()).isEqualTo("targets/*.json");
    assertThat(config.path("rule_files").get(0).asText()).isEqualTo("rules/*.rules.yml");
    try (Stream<Path> targets = Files.list(Repo.prometheusDir().resolve("targets"))) {
      List<Path> files = targets.filter(p -> p.toString().endsWith(".json")).toList();
      assertThat(files).as("an example targets file").isNotEmpty();
      for (Path f : files) {
        JsonNode groups = Dashboard.JSON.readTree(f.toFile());
        assertThat(groups.isArray()).isTrue();
        groups.forEach(g -> assertThat(g.path("targets").size()).isPositive());
      }
    }
    // the rule test file must not be loaded as a rule file
    assertThat(Repo.ruleTests().getFileName().toString()).doesNotMatch(".*\\.rules\\.yml");
  }

  @Test
  void toolsScriptIsExecutableAndReadmeExplainsCompose() throws Exception {
    assertThat(Files.isExecutable(grafana.resolve("tools/prometheus.sh"))).isTrue();
    String readme = Files.readString(grafana.resolve("README.md"));
    assertThat(readme).contains("docker compose").contains("rule_files").contains("promtool");
  }
}
