package io.deadunit.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The shipped {@code grafana/prometheus/prometheus.yml} reduced to one of its scrape jobs, with 1 s scrapes and no
 * rules, so that a test's Prometheus runs exactly the job users get, pointed at the test's own targets.
 */
final class ShippedScrapeConfig {
  private ShippedScrapeConfig() {
  }

  /**
   * Writes {@code work/prometheus.yml}: the shipped job {@code jobName}, adapted by {@code pointAtTargets} (which
   * gets a copy of the job), as the only scrape job.
   */
  static Path onlyJob(Path work, String jobName, Consumer<ObjectNode> pointAtTargets) throws Exception {
    Path shipped = Repo.prometheusDir().resolve("prometheus.yml");
    ObjectNode config = (ObjectNode) Yaml.read(shipped);
    ((ObjectNode) config.get("global")).put("scrape_interval", "1s").put("evaluation_interval", "1s")
        .put("scrape_timeout", "1s");
    config.remove("rule_files");
    ArrayNode jobs = config.putArray("scrape_configs");
    for (JsonNode job : Yaml.read(shipped).path("scrape_configs")) {
      if (jobName.equals(job.path("job_name").asText())) {
        ObjectNode copy = job.deepCopy();
        pointAtTargets.accept(copy);
        jobs.add(copy);
      }
    }
    assertThat(jobs.size()).as("scrape job " + jobName + " in prometheus.yml").isEqualTo(1);
    Path out = work.resolve("prometheus.yml");
    Yaml.MAPPER.writeValue(out.toFile(), config);
    return out;
  }
}
