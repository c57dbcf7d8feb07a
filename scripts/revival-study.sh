#!/usr/bin/env bash
# The revival study of docs/revival.md (not in CI): 240 DigitsTrainer runs of 3-6 s of training each.
# Runs DigitsTrainer under the agent with revive=false and revive=true for every seed x OpenBLAS kernel x learning
# rate, plus the loss-of-plasticity setting (shuffled labels first, then the true ones; and a fresh network trained
# on the true labels only), then writes the tables (scripts/RevivalStudyTable.java) between the study markers of
# docs/revival.md.
#   scripts/revival-study.sh            build, run what is missing, regenerate the tables
# Environment (defaults in brackets): SEEDS ["1 2 3 4 5 6 7 8 9 10"], KERNELS ["Haswell Sandybridge"] (values of
# OPENBLAS_CORETYPE), LRS ["0.01 0.05 0.1"], PLASTICITY_LRS ["0.05 0.01"], PARALLEL [2] runs at a time,
# OUT [target/revival-study] (one file per run; a run whose file exists is not repeated: delete OUT to start over),
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

# One line per run: file kernel revive trainer-arguments...
jobs="${out}/jobs.txt"
: > "${jobs}"
# Seeds outer, kernels inner: an interrupted study still has whole seeds for both kernels.
for seed in ${seeds}; do
  for kernel in ${kernels}; do
    for lr in ${lrs}; do
      for revive in false true; do
        echo "${out}/runs/main_${kernel}_lr${lr}_s${seed}_revive-${revive}.txt ${kernel} ${revive}" \
          "--lr ${lr} --seed ${seed} --iterations ${iterations}" >> "${jobs}"
      done
    done
  done
done
for lr in ${plasticity_lrs}; do
  for seed in ${seeds}; do
    for kernel in ${kernels}; do
      echo "${out}/runs/plasticity_${kernel}_lr${lr}_s${seed}_fresh.txt ${kernel} false" \
        "--lr ${lr} --seed ${seed} --iterations $((iterations - shuffled))" >> "${jobs}"
      for revive in false true; do
        echo "${out}/runs/plasticity_${kernel}_lr${lr}_s${seed}_revive-${revive}.txt ${kernel} ${revive}" \
          "--lr ${lr} --seed ${seed} --iterations ${iterations} --shuffledFirst ${shuffled}" >> "${jobs}"
      done
    done
  done
done

run_one() {
  local file="$1" kernel="$2" revive="$3"
  shift 3
  [ -s "${file}" ] && return 0
  local result
  result=$(OMP_NUM_THREADS=1 OPENBLAS_CORETYPE="${kernel}" \
    java -javaagent:"${OUT_DIR}/agent.jar"=port=0,revive="${revive}",reviveEvery=1 -cp "${CLASSPATH_RUN}" \
    io.deadunit.examples.DigitsTrainer "$@" 2>&1 | grep '^RESULT ' || true)
  if [ -z "${result}" ]; then
    echo "revival-study: no RESULT from ${file}" >&2
    return 1
  fi
  echo "${result}" > "${file}.tmp" && mv "${file}.tmp" "${file}"
  echo "revival-study: $(basename "${file}") ${result}"
}
export -f run_one
export OUT_DIR="${out}" CLASSPATH_RUN="${classpath}"

start=$(date +%s)
xargs -P "${parallel}" -L 1 bash -c 'run_one "$@"' _ < "${jobs}"
echo "revival-study: runs done in $(( $(date +%s) - start )) s"

java scripts/RevivalStudyTable.java "${out}/runs" "${doc}"
echo "revival-study: tables written into ${doc}"
