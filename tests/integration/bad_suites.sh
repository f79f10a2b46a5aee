#!/usr/bin/env bash
# Every file in the bad-suites folder must make capbench exit 2 with a message naming the
# key given on the file's first line ("// expect: KEY"), from `run` as from `check`, and leave
# no results file.
# Usage: bad_suites.sh MPIRUN CAPBENCH SUITES_DIR WORKDIR
set -euo pipefail
mpirun="$1" capbench="$2" dir="$3" work="$4"
failures=0
count=0
for suite in "$dir"/*.json; do
  count=$((count + 1))
  expect=$(head -n 1 "$suite" | sed -n 's|^// expect: ||p')
  out="$work/$(basename "$suite" .json)"
  rm -rf "$out"
  mkdir -p "$out"
  set +e
  "$mpirun" -np 2 --oversubscribe "$capbench" run --suite "$suite" --backend cpu --out "$out" 2> "$out/stderr"
  code=$?
  set -e
  if [[ "$code" != 2 ]]; then
    echo "FAIL $suite: exit $code, expected 2" >&2
    failures=$((failures + 1))
  fi
  if ! grep -qF -- "$expect" "$out/stderr"; then
    echo "FAIL $suite: message does not name '$expect':" >&2
    cat "$out/stderr" >&2
    failures=$((failures + 1))
  fi
  if compgen -G "$out/*.json*" > /dev/null; then
    echo "FAIL $suite: a results file was left in $out" >&2
    failures=$((failures + 1))
  fi
  set +e
  "$capbench" check "$suite" > /dev/null 2> "$out/check.stderr"
  check_code=$?
  set -e
  if [[ "$check_code" != 2 ]] || ! grep -qF -- "$expect" "$out/check.stderr"; then
    echo "FAIL $suite: check exited $check_code, expected 2 naming '$expect':" >&2
    cat "$out/check.stderr" >&2
    failures=$((failures + 1))
  fi
  echo "bad_suites: $(basename "$suite"): exit $code: $(head -n 1 "$out/stderr")"
done
echo "bad_suites: $((count - failures)) passed, $failures failed"
[[ "$failures" == 0 && "$count" -gt 0 ]]
