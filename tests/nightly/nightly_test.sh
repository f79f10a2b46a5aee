#!/usr/bin/env bash
# scripts/nightly.sh end to end on the CPU backend: five clean runs have too short a baseline
# (exit 3 each: a series needs five baseline runs), the sixth clean run passes (exit 0) and a
# run with a planted slowdown on rank 1 fails (exit 1) naming that rank and its host, once: the
# slowdown is in the suite, so nightly.sh's re-measurement of the flagged cases has it too and
# confirms it. Then, on a copy of the six clean nights, a slowdown present in the night's run
# only (the re-measurement runs the clean suite, CAPBENCH_CONFIRM_SUITE) is not confirmed: exit
# 0, "NOT CONFIRMED (transient)" naming rank 1, no REGRESSION line.
#
#   tests/nightly/nightly_test.sh BUILD_DIR
#
# Thresholds: this runs on 2 oversubscribed cores shared with builds and other tests, where
# consecutive clean runs were measured to differ by up to ~50 % on one rank's GEMM (one of the
# two ranks sharing a core with something else for the whole case; docs/nightly.md). So the
# planted slowdown is 8x (an 87.5 % drop) and --min-effect is 0.65: clean noise stays below the
# threshold, the planted drop well above it. The benchmark runs at real-time
# priority where allowed (else raised nice), which keeps other processes out of its samples.
set -euo pipefail

build_dir="${1:?usage: nightly_test.sh BUILD_DIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "${here}/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/capbench-nightly-test.XXXXXX")"
cleanup() { rm -rf "${work}"; }
trap cleanup EXIT

export CAPBENCH_CONFIRM_AFTER=0  # re-measure at once: the planted slowdowns do not pass
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1

priority=()
if chrt -f 1 true 2>/dev/null; then
  priority=(chrt -f 1)
elif nice -n -10 true 2>/dev/null && [[ "$(nice -n -10 nice)" -lt 0 ]]; then
  priority=(nice -n -10)
fi

nightly() {
  local suite="$1" log="$2" db="${3:-${work}/history.sqlite}"
  local rc=0
  "${priority[@]}" "${repo}/scripts/nightly.sh" --suite "${suite}" --backend cpu --launcher mpirun --np 2 \
    --launcher-arg --oversubscribe --build "${build_dir}" --db "${db}" --out "${work}/out" \
    --baseline last:14d --min-effect 0.65 >"${log}" 2>&1 || rc=$?
  echo "${rc}"
}

fail() {
  echo "nightly_test: FAIL: $*" >&2
  for f in "${work}"/run*.log; do
    echo "---- ${f}" >&2
    cat "${f}" >&2
  done
  exit 1
}

codes=()
for i in 1 2 3 4 5 6; do codes+=("$(nightly "${here}/nightly_clean_suite.json" "${work}/run${i}.log")"); done
cp "${work}/history.sqlite" "${work}/transient.sqlite"
codes+=("$(nightly "${here}/nightly_slow_suite.json" "${work}/run7.log")")
echo "nightly_test: exit codes ${codes[*]} (expected 3 3 3 3 3 0 1)"
for i in 0 1 2 3 4; do
  [[ "${codes[i]}" == 3 ]] || fail "clean run $((i + 1)) (baseline of ${i} runs) exited ${codes[i]}, expected 3"
done
[[ "${codes[5]}" == 0 ]] || fail "clean run 6 (baseline of 5 runs) exited ${codes[5]}, expected 0"
[[ "${codes[6]}" == 1 ]] || fail "slowed run exited ${codes[6]}, expected 1"

# The slowed rank is named with its host; GEMM is per rank, so it must be rank 1's GEMM.
line="$(grep -E '^REGRESSION: gemm/fp64/256x256x256 throughput on host [^ ]+ rank 1 ' "${work}/run7.log" || true)"
[[ -n "${line}" ]] || fail "no GEMM regression line naming rank 1 in the slowed run's output"
[[ "$(grep -c '^REGRESSION: gemm/fp64/256x256x256 ' "${work}/run7.log")" == 1 ]] ||
  fail "the slowed GEMM should be one alarm (throughput and time per GEMM are one measurement)"
echo "nightly_test: ${line}"
grep -qE "^SHORT BASELINE: [1-9][0-9]* series" "${work}/run1.log" || fail "the first run should say its baseline is short"
if grep -qE '^REGRESSION: gemm/fp64/256x256x256 throughput on host [^ ]+ rank 0 ' "${work}/run7.log"; then
  fail "rank 0's GEMM was not slowed but was flagged"
fi
grep -q '^nightly.sh: re-measuring the flagged case(s) to confirm, in 0 s: .*gemm/fp64/256x256x256' "${work}/run7.log" ||
  fail "the slowed run's flagged GEMM was not re-measured"
grep -qE '^REGRESSION: gemm/fp64/256x256x256 throughput on host [^ ]+ rank 1 .*, confirmed: re-measured' "${work}/run7.log" ||
  fail "the slowed GEMM's alarm does not say the re-measurement confirmed it"
ls "${work}"/out/capbench-*-confirm.json >/dev/null 2>&1 || fail "no re-measurement results file beside the night's"

# A slowdown in the night's measurement only: not confirmed, not an alarm.
rc="$(CAPBENCH_CONFIRM_SUITE="${here}/nightly_clean_suite.json" nightly "${here}/nightly_slow_suite.json" \
  "${work}/run8.log" "${work}/transient.sqlite")"
echo "nightly_test: slowed night, clean re-measurement: exit ${rc} (expected 0)"
[[ "${rc}" == 0 ]] || fail "a slowdown the re-measurement did not show exited ${rc}, expected 0"
grep -qE '^NOT CONFIRMED \(transient\): gemm/fp64/256x256x256 throughput on host [^ ]+ rank 1 ' "${work}/run8.log" ||
  fail "the unconfirmed GEMM drop of rank 1 is not reported as NOT CONFIRMED (transient)"
if grep -q '^REGRESSION:' "${work}/run8.log"; then fail "an unconfirmed drop was raised as a REGRESSION"; fi
echo "nightly_test: $(grep -E '^NOT CONFIRMED \(transient\): gemm/fp64' "${work}/run8.log")"

# Bad input to the confirmation: exit 2 with a message, nothing stored.
some_results="$(find "${work}/out" -maxdepth 1 -name 'capbench-nightly-*Z-[0-9]*.json' | sort | head -n 1)"
rc=0
"${build_dir}/reports/capreport" history add "${some_results}" --db "${work}/history.sqlite" --confirms no-such-night \
  >"${work}/bad.log" 2>&1 || rc=$?
if [[ "${rc}" != 2 ]] || ! grep -q "no such night" "${work}/bad.log"; then
  fail "history add --confirms of an unknown night exited ${rc}, expected 2 naming it: $(cat "${work}/bad.log")"
fi
rc=0
"${repo}/scripts/nightly.sh" --confirm-after soon --build "${build_dir}" >"${work}/bad.log" 2>&1 || rc=$?
[[ "${rc}" == 2 ]] || fail "nightly.sh --confirm-after soon exited ${rc}, expected 2"

trend="$(find "${work}/out" -name trend.html | head -n 1)"
[[ -n "${trend}" ]] || fail "no trend.html written"
grep -q "<svg" "${trend}" || fail "trend.html has no chart"
echo "nightly_test: PASS"
