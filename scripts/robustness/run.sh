#!/usr/bin/env bash
# Load and fault measurements for docs/robustness.md (issue 12). Slow (about 15 minutes); not part of `mvn verify`.
# Needs a built tree: mvn -B -q -pl agent -am package -DskipTests
# Usage: scripts/robustness/run.sh [OUTDIR]
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$(mktemp -d /tmp/deadunit-robustness.XXXXXX)}
mkdir -p "$OUT"
AGENT=$ROOT/agent/target/deadunit-agent.jar
CP=$ROOT/examples/target/classes:$(cat "$ROOT/examples/target/classpath.txt")
export OMP_NUM_THREADS=1 DEADUNIT_SUMMARY=false
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rate() { grep -o 'trained [0-9]* minibatches ([0-9]* optimizer steps) in [0-9.]* s' "$1" | awk '{print $2/$8}'; }
echo "results in $OUT"

# 1. 50 scrapers for 60 s during training, against the same training without scrapers.
for mode in quiet scraped; do
  port=$(free_port)
  java -javaagent:"$AGENT"=port=$port -cp "$CP" io.deadunit.examples.DeadLayerTrainer --deadUnits 5 --seconds 75 \
      > "$OUT/load-$mode.out" 2> "$OUT/load-$mode.err" &
  pid=$!
  sleep 10
  if [ $mode = scraped ]; then java "$ROOT/scripts/robustness/Scrapers.java" "$port" 50 60 > "$OUT/scrapers.out" 2>&1; fi
  wait $pid; echo "load $mode: exit $? rate $(rate "$OUT/load-$mode.out") it/s; deadunit lines: $(grep -c '^deadunit:' "$OUT/load-$mode.err")"
done
cat "$OUT/scrapers.out"

# 2. Heap: the smallest -Xmx (in MB, 1 MB steps) the trainer runs with, without and with the agent; then the same
# with JavaCPP's physical-memory limit switched off (the Java heap alone). HeapLimitIT checks the first in the build.
smallest() { # $1: none|agent, $2: extra JVM option or ""
  for mb in $(seq 12 32); do
    a=""; [ "$1" = agent ] && a="-javaagent:$AGENT=port=0,sampleEvery=1"
    if java -Xmx${mb}m $2 $a -cp "$CP" io.deadunit.examples.DeadLayerTrainer --deadUnits 5 --iterations 200 \
        > "$OUT/heap-$1-$mb.out" 2> "$OUT/heap-$1-$mb.err"; then echo $mb; return; fi
  done
  echo "over 32"
}
for agent in none agent; do echo "heap $agent: smallest -Xmx $(smallest $agent "") MB"; done
for agent in none agent; do
  echo "heap $agent, JavaCPP limit off: smallest -Xmx $(smallest $agent -Dorg.bytedeco.javacpp.maxPhysicalBytes=0) MB"
done
# Resident memory at ND4J's first allocation (JavaCPP's limit forced to 1 byte so that it reports it).
for agent in none agent; do
  a=""; [ $agent = agent ] && a="-javaagent:$AGENT=port=0,sampleEvery=1"
  echo "resident at first ND4J allocation, $agent: $(java -Xmx20m -Dorg.bytedeco.javacpp.maxPhysicalBytes=1 \
      -Dorg.bytedeco.javacpp.maxRetries=0 $a -cp "$CP" io.deadunit.examples.DeadLayerTrainer --iterations 1 2>&1 \
      | grep -m1 -o 'physicalBytes ([0-9]*K)')"
done
# Heap the agent holds: its own objects in a class histogram of a trainer that holds after training.
port=$(free_port)
java -javaagent:"$AGENT"=port=$port,sampleEvery=1 -cp "$CP" io.deadunit.examples.DigitsTrainer --iterations 200 --hold \
    > "$OUT/histo.out" 2>&1 < <(sleep 90) &
pid=$!
for i in $(seq 1 80); do grep -q TRAINING_DONE "$OUT/histo.out" && break; sleep 1; done
jcmd $pid GC.class_histogram > "$OUT/histogram.txt" 2>&1
layers=$(curl -s "http://127.0.0.1:$port/metrics" | grep -c '^dl4j_layer_units{')
echo "agent heap: $(grep 'io.deadunit' "$OUT/histogram.txt" | awk '{b+=$3} END {print b}') bytes in io.deadunit.* objects for $layers layers"
kill $pid 2>/dev/null; wait $pid 2>/dev/null

# 3. SIGTERM and kill -9 mid-window: exit, lines, files left in the temp directory.
for sig in TERM KILL; do
  before=$(ls -d /tmp/deadunit-* 2>/dev/null | wc -l)
  java -javaagent:"$AGENT"=port=0,window=1000 -cp "$CP" io.deadunit.examples.DeadLayerTrainer --seconds 60 \
      > "$OUT/sig-$sig.out" 2> "$OUT/sig-$sig.err" &
  pid=$!
  sleep 15; kill -$sig $pid; wait $pid; code=$?
  after=$(ls -d /tmp/deadunit-* 2>/dev/null | wc -l)
  echo "SIG$sig mid-window: exit $code; deadunit lines $(grep -c '^deadunit:' "$OUT/sig-$sig.err"); exception lines $(grep -c 'Exception' "$OUT/sig-$sig.err"); new /tmp/deadunit-* entries $((after - before))"
done

# 4. A temp directory the agent cannot write (the one file it writes is the bridge jar, for isolated loaders). A
# chmod'ed directory does not stop root, so the temp directory is a path that cannot be created (under /proc).
java -Djava.io.tmpdir=/proc/deadunit-no-such-dir -javaagent:"$AGENT"=port=0 -cp "$ROOT/agent/target/test-classes" \
    io.deadunit.agent.it.fixtures.ChildLoaderLauncher isolated "$CP" io.deadunit.examples.DeadLayerTrainer \
    --iterations 20 --params "$OUT/ro.params" > "$OUT/readonly.out" 2> "$OUT/readonly.err"
echo "unwritable tmp: exit $?; TRAINING_DONE $(grep -c TRAINING_DONE "$OUT/readonly.out"); deadunit lines $(grep -c '^deadunit:' "$OUT/readonly.err"): $(grep '^deadunit:' "$OUT/readonly.err" | cut -c1-160)"
java -cp "$CP" io.deadunit.examples.DeadLayerTrainer --iterations 20 --params "$OUT/plain.params" > /dev/null 2>&1
cmp -s "$OUT/ro.params" "$OUT/plain.params" && echo "unwritable tmp: parameters identical to a run without the agent" \
    || echo "unwritable tmp: parameters DIFFER from a run without the agent"
