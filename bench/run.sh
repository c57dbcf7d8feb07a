#!/usr/bin/env bash
# The overhead benchmark, in one command (see bench/README.md):
#   bench/run.sh smoke [options]   ~3-6 min: every configuration once, short runs: proves it works (CI)
#   bench/run.sh quick [options]   ~15-25 min: 2 rounds, no StatsListener, short extras; writes bench/results/latest.md
#   bench/run.sh full  [options]   ~50 min: 5 interleaved rounds; writes bench/results/latest.md
# Options go to io.deadunit.bench.Bench (--workloads mlp,cnn --rounds 7 --agent PATH --out PATH ...).
# Needs the agent jar (agent/target/deadunit-agent.jar): build it first with the rest of the project.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mode="${1:-smoke}"
if [ $# -gt 0 ]; then shift; fi
mvn -B -q -f "$here/pom.xml" -DskipTests package
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
exec "$java" -cp "$here/target/classes" io.deadunit.bench.Bench --mode "$mode" "$@"
