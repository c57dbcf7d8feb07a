#!/usr/bin/env bash
# The demo: builds the agent, then runs the unmodified example trainer (an MLP that never mentions deadunit)
# under it, and prints the metrics URL and, once it trains, the per-layer unit counts it serves.
#   scripts/demo.sh [SECONDS]      (default 120; PORT=9404 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-9404}"
seconds="${1:-120}"

mvn -B -q install -DskipTests
classpath="examples/target/classes:$(cat examples/target/classpath.txt)"
url="http://127.0.0.1:${port}/metrics"

echo "deadunit demo: training for ${seconds}s; metrics at ${url}"
OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}" \
  java -javaagent:agent/target/deadunit-agent.jar=port="${port}" \
  -cp "${classpath}" io.deadunit.examples.MlpTrainer --seconds "${seconds}" &
trainer=$!
trap 'kill "${trainer}" 2>/dev/null || true' INT TERM

# Show what a scraper sees once the first layers have been observed.
for _ in $(seq 1 60); do
  sleep 2
  if units=$(curl -fsS "${url}" 2>/dev/null | grep '^dl4j_layer_units') && [ -n "${units}" ]; then
    echo "deadunit demo: ${url} serves, for example:"
    echo "${units}"
    break
  fi
  kill -0 "${trainer}" 2>/dev/null || break
done
wait "${trainer}"
