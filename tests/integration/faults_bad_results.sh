#!/usr/bin/env bash
# `capreport summary` on damaged results files: each is refused with exit 2 and a message that
# names the file; the undamaged file it was made from is accepted (exit 0).
# Usage: faults_bad_results.sh CAPREPORT CORPUS_DIR WORKDIR   (CORPUS_DIR: tests/fuzz/corpus/results)
set -uo pipefail
capreport="$1" corpus="$2" work="$3"
rm -rf "$work" && mkdir -p "$work"
fail() { echo "faults_bad_results: $*" >&2; exit 1; }

"$capreport" summary "$corpus/complete-4ranks.json" > "$work/ok.out" 2>&1
rc=$?
[[ $rc -eq 0 ]] || { cat "$work/ok.out" >&2; fail "the undamaged file: exit $rc, expected 0"; }

# file | what the message must mention
while IFS='|' read -r file expect; do
  "$capreport" summary "$corpus/$file" > "$work/$file.out" 2> "$work/$file.err"
  rc=$?
  [[ $rc -eq 2 ]] || fail "$file: exit $rc, expected 2"
  grep -qF "$file" "$work/$file.err" || fail "$file: the error does not name the file: $(cat "$work/$file.err")"
  grep -qiE "$expect" "$work/$file.err" || fail "$file: the error does not say '$expect': $(cat "$work/$file.err")"
done <<'LIST'
truncated.json|truncated|not valid JSON
unknown-schema.json|schema
negative-median.json|median
nan-median.json|not valid JSON
null-median.json|median
duplicated-rank.json|duplicated rank
empty-run.json|required key
LIST
# An empty file and a missing one are bad input too.
: > "$work/empty.json"
"$capreport" summary "$work/empty.json" > /dev/null 2>&1
rc=$?
[[ $rc -eq 2 ]] || fail "empty file: exit $rc, expected 2"
"$capreport" summary "$work/does-not-exist.json" > /dev/null 2>&1
rc=$?
[[ $rc -eq 2 ]] || fail "missing file: exit $rc, expected 2"
echo "faults_bad_results: ok"
