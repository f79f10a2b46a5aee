#!/usr/bin/env bash
# Hostile input never crashes, hangs or misleads (docs/reliability.md, "Limits on input").
#   hostile_input.sh non_utf8_host MPIRUN CAPBENCH CAPREPORT SUITE WORKDIR
#     two ranks, each in a private UTS namespace whose host name is not UTF-8: the run
#     completes and the results file carries the name escaped, and capreport reads it.
#   hostile_input.sh limits MPIRUN CAPBENCH CAPREPORT SUITE WORKDIR
#     under a 2 GiB address-space limit: a deeply nested and a very large suite (check and run)
#     and results file (capreport) are exit 2 naming the limit, within seconds; a repeated key
#     in a system description, criteria file or GPU database is exit 2 naming the key.
# Exit 0 pass, 1 fail, 77 skipped (unshare needs root).
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
scenario="$1" mpirun="$2" capbench="$3" capreport="$4" suite="$5" work="$6"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
fail() {
  echo "hostile_input $scenario: FAIL: $*" >&2
  exit 1
}

# Runs "$@", expecting exit 2 within 20 s and stderr naming $expect.
expect_refusal() {
  local expect="$1" name="$2"
  shift 2
  local code=0 start=$SECONDS
  timeout 20 "$@" > "$work/$name.out" 2> "$work/$name.err" || code=$?
  [[ "$code" == 2 ]] || { cat "$work/$name.err" >&2; fail "$name: exit $code, expected 2"; }
  grep -qF -- "$expect" "$work/$name.err" || { cat "$work/$name.err" >&2; fail "$name: message does not name '$expect'"; }
  echo "hostile_input $scenario: $name: exit 2 in $((SECONDS - start)) s: $(head -c 200 "$work/$name.err")"
}

case "$scenario" in
non_utf8_host)
  if [[ "$(id -u)" != 0 ]] || ! unshare --uts true 2>/dev/null; then
    echo "SKIPPED: unshare --uts needs root"
    exit 77
  fi
  # Open MPI's launcher refuses such a node name itself, so each rank gets its own namespace.
  results="$work/results.json"
  "$mpirun" -np 2 --oversubscribe unshare --uts sh -c \
    "python3 -c 'import socket; socket.sethostname(b\"node\\xff\\xfe-07\")' && exec \"\$0\" run --suite \"\$1\" --backend cpu --threads 1 --results \"\$2\"" \
    "$capbench" "$suite" "$results" > "$work/run.log" 2>&1 || { tail -n 20 "$work/run.log" >&2; fail "the run failed"; }
  grep -qF '"host": "node\\xff\\xfe-07"' "$results" || fail "the results file does not carry the escaped host name"
  "$capreport" summary "$results" > "$work/summary.txt" || fail "capreport could not read the results"
  echo "hostile_input $scenario: PASS: $(grep -o '"host": "[^"]*"' "$results" | sort -u | tr '\n' ' ')"
  ;;
limits)
  limit=(prlimit --as=2147483648 --)
  # AddressSanitizer reserves terabytes of shadow address space at start, which no 2 GiB
  # address-space limit allows: the sanitizer build checks the refusals without the limit
  # (the plain build checks them under it).
  if [[ -n "${CAPBENCH_SANITIZED:-}" ]]; then limit=(); fi
  deep="$work/deep.json"
  python3 -c "import sys; sys.stdout.write('{\"schema\": \"capbench.suite/1\", \"cases\": ' + '[' * 10000000)" > "$deep"
  expect_refusal "nested more than 64 deep" deep_check "${limit[@]}" "$capbench" check "$deep"
  big="$work/big.json"
  truncate -s 100G "$big"  # sparse: no disk used
  expect_refusal "above the limit of 16 MiB" big_check "${limit[@]}" "$capbench" check "$big"
  expect_refusal "above the limit of 16 MiB" big_run "$mpirun" -np 1 "${limit[@]}" "$capbench" run --suite "$big" \
    --backend cpu --out "$work/out"
  many="$work/many.json"
  python3 -c "import sys; sys.stdout.write('{\"schema\": \"capbench.suite/1\", \"cases\": [' + '0,' * 4000000 + '0]}')" > "$many"
  expect_refusal "more than 2000000 values" many_check "${limit[@]}" "$capbench" check "$many"
  deep_results="$work/deep-results.json"
  python3 -c "import sys; sys.stdout.write('{\"schema\": \"capbench.results/2\", \"run\": ' + '[' * 10000000)" > "$deep_results"
  expect_refusal "nested more than 100 deep" deep_results "${limit[@]}" "$capreport" summary "$deep_results"
  wide_results="$work/wide-results.json"
  python3 -c "import sys; sys.stdout.write('{\"schema\": \"capbench.results/2\", \"run\": [' + '0,' * 17000000 + '0]}')" > "$wide_results"
  expect_refusal "more than 16000000 values outside the rank results" wide_results "${limit[@]}" "$capreport" summary "$wide_results"
  rm -f "$wide_results"
  huge_results="$work/huge-results.json"
  truncate -s 65G "$huge_results"
  expect_refusal "above the limit of 64 GiB" huge_results "${limit[@]}" "$capreport" summary "$huge_results"
  # A repeated key in the other configurations capreport reads: system, criteria, GPU database.
  results="$work/results.json"
  "$mpirun" -np 1 "$capbench" run --suite "$suite" --backend cpu --threads 1 --results "$results" > /dev/null 2>&1 ||
    fail "the run for the report failed"
  repeat_key() {  # the first top-level key of $1, given a second time
    python3 -c 'import sys, re; t = open(sys.argv[1]).read(); i = t.index("{"); m = re.search(r"\"[^\"]+\"\s*:\s*\"[^\"]*\"", t[i:])
sys.stdout.write(t[:i + 1] + m.group(0) + ", " + t[i + 1:])' "$1"
  }
  repeat_key "$src/configs/systems/gwangju-ai-datacenter.json" > "$work/system.json"
  repeat_key "$src/configs/criteria/cpu-smoke.json" > "$work/criteria.json"
  repeat_key "$src/configs/gpus.json" > "$work/gpus.json"
  for kind in system criteria gpus; do
    expect_refusal "appears twice" "dup_$kind" "$capreport" report "$results" "--$kind" "$work/$kind.json" -o "$work/report-$kind"
  done
  echo "hostile_input $scenario: PASS"
  ;;
*) fail "unknown scenario" ;;
esac
