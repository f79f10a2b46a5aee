#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) in build-fuzz and runs each for a
# bounded time on its seed corpus (tests/fuzz/corpus/<target>). Exits non-zero on a crash,
# leaving the crashing input in build-fuzz/fuzz-findings/<target>/.
# Usage: scripts/fuzz.sh [seconds per target, default 60] [target...]
set -euo pipefail
seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CAPBENCH_FUZZ_BUILD:-$root/build-fuzz}"
jobs="${CAPBENCH_JOBS:-2}"

# The same configuration as scripts/test.sh --sanitize, so one build directory can serve both.
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCAPBENCH_FUZZ=ON \
  -DCAPBENCH_ENABLE_CUDA=OFF -DCAPBENCH_BUILD_MICRO=OFF -DCAPBENCH_BUILD_TESTS=ON > "$build.configure.log" \
  || { cat "$build.configure.log" >&2; exit 1; }

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(fuzz_suite fuzz_results fuzz_jsonc)
  # The report loaders exist only where capreport's capacity library is part of the tree.
  if grep -q "fuzz_system_config" "$build/Makefile" "$build/build.ninja" 2>/dev/null; then
    targets+=(fuzz_system_config fuzz_criteria)
  fi
fi
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# ASan's leak check stays on here: the loaders have no excuse to leak (unlike Open MPI).
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
status=0
for target in "${targets[@]}"; do
  name="${target#fuzz_}"
  seeds="$root/tests/fuzz/corpus/$name"
  work="$build/fuzz-corpus/$name"       # grows as the fuzzer finds new inputs; never committed
  findings="$build/fuzz-findings/$name"
  mkdir -p "$work" "$findings"
  echo "== $target: ${seconds} s"
  if ! "$build/tests/fuzz/$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -dict="$root/tests/fuzz/json.dict" \
      -max_len=65536 -artifact_prefix="$findings/" -print_final_stats=1 "$work" "$seeds" \
      > "$build/fuzz-$name.log" 2>&1; then
    echo "!! $target crashed; input and log: $findings/, $build/fuzz-$name.log" >&2
    grep -m 20 -E "ERROR|SUMMARY|runtime error|#0 |#1 |#2 |#3 " "$build/fuzz-$name.log" >&2 || true
    status=1
  else
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "$build/fuzz-$name.log" | tr '\n' ' '
    echo
  fi
done
exit "$status"
