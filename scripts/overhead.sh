#!/usr/bin/env bash
# capbench's own overhead on the CPU backend: capbench's gemm, stream triad and all_reduce
# figures against the same library calls timed directly, alternated over repetitions.
# Usage: scripts/overhead.sh BUILD_DIR [--np N] [--repetitions R] [-- extra capbench_overhead options]
# Prints capbench / direct per figure (median over repetitions, with min and max).
# Runs twice: 1 rank with all the node's cores (gemm, triad) and N ranks (default 2) sharing them
# (gemm, triad, all_reduce), so both of capbench's thread layouts are covered.
set -euo pipefail

build=${1:?usage: scripts/overhead.sh BUILD_DIR [--np N] [--repetitions R] [-- options]}
shift
np=2
reps=5
extra=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --np) np=$2; shift 2 ;;
    --repetitions) reps=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "overhead.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

tool="$build/bench/overhead/capbench_overhead"
if [[ ! -x "$tool" ]]; then
  echo "overhead.sh: $tool not found; build it: cmake --build $build --target capbench_overhead" >&2
  exit 2
fi
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Neither side may grow its own thread pool beyond what it is given.
unset OMP_NUM_THREADS OPENBLAS_NUM_THREADS

echo "== 1 rank (all cores to one rank) =="
mpirun -np 1 --oversubscribe --bind-to none "$tool" --repetitions "$reps" "${extra[@]}"
echo
echo "== $np ranks (cores shared among ranks) =="
mpirun -np "$np" --oversubscribe --bind-to none "$tool" --repetitions "$reps" "${extra[@]}"
