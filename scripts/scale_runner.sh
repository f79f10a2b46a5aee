#!/usr/bin/env bash
# Rank 0's peak memory and bytes written: today's main (a build of f9910cd) against this tree,
# in the same run, interleaved (docs/performance.md, "How rank 0's memory and the gather grow").
#  1. mpirun on this machine, CPU backend, scripts/scale_runner_suite.json (the acceptance
#     suite's shape at CPU sizes), N ranks oversubscribed: rank 0 under /usr/bin/time
#     (scripts/rank0_probe.sh: peak RSS and the bytes it wrote to storage, from getrusage).
#  2. tests/tools/capbench_gather_sim at 16,384 and 100,000 ranks of the acceptance suite:
#     today's path (every case kept, the whole file rewritten after each) and the new one.
#     Today's path is run only up to --today-max-ranks (at 100,000 ranks it would hold about
#     6 GB and write about 60 GB, more than this shared machine should give it).
# Usage: scripts/scale_runner.sh --base BASE_BUILD --new NEW_BUILD [--ranks "64 256"] [--reps 2]
#        [--sim-ranks "16384 100000"] [--today-max-ranks 16384] [--work DIR] [--skip-mpirun] [--skip-sim]
#        [--grace S]
# --grace is capbench's per-case grace (default 60 s); at 256 ranks on two cores a loaded machine
# needs more, so that no case is cut short and the figures are those of a complete run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
base="" new="" ranks="64 256" reps=2 sim_ranks="16384 100000" today_max=16384 work=/tmp/capbench-scale-runner
skip_mpirun=0 skip_sim=0 grace=60
while [[ $# -gt 0 ]]; do
  case $1 in
    --base) base=$2; shift 2 ;;
    --new) new=$2; shift 2 ;;
    --ranks) ranks=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --sim-ranks) sim_ranks=$2; shift 2 ;;
    --today-max-ranks) today_max=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --skip-mpirun) skip_mpirun=1; shift ;;
    --skip-sim) skip_sim=1; shift ;;
    --grace) grace=$2; shift 2 ;;
    *) echo "scale_runner.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ -n $new ]] || { echo "scale_runner.sh: --new BUILD_DIR is required (and --base for the mpirun part)" >&2; exit 2; }
mkdir -p "$work"
trap 'rm -f "$work"/*.json "$work"/*.tmp.*' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "# $(date -u +%FT%TZ) $(nproc) cores, load average: $(cut -d' ' -f1-3 /proc/loadavg)"

if [[ $skip_mpirun -eq 0 ]]; then
  [[ -n $base ]] || { echo "scale_runner.sh: --base BUILD_DIR is required for the mpirun part" >&2; exit 2; }
  echo "# mpirun: which ranks rep wall_s rank0_maxrss_kb rank0_write_bytes file_bytes written_over_file exit"
  for rep in $(seq "$reps"); do
    for np in $ranks; do
      for which in base new; do
        build=$base; [[ $which == new ]] && build=$new
        out="$work/$which-$np-$rep.json" probe="$work/probe-$which-$np-$rep"
        start=$(date +%s.%N)
        set +e
        RANK0_PROBE_OUT=$probe timeout 3000 mpirun -np "$np" --oversubscribe "$here/rank0_probe.sh" \
          "$build/bench/capbench" run --backend cpu --threads 1 --suite "$here/scale_runner_suite.json" \
          --results "$out" --grace "$grace" > "$work/$which-$np-$rep.stdout" 2> "$work/$which-$np-$rep.stderr"
        rc=$?
        set -e
        wall=$(echo "$(date +%s.%N) - $start" | bc)
        read -r rss blocks < <(tail -1 "$probe") || true
        wbytes=$(( ${blocks:-0} * 512 ))
        size=$(stat -c %s "$out" 2>/dev/null || echo 0)
        ratio=$(echo "scale=3; $wbytes / ($size + ($size == 0))" | bc)
        printf "mpirun %s %s %s %.1f %s %s %s %s %s\n" "$which" "$np" "$rep" "$wall" "${rss:-0}" "$wbytes" "$size" \
          "$ratio" "$rc"
        echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
      done
    done
  done
fi

if [[ $skip_sim -eq 0 ]]; then
  sim="$new/tests/tools/capbench_gather_sim"
  echo "# sim: capbench_gather_sim --suite configs/suites/acceptance.json (32 cases), 256 template ranks"
  for n in $sim_ranks; do
    for path in today new; do
      if [[ $path == today && $n -gt $today_max ]]; then
        echo "sim path=today ranks=$n skipped (above --today-max-ranks $today_max)"
        continue
      fi
      /usr/bin/time -f "time wall_s=%e user_s=%U sys_s=%S maxrss_kb=%M" "$sim" --ranks "$n" \
        --suite "$src/configs/suites/acceptance.json" --path "$path" --out "$work/sim-$path-$n.json" 2>&1 |
        sed 's/^/sim /' | tr '\n' ' '
      echo
      rm -f "$work/sim-$path-$n.json"
      echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    done
  done
fi
