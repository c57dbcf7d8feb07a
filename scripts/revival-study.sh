#!/usr/bin/env bash
# The revival study of docs/revival.md (not in CI): 240 DigitsTrainer runs of 2-4 s of training each (one core),
# in 14 JVMs.
# Runs DigitsTrainer under the agent with revive=false and revive=true for every seed x OpenBLAS kernel x learning
# rate, plus the loss-of-plasticity setting (shuffled labels first, then the true ones; and a fresh network trained
# on the true labels only), then writes the tables (scripts/RevivalStudyTable.java) between the study markers of
# docs/revival.md.
#   scripts/revival-study.sh            build, run what is missing, regenerate the tables
# Environment (defaults in brackets): SEEDS ["1 2 3 4 5 6 7 8 9 10"], KERNELS ["Haswell Sandybridge"] (values of
# OPENBLAS_CORETYPE), LRS ["0.01 0.05 0.1"], PLASTICITY_LRS ["0.05 0.01"], PARALLEL [2] runs at a time,
# OUT [target/revival-study] (one file per run; a JVM whose log is marked done is not rerun: delete OUT to start over),
# BUILD [1] (0: use the jars already built), DOC [docs/revival.md].
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${SEEDS:-1 2 3 4 5 6 7 8 9 10}"
kernels="${KERNELS:-Haswell Sandybridge}"
lrs="${LRS:-0.01 0.05 0.1}"
plasticity_lrs="${PLASTICITY_LRS:-0.05 0.01}"
parallel="${PARALLEL:-2}"
out="${OUT:-target/revival-study}"
doc="${DOC:-docs/revival.md}"
# 1050 = 10 windows of 100 (the agent's default) + 50: units revived at the last window close train 50 iterations
# before the trainer counts them (25 epochs; sized so that the study fits in an hour on a busy 2-core machine).
# Plasticity: 500 iterations on shuffled labels, then 550 on the true labels.
iterations="${ITERATIONS:-1050}"
shuffled="${SHUFFLED:-500}"

if [ "${BUILD:-1}" = 1 ]; then
  mvn -B -q -pl agent,examples -am package -DskipTests
fi
mkdir -p "${out}/runs"
# A copy, so that rebuilding the agent while the study runs does not change the runs still to come.
cp agent/target/deadunit-agent.jar "${out}/agent.jar"
classpath="examples/target/classes:$(cat examples/target/classpath.txt)"

# One line per JVM: name kernel revive trainer-arguments... Each JVM trains every seed (and learning rate) of its
# condition in turn and prints one RESULT line per run; a JVM start costs as much as several runs on a busy machine.
seeds_csv=$(echo ${seeds} | tr ' ' ',')
jobs="${out}/jobs.txt"
: > "${jobs}"
for kernel in ${kernels}; do
  for revive in false true; do
    echo "main_${kernel}_revive-${revive} ${kernel} ${revive} --lr $(echo ${lrs} | tr ' ' ',') --seeds ${seeds_csv}" \
      "--iterations ${iterations}" >> "${jobs}"
  done
done
for lr in ${plasticity_lrs}; do
  for kernel in ${kernels}; do
    echo "plasticity_${kernel}_lr${lr}_fresh ${kernel} false --lr ${lr} --seeds ${seeds_csv}" \
      "--iterations $((iterations - shuffled))" >> "${jobs}"
    for revive in false true; do
      echo "plasticity_${kernel}_lr${lr}_revive-${revive} ${kernel} ${revive} --lr ${lr} --seeds ${seeds_csv}" \
        "--iterations ${iterations} --shuffledFirst ${shuffled}" >> "${jobs}"
    done
  done
done

# Runs one JVM, then files each RESULT line as runs/<setting>_<kernel>_lr<lr>_s<seed>_<condition>.txt.
run_jvm() {
  local name="$1" kernel="$2" revive="$3"
  shift 3
  local log="${OUT_DIR}/logs/${name}.log"
  if [ -s "${log}.done" ]; then
    return 0
  fi
  OMP_NUM_THREADS=1 OPENBLAS_CORETYPE="${kernel}" \
    java -javaagent:"${OUT_DIR}/agent.jar"=port=0,maxLayers=100000,revive="${revive}",reviveEvery=1 \
    -cp "${CLASSPATH_RUN}" io.deadunit.examples.DigitsTrainer "$@" > "${log}" 2>&1 || true
  local setting="${name%%_*}" condition="${name##*_}" count=0 line lr seed
  while read -r line; do
    lr=$(sed -E 's/.* lr=([^ ]+).*/\1/' <<< "${line}")
    seed=$(sed -E 's/.* seed=([^ ]+).*/\1/' <<< "${line}")
    echo "${line}" > "${OUT_DIR}/runs/${setting}_${kernel}_lr${lr}_s${seed}_${condition}.txt"
    count=$((count + 1))
  done < <(grep '^RESULT ' "${log}")
  if ! grep -q '^TRAINING_DONE' "${log}"; then
    echo "revival-study: ${name} did not finish (${count} runs); see ${log}" >&2
    return 1
  fi
  echo "${count}" > "${log}.done"
  echo "revival-study: ${name}: ${count} runs"
}
export -f run_jvm
export OUT_DIR="${out}" CLASSPATH_RUN="${classpath}"
mkdir -p "${out}/logs"

start=$(date +%s)
xargs -P "${parallel}" -L 1 bash -c 'run_jvm "$@"' _ < "${jobs}"
echo "revival-study: runs done in $(( $(date +%s) - start )) s"

java scripts/RevivalStudyTable.java "${out}/runs" "${doc}"
echo "revival-study: tables written into ${doc}"
