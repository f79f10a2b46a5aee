#!/usr/bin/env bash
# capreport history and compare: bad input exits 2 with a message, never 0 or 1.
set -euo pipefail
capreport="${1:?usage: bad_input_test.sh CAPREPORT}"
work="$(mktemp -d "${TMPDIR:-/tmp}/capbench-history-bad.XXXXXX")"
trap 'rm -rf "${work}"' EXIT

expect_2() {
  local what="$1"
  shift
  local rc=0
  "$@" >"${work}/out" 2>"${work}/err" || rc=$?
  if [[ "${rc}" != 2 ]]; then
    echo "bad_input_test: ${what}: exit ${rc}, expected 2" >&2
    cat "${work}/out" "${work}/err" >&2
    exit 1
  fi
  if [[ ! -s "${work}/err" ]]; then
    echo "bad_input_test: ${what}: exit 2 without a message on stderr" >&2
    exit 1
  fi
  echo "ok: ${what}: $(head -n 1 "${work}/err")"
}

echo '{"schema": "capbench.results/1"}' >"${work}/bad.json"
echo 'not json' >"${work}/garbage.json"
expect_2 "history add of an invalid results file" "${capreport}" history add "${work}/bad.json" --db "${work}/h.sqlite"
expect_2 "history add of a missing file" "${capreport}" history add "${work}/missing.json" --db "${work}/h.sqlite"
expect_2 "history check of a missing database" "${capreport}" history check --db "${work}/missing.sqlite"
expect_2 "history check of an empty database" "${capreport}" history check --db "${work}/h.sqlite"
expect_2 "history check with a bad --baseline" "${capreport}" history check --db "${work}/h.sqlite" --baseline last:x
expect_2 "history check with --min-baseline-runs 1" "${capreport}" history check --db "${work}/h.sqlite" --min-baseline-runs 1
expect_2 "history check with a negative --noise-multiple" "${capreport}" history check --db "${work}/h.sqlite" --noise-multiple -1
expect_2 "history trend of an empty database" "${capreport}" history trend --db "${work}/h.sqlite" -o "${work}/t"
expect_2 "compare of a non-JSON file" "${capreport}" compare "${work}/garbage.json" "${work}/garbage.json"
expect_2 "compare of a missing file" "${capreport}" compare "${work}/missing.json" "${work}/bad.json"
echo "bad_input_test: PASS"
