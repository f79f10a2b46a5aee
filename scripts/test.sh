#!/usr/bin/env bash
# Installs what is missing, builds capbench (the CUDA code too, where nvcc exists) and runs
# the test suite under ctest. GPU tests skip where no GPU is present.
# Usage: scripts/test.sh [--build-dir DIR] [--label REGEX] [--no-install] [--sanitize]
#   --sanitize  AddressSanitizer + UBSan build of the CPU paths in build-asan (no CUDA, no
#               micro-benchmarks), then the whole test suite under it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$root/build"
label=""
install=1
sanitize=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    --no-install) install=0; shift ;;
    --sanitize) sanitize=1; shift ;;
    *) echo "test.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

if [[ "$install" == 1 ]]; then
  bash "$root/scripts/install-deps.sh" --tests
fi

jobs="$(nproc)"
configure_args=(-DCMAKE_BUILD_TYPE=Release)
if [[ "$sanitize" == 1 ]]; then
  [[ "$build_dir" == "$root/build" ]] && build_dir="$root/build-asan"
  # One clang configuration serves both the sanitizer run and scripts/fuzz.sh (same flags, so
  # CAPBENCH_FUZZ_BUILD=build-asan scripts/fuzz.sh reuses these objects): CAPBENCH_FUZZ
  # compiles everything with ASan + UBSan (and libFuzzer coverage, harmless outside fuzzers).
  configure_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++
                  -DCAPBENCH_FUZZ=ON -DCAPBENCH_ENABLE_CUDA=OFF -DCAPBENCH_BUILD_MICRO=OFF -DCAPBENCH_BUILD_TESTS=ON)
  # Leak checking is off: Open MPI keeps its start-up allocations until exit, inside plugins it
  # has unloaded by then, so LSan reports them with unknown frames that no suppression can
  # match, in every test that runs MPI. ASan's memory errors and UBSan stay fatal; the loaders
  # are leak-checked by scripts/fuzz.sh, which runs without MPI.
  export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:detect_stack_use_after_return=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fi
# A build directory configured with another compiler cannot be switched in place.
if [[ "$sanitize" == 1 && -f "$build_dir/CMakeCache.txt" ]] &&
   ! grep -q '^CMAKE_CXX_COMPILER:.*clang' "$build_dir/CMakeCache.txt"; then
  rm -rf "$build_dir"
fi
cmake -S "$root" -B "$build_dir" "${configure_args[@]}"
cmake --build "$build_dir" -j"$jobs"

# Open MPI refuses to start as root without these; CI and containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest_args=(--test-dir "$build_dir" --output-on-failure -j"$jobs")
if [[ -n "$label" ]]; then
  ctest_args+=(-L "$label")
fi
# quickstart on a fresh clone builds the project again (minutes): run it with --label quickstart.
exclude="quickstart"
if [[ "$sanitize" == 1 ]]; then
  # Scale runs (64 ranks, thousands of synthetic ranks) measure size, not correctness, and
  # under ASan they would take most of CI's time; they run in the plain build.
  exclude="scale|quickstart"
fi
if [[ -z "$label" ]]; then
  ctest_args+=(-LE "$exclude")
elif [[ "$sanitize" == 1 ]]; then
  ctest_args+=(-LE scale)
fi
ctest "${ctest_args[@]}"
