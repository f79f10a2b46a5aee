#!/usr/bin/env bash
# The command line as a new user meets it (issue 18), one scenario per ctest:
#   hints        --version on both programs; typos name the nearest valid option or command
#   list         capbench list shows every benchmark with its keys, defaults and units
#   check        capbench check prints the expected duration per case and in total, and the skips
#   only_set     a 2-rank run under mpirun with --only and --set: the plan, the record, the progress
#   warmup_eta   once a warm-up ran, the ETA of its case and of its family's later cases is the measured one
#   gpu_warning  a planted GPU count (CAPBENCH_TEST_VISIBLE_GPUS) above the ranks warns; --strict-gpus refuses
# Usage: cli_run.sh SCENARIO MPIRUN CAPBENCH CAPREPORT SUITE WORKDIR
set -euo pipefail
scenario="$1" mpirun="$2" capbench="$3" capreport="$4" suite="$5" work="$6"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

fail() { echo "cli_run $scenario: $*" >&2; exit 1; }
expect_in() {  # FILE TEXT...
  local f="$1"; shift
  for t in "$@"; do grep -qF -- "$t" "$f" || { cat "$f"; fail "'$t' not in the output"; }; done
}
run_rc() {  # OUTFILE COMMAND... -> sets rc
  local out="$1"; shift
  set +e
  "$@" > "$out" 2>&1
  rc=$?
  set -e
}

case "$scenario" in
  hints)
    run_rc "$work/v" "$capbench" --version
    [[ $rc == 0 ]] || fail "capbench --version exited $rc"
    grep -Eq '^capbench [0-9]+\.[0-9]+\.[0-9]+ \(' "$work/v" || { cat "$work/v"; fail "no version line"; }
    run_rc "$work/v" "$capreport" --version
    [[ $rc == 0 ]] || fail "capreport --version exited $rc"
    grep -Eq '^capreport [0-9]+\.[0-9]+\.[0-9]+ \(' "$work/v" || { cat "$work/v"; fail "no version line"; }
    run_rc "$work/o" "$capbench" run --suit "$suite"
    [[ $rc == 2 ]] || fail "--suit exited $rc, expected 2"
    expect_in "$work/o" "unknown option '--suit' for 'run'; did you mean '--suite'?"
    run_rc "$work/o" "$capbench" lsit
    [[ $rc == 2 ]] || fail "lsit exited $rc"
    expect_in "$work/o" "unknown command 'lsit'; did you mean 'list'?"
    run_rc "$work/o" "$capbench" check "$suite" --olny gemm
    [[ $rc == 2 ]] || fail "--olny exited $rc"
    expect_in "$work/o" "did you mean '--only'?"
    run_rc "$work/o" "$capreport" reprot x.json
    [[ $rc == 2 ]] || fail "capreport reprot exited $rc"
    expect_in "$work/o" "unknown command 'reprot'; did you mean 'report'?"
    run_rc "$work/o" "$capreport" history chek
    expect_in "$work/o" "unknown command 'chek' for 'history'; did you mean 'check'?"
    ;;
  list)
    run_rc "$work/l" "$capbench" list
    [[ $rc == 0 ]] || fail "list exited $rc"
    for b in gemm stream collective host_device p2p device_copy; do grep -q "^$b  \[" "$work/l" || fail "no $b"; done
    expect_in "$work/l" "precisions" "shapes" "duration_s" "llc_multiple" "min_bytes" "bytes" "seconds" "268435456"
    run_rc "$work/j" "$capbench" list --json
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["benchmarks"]) >= 6' "$work/j" ||
      fail "list --json is not the catalog"
    ;;
  check)
    run_rc "$work/c" "$capbench" check "$suite" --backend cpu
    [[ $rc == 0 ]] || { cat "$work/c"; fail "check exited $rc"; }
    expect_in "$work/c" "expected" "in total on cpu" "skipped: the cpu backend has no host_device benchmark" \
      "skipped: the CPU backend measures fp64 and fp32 only"
    grep -Eq 'gemm/fp64/256x256x256 +~[0-9.]+ s' "$work/c" || { cat "$work/c"; fail "no expected duration per case"; }
    # A sustained window is planned time: 600 s shows as at least ten minutes (within the timeout,
    # which caps every estimate).
    run_rc "$work/c" "$capbench" check "$suite" --backend cpu --only gemm/fp64 --set gemm.duration_s=600 \
      --set gemm.timeout_s=900
    grep -Eq 'expected ~1[0-9]:[0-9]{2} in total' "$work/c" || { cat "$work/c"; fail "600 s sustained not in the total"; }
    run_rc "$work/c" "$capbench" check "$suite" --set defaults.iterations=0
    [[ $rc == 2 ]] || fail "a bad --set exited $rc"
    expect_in "$work/c" "as changed by --set" "defaults.iterations"
    ;;
  only_set)
    CAPBENCH_PROGRESS_INTERVAL_S=0.4 run_rc "$work/r" "$mpirun" -np 2 "$capbench" run --suite "$suite" \
      --backend cpu --out "$work/out" --only 'gemm/fp64,collective/all_reduce/*/in_place' --only host_device/h2d \
      --set 'gemm.shapes=[[192,128,64]]' --set '*.iterations=3' --set gemm.duration_s=1.2 --set gemm.window_s=0.3
    [[ $rc == 0 ]] || { cat "$work/r"; fail "run exited $rc"; }
    # Progress: the headline figure of a passed case, the reason of a skipped one, ticks of a long one.
    grep -Eq 'gemm/fp64/192x128x64 +passed in [0-9.]+ s  throughput [0-9.]+ [kMGT]?FLOP/s \(median of 2 ranks' \
      "$work/r" || { cat "$work/r"; fail "no figure on the gemm line"; }
    grep -Eq 'host_device/h2d/pinned +skipped in [0-9.]+ s: rank 0: the cpu backend has no host_device' "$work/r" ||
      { cat "$work/r"; fail "no reason on the skipped line"; }
    grep -Eq 'gemm/fp64/192x128x64 +running 00:0[0-9] of ~00:0[0-9] expected' "$work/r" ||
      { cat "$work/r"; fail "the long case showed no progress"; }
    results=$(compgen -G "$work/out/*.json")
    python3 - "$results" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ids = [c["id"] for c in d["cases"]]
assert ids == ["gemm/fp64/192x128x64", "collective/all_reduce/fp32/in_place", "host_device/h2d/pinned"], ids
assert all(c["iterations"] == 3 for c in d["cases"]), [c["iterations"] for c in d["cases"]]
o = d["suite"]["overrides"]
assert o["only"] == ["gemm/fp64", "collective/all_reduce/*/in_place", "host_device/h2d"], o
assert "gemm.shapes=[[192,128,64]]" in o["set"], o
assert o["file_sha256"] != d["suite"]["sha256"], "the changed plan kept the file's hash"
assert d["suite"]["content"]["cases"][0]["shapes"] == [[192, 128, 64]], d["suite"]["content"]["cases"][0]
assert d["cases"][0]["params"]["duration_s"] == 1.2
PY
    "$capreport" summary "$results" > "$work/s" || { cat "$work/s"; fail "capreport cannot read the run"; }
    ;;
  warmup_eta)
    # The suite beside this script: slowed warm-ups that the nominal rate knows nothing about.
    run_rc "$work/r" "$mpirun" -np 1 "$capbench" run --suite "$(dirname "$0")/cli_warmup_suite.json" \
      --backend cpu --threads 1 --out "$work/out"
    [[ $rc == 0 ]] || { cat "$work/r"; fail "run exited $rc"; }
    grep -Eq 'first/gemm/fp64/256x256x256 +warm-up 3 passes in [0-9.]+ s \([0-9.e-]+ s/pass\) after [0-9.]+ s of setup: case ~[0-9:]+, left ~[0-9:]+' \
      "$work/r" || { cat "$work/r"; fail "no warm-up line"; }
    python3 - "$work/r" <<'PY' || { cat "$work/r"; fail "the ETA is not the measured one"; }
import re, sys
out = open(sys.argv[1]).read()
def secs(t):
    parts = [int(x) for x in t.split(":")]
    return sum(v * 60 ** i for i, v in enumerate(reversed(parts)))
m = re.search(r"first/\S+ +warm-up 3 passes in [0-9.]+ s \(([0-9.e-]+) s/pass\) after ([0-9.]+) s of setup", out)
per_pass, setup = float(m.group(1)), float(m.group(2))
start2 = secs(re.search(r"second/\S+ +elapsed \S+  left ~([0-9:]+)", out).group(1))
wall2 = float(re.search(r"second/\S+ +passed in ([0-9.]+) s", out).group(1))
# The second case: the first's setup, then 3 warm-up + 9 timed + 1 check pass at the first
# case's measured time per pass (the line rounds to whole seconds).
predicted = setup + 13 * per_pass
assert per_pass > 0.05, f"the planted slowdown did not show in the warm-up: {per_pass} s/pass"
assert abs(start2 - predicted) <= 0.51 + 0.05 * predicted, (start2, predicted)
# And it is near what the case then took (the nominal rate would say ~00:00).
assert start2 >= 1 and 0.4 * wall2 - 1 <= start2 <= 2.5 * wall2 + 1, (start2, wall2)
PY
    ;;
  gpu_warning)
    CAPBENCH_TEST_VISIBLE_GPUS=4 run_rc "$work/w" "$mpirun" -np 2 "$capbench" run --suite "$suite" --backend cpu \
      --out "$work/out" --only stream/fp32
    [[ $rc == 0 ]] || { cat "$work/w"; fail "a warning must not stop the run (exit $rc)"; }
    expect_in "$work/w" "has 4 visible GPUs but 2 ranks on it: 2 GPUs will not be measured" "--strict-gpus"
    compgen -G "$work/out/*.json" > /dev/null || fail "no results after a warning"
    rm -rf "$work/out"
    CAPBENCH_TEST_VISIBLE_GPUS=4 run_rc "$work/w" "$mpirun" -np 2 "$capbench" run --suite "$suite" --backend cpu \
      --out "$work/out" --only stream/fp32 --strict-gpus
    [[ $rc == 3 ]] || { cat "$work/w"; fail "--strict-gpus exited $rc, expected 3"; }
    expect_in "$work/w" "refusing to run; nothing was measured"
    ! compgen -G "$work/out/*.json" > /dev/null || fail "--strict-gpus wrote results"
    CAPBENCH_TEST_VISIBLE_GPUS=2 run_rc "$work/w" "$mpirun" -np 2 "$capbench" run --suite "$suite" --backend cpu \
      --out "$work/out" --only stream/fp32 --strict-gpus
    [[ $rc == 0 ]] || { cat "$work/w"; fail "one rank per GPU exited $rc"; }
    ! grep -q "visible GPUs" "$work/w" || fail "warned with one rank per GPU"
    ;;
  *) fail "unknown scenario" ;;
esac
echo "cli_run $scenario: ok"
