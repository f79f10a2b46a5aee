#!/usr/bin/env bash
# `capreport import` and `capreport report --imported` end to end: exit codes (0 imported, 1 a
# result's own check failed, 2 bad input naming the file), and a report showing Rmax, Rpeak,
# their ratio and the source's SHA-256, with the failed HPL reported as failed.
# Usage: report_external.sh CAPREPORT SOURCE_DIR WORKDIR
set -uo pipefail
capreport="$1" src="$2" work="$3"
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
samples="$src/tests/reports/data/external"
fail() { echo "report_external: $*" >&2; exit 1; }

"$capreport" import "$samples/hpl-netlib-passed.txt" -o "$work/imported.json" > "$work/a.out"
rc=$?
[[ $rc -eq 0 ]] || fail "passed HPL: exit $rc, expected 0"
"$capreport" import "$samples/hpl-failed.txt" -o "$work/imported.json" > "$work/b.out"
rc=$?
[[ $rc -eq 1 ]] || fail "failed HPL: exit $rc, expected 1"
grep -q "FAILED" "$work/b.out" || fail "the failed residual is not said"
# Imported again: replaced, not doubled.
"$capreport" import "$samples/hpl-netlib-passed.txt" -o "$work/imported.json" > /dev/null || fail "re-import"
[[ $(grep -c '"tool": "hpl"' "$work/imported.json") -eq 3 ]] || fail "a re-imported source was not replaced"

printf 'not a tool output\n' > "$work/junk.txt"
"$capreport" import "$work/junk.txt" -o "$work/other.json" 2> "$work/junk.err"
rc=$?
[[ $rc -eq 2 ]] || fail "junk: exit $rc, expected 2"
grep -q "junk.txt" "$work/junk.err" || fail "the error does not name the file"
[[ ! -e "$work/other.json" ]] || fail "bad input wrote a file"

sha=$(sha256sum "$samples/hpl-netlib-passed.txt" | cut -d' ' -f1)
failed_sha=$(sha256sum "$samples/hpl-failed.txt" | cut -d' ' -f1)
"$capreport" report "$src/tests/data/results/one-h100.json" --system "$src/configs/systems/gwangju-ai-datacenter.json" \
  --imported "$work/imported.json" -o "$work/report" > /dev/null
for f in report.md report.html statement.txt summary.json; do
  grep -q "$sha" "$work/report/$f" || fail "$f lacks the source's SHA-256"
done
grep -q "| Rmax (HPL, residual PASSED" "$work/report/report.md" || fail "no Rmax row"
grep -q "| Rpeak: FP64 datasheet peak of the declared fleet | 74.4 PFLOP/s" "$work/report/report.md" || fail "no Rpeak row"
grep -q "| Rmax / Rpeak | 17.7 %" "$work/report/report.md" || fail "no Rmax/Rpeak row"
grep -q "HPL FAILED its residual check.*$failed_sha" "$work/report/report.md" || fail "failed HPL not reported as failed"
grep -q "FAILED its residual check and gives no figure" "$work/report/statement.txt" || fail "statement hides the failed HPL"

echo '{"schema": "capbench.imported/1", "results": [{"tool": "hpl"}]}' > "$work/bad-imported.json"
"$capreport" report "$src/tests/data/results/one-h100.json" --imported "$work/bad-imported.json" -o "$work/bad" 2> "$work/bad.err"
rc=$?
[[ $rc -eq 2 ]] || fail "bad imported file: exit $rc, expected 2"
grep -q "bad-imported.json" "$work/bad.err" || fail "the error does not name the imported file"
echo "report_external: import exit codes, Rmax/Rpeak with hashes, failed HPL reported as failed"
