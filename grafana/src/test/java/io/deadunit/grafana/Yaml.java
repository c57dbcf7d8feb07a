package io.deadunit.grafana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

final class Yaml {
  private Yaml() {}

  static final ObjectMapper MAPPER = new ObjectMapper(
      YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).build());

  static JsonNode read(Path file) {
    try {
      JsonNode node = MAPPER.readTree(file.toFile());
      if (node == null || node.isMissingNode()) {
        throw new IllegalStateException("empty YAML: " + file);
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException("not well-formed YAML: " + file, e);
    }
  }
}
