#!/usr/bin/env bash
# `capreport report` exit codes: 1 on the mixed fleet (naming the slow and the failed GPU by
# host and bus id), 2 on bad input naming the file and key, 0 when every criterion passes.
# Usage: report_exit_codes.sh CAPREPORT SOURCE_DIR WORKDIR
set -uo pipefail
capreport="$1" src="$2" work="$3"
rm -rf "$work" && mkdir -p "$work"
data="$src/tests/data/results"
system="$src/configs/systems/gwangju-ai-datacenter.json"
fail() { echo "report_exit_codes: $*" >&2; exit 1; }

"$capreport" report "$data/mixed-fleet.json" --system "$system" \
  --criteria "$src/configs/criteria/acceptance-example.json" -o "$work/mixed" > "$work/mixed.out" 2>&1
rc=$?
[[ $rc -eq 1 ]] || fail "mixed fleet: exit $rc, expected 1"
grep -q "host gpu-node-01 rank 2 bus 00000000:3B:00.0" "$work/mixed.out" || fail "slow GPU not named"
grep -q "host gpu-node-02 rank 5 bus 00000000:4F:00.0" "$work/mixed.out" || fail "failed GPU not named"
grep -q "00000000:3B:00.0" "$work/mixed/report.md" || fail "slow GPU not in report.md"
grep -q "00000000:4F:00.0" "$work/mixed/report.html" || fail "failed GPU not in report.html"

# Bad input: a threshold in the wrong unit, a truncated results file, an unknown system key.
cat > "$work/bad-criteria.json" <<'JSON'
{"schema": "capbench.criteria/1", "name": "bad",
 "collectives": [{"id": "c", "operation": "all_reduce", "min_size": {"value": 1, "unit": "GiB"},
                  "min_busbw": {"value": 300, "unit": "TFLOP/s"}}]}
JSON
"$capreport" report "$data/mixed-fleet.json" --criteria "$work/bad-criteria.json" -o "$work/bad1" 2> "$work/bad1.err"
rc=$?
[[ $rc -eq 2 ]] || fail "wrong-unit criteria: exit $rc, expected 2"
grep -q "bad-criteria.json" "$work/bad1.err" || fail "error does not name the file"
grep -q "min_busbw.unit" "$work/bad1.err" || fail "error does not name the key"

head -c 2000 "$data/mixed-fleet.json" > "$work/truncated.json"
"$capreport" report "$work/truncated.json" -o "$work/bad2" 2> "$work/bad2.err"
rc=$?
[[ $rc -eq 2 ]] || fail "truncated results: exit $rc, expected 2"

sed 's/"inventory"/"inventroy"/' "$system" > "$work/typo-system.json"
"$capreport" report "$data/mixed-fleet.json" --system "$work/typo-system.json" -o "$work/bad3" 2> "$work/bad3.err"
rc=$?
[[ $rc -eq 2 ]] || fail "misspelt system key: exit $rc, expected 2"
grep -q "inventroy" "$work/bad3.err" || fail "error does not name the unknown key"

# Everything met: exit 0.
cat > "$work/easy.json" <<'JSON'
{"schema": "capbench.criteria/1", "name": "easy",
 "per_gpu": [{"id": "g", "benchmark": "gemm", "precision": "fp64", "min": {"value": 50, "unit": "TFLOP/s"}}],
 "verification": {"all_passed": true}}
JSON
"$capreport" report "$data/one-h100.json" --criteria "$work/easy.json" -o "$work/ok" > "$work/ok.out" 2>&1
rc=$?
[[ $rc -eq 0 ]] || fail "one H100 meeting every criterion: exit $rc, expected 0"
echo "report_exit_codes: ok"
