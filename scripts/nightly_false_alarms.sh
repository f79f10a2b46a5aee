#!/usr/bin/env bash
# Does the nightly check cry wolf? Runs the smoke suite back to back through scripts/nightly.sh
# with its default rule, N clean runs and then one with a planted 2x slowdown of rank 1's FP64
# GEMM (suite key test_slow_rank), and reports every alarm raised. Not a timed test: a figure
# of this machine, to be read with its load (docs/nightly.md).
#
#   scripts/nightly_false_alarms.sh [--runs N] [--np R] [--iterations I] [--build DIR] [--work DIR] [--keep]
#
#   --runs N    clean runs before the slowed one (default 15; the first 5 only build the
#               baseline: a series needs 5 baseline runs, so they exit 3)
#   --np R      ranks (default 2, oversubscribed)
#   --iterations I  timed iterations of each smoke case that sets none itself, passed as capbench
#               --set defaults.iterations=I (default 0: the suite's own, as nightly.sh runs it;
#               15 steadies sub-millisecond cases on a heavily shared machine)
#   --build DIR build directory (default: build next to this script)
#   --work DIR  where the history, results and pages go (default: a temporary directory,
#               removed at the end unless --keep)
# Prints one line per run (exit code, alarms that stood, alarms the re-measurement did not
# confirm), the false alarms of the clean runs, whether the slowed run named rank 1 exactly
# once, the noise measured (night-to-night spread as the check reports it, within-night spread
# of the samples) for `capbench_history_synth simulate`, the load average, and a table row
# for docs/nightly.md ("Measured on the development machine").
# Exits 0 when clean runs raised no alarm and the slowed run named rank 1 once, else 1.
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_dir="$(cd "${script_dir}/.." && pwd)"
runs=15 np=2 iterations=0 build_dir="${repo_dir}/build" work="" keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --np) np="$2"; shift 2 ;;
    --iterations) iterations="$2"; shift 2 ;;
    --build) build_dir="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "nightly_false_alarms.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ "${iterations}" =~ ^[0-9]+$ ]] || { echo "nightly_false_alarms.sh: --iterations '${iterations}': expected a whole number" >&2; exit 2; }
[[ "${runs}" =~ ^[1-9][0-9]*$ ]] || { echo "nightly_false_alarms.sh: --runs '${runs}': expected a positive integer" >&2; exit 2; }
if [[ -z "${work}" ]]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/capbench-false-alarms.XXXXXX")"
  [[ "${keep}" == 1 ]] || trap 'rm -rf "${work}"' EXIT
fi
mkdir -p "${work}"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

clean_suite="${repo_dir}/configs/suites/smoke.json"
slow_suite="${work}/smoke-slow-rank1.json"
# The same suite (same name, same cases) with rank 1's FP64 GEMM twice as slow; the FP32 GEMM of
# the same line is kept as it was.
sed -e 's|{ "benchmark": "gemm", "precisions": \["fp64", "fp32"\], "shapes": \[\[256, 256, 256\]\] },|{ "benchmark": "gemm", "test_slow_rank": { "rank": 1, "factor": 2.0 }, "precisions": ["fp64"], "shapes": [[256, 256, 256]] },\n    { "benchmark": "gemm", "precisions": ["fp32"], "shapes": [[256, 256, 256]] },|' \
  "${clean_suite}" >"${slow_suite}"
grep -q test_slow_rank "${slow_suite}" || { echo "nightly_false_alarms.sh: could not plant the slowdown in ${clean_suite}" >&2; exit 2; }

capbench_args=()
if [[ "${iterations}" != 0 ]]; then capbench_args=(-- --set "defaults.iterations=${iterations}"); fi
one_run() {
  local suite="$1" log="$2" rc=0
  "${repo_dir}/scripts/nightly.sh" --suite "${suite}" --np "${np}" --launcher-arg --oversubscribe \
    --build "${build_dir}" --db "${work}/history.sqlite" --out "${work}/out" "${capbench_args[@]}" >"${log}" 2>&1 || rc=$?
  echo "${rc}"
}

load_at() { cut -d' ' -f1 /proc/loadavg; }
load_start="$(load_at)" loads=()
echo "load average (1 min) at the start: ${load_start}; $(nproc) cores; smoke suite, ${np} ranks, iterations ${iterations/#0/as in the suite}"
false_alarms=0 judged=0 transients=0 first_stage=0 checks_with_first=0 checks_with_alarm=0
for i in $(seq 1 "${runs}"); do
  rc="$(one_run "${clean_suite}" "${work}/run${i}.log")"
  loads+=("$(load_at)")
  alarms="$(grep -c '^REGRESSION:' "${work}/run${i}.log" || true)"
  cleared="$(grep -c '^NOT CONFIRMED' "${work}/run${i}.log" || true)"
  echo "clean run ${i}: exit ${rc}, ${alarms} alarm(s), ${cleared} not confirmed (transient), load ${loads[-1]}"
  grep -E '^(REGRESSION:|NOT CONFIRMED)' "${work}/run${i}.log" | sed 's/^/    /' || true
  if [[ "${rc}" == 0 || "${rc}" == 1 ]]; then judged=$((judged + 1)); fi
  false_alarms=$((false_alarms + alarms))
  transients=$((transients + cleared))
  first_stage=$((first_stage + alarms + cleared))
  if [[ $((alarms + cleared)) -gt 0 ]]; then checks_with_first=$((checks_with_first + 1)); fi
  if [[ "${alarms}" -gt 0 ]]; then checks_with_alarm=$((checks_with_alarm + 1)); fi
done
slow_log="${work}/run$((runs + 1)).log"
rc="$(one_run "${slow_suite}" "${slow_log}")"
echo "slowed run $((runs + 1)) (rank 1 FP64 GEMM 2x slower): exit ${rc}"
grep '^REGRESSION:' "${slow_log}" | sed 's/^/    /' || true
named="$(grep -cE '^REGRESSION: gemm/fp64/256x256x256 throughput on host [^ ]+ rank 1 ' "${slow_log}" || true)"
others="$(grep '^REGRESSION:' "${slow_log}" | grep -cvE '^REGRESSION: gemm/fp64/256x256x256 throughput on host [^ ]+ rank 1 ' || true)"

# Noise as measured: the check's typical night-to-night spread, and the samples' spread within a run.
typical="$(grep -h '^typical night-to-night spread:' "${work}/run${runs}.log" | sed 's/^typical night-to-night spread: //' || true)"
within="$(python3 - "${work}/out" <<'EOF'
import glob, json, statistics, sys
spreads = []
for path in glob.glob(sys.argv[1] + "/capbench-*.json"):
    for case in json.load(open(path)).get("cases", []):
        for rank in case.get("ranks", []) + [{"metrics": case.get("metrics", [])}]:
            for m in rank.get("metrics", []):
                s = m.get("samples") or []
                if len(s) >= 3 and statistics.median(s) > 0 and m.get("unit") != "s":
                    spreads.append(statistics.stdev(s) / statistics.median(s))
print(f"{100 * statistics.median(spreads):.1f}%" if spreads else "?")
EOF
)"
echo "noise measured: night-to-night (typical log sd of a series' medians, last clean check) ${typical:-?}, within a run (median sd/median of samples) ${within}"
load_end="$(load_at)"
load_range="$(printf '%s\n' "${load_start}" "${loads[@]}" "${load_end}" | sort -g | sed -n '1p;$p' | paste -sd' ' - | sed 's/ /–/')"
slow_line="$(grep -E '^REGRESSION: gemm/fp64/256x256x256 throughput on host [^ ]+ rank 1 ' "${slow_log}" | head -n 1 |
  sed -E 's/.*: (-[0-9.]+%) \(p ([^,]+), adjusted ([^;]+); threshold (-[0-9.]+%)\)(, confirmed: re-measured (-[0-9.]+%).*)?/\1, p \2, adjusted \3, threshold \4, re-measured \6/' || true)"
echo "clean runs: ${first_stage} first-check alarm(s) in ${checks_with_first} of ${judged} judged check(s), of which ${transients} not confirmed (transient) and ${false_alarms} confirmed: false alarms (${runs} runs; the first 5 build the baseline)"
echo "slowed run: rank 1 named ${named} time(s), ${others} other alarm(s)"
echo "load average (1 min): ${load_range} (start ${load_start}, end ${load_end}); $(nproc) cores"
echo
echo "table row for docs/nightly.md:"
echo "| load | night-to-night spread (typical, per benchmark) | within-run spread | first-check alarms, clean checks | confirmed false alarms | slowed run (rank 1 FP64 GEMM 2x) |"
echo "|---|---|---|---|---|---|"
if [[ "${named}" == 1 ]]; then slowed="named once (${slow_line}), ${others} other alarm(s)"; else slowed="named ${named} time(s), ${others} other alarm(s)"; fi
echo "| ${load_range} | ${typical:-?} | ${within} | ${first_stage} in ${checks_with_first} of ${judged} | **${false_alarms} in ${checks_with_alarm} of ${judged}** | ${slowed} |"
echo
[[ "${keep}" == 1 ]] && echo "kept: ${work}"
if [[ "${false_alarms}" == 0 && "${named}" == 1 && "${others}" == 0 ]]; then
  echo "nightly_false_alarms: PASS"
else
  echo "nightly_false_alarms: FAIL"
  exit 1
fi
