#!/usr/bin/env bash
# Installs what is missing, builds capbench (the CUDA code too, where nvcc exists) and runs
# the test suite under ctest. GPU tests skip where no GPU is present.
# Usage: scripts/test.sh [--build-dir DIR] [--label REGEX] [--no-install]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="$root/build"
label=""
install=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --label) label="$2"; shift 2 ;;
    --no-install) install=0; shift ;;
    *) echo "test.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

if [[ "$install" == 1 ]]; then
  bash "$root/scripts/install-deps.sh" --tests
fi

jobs="$(nproc)"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j"$jobs"

# Open MPI refuses to start as root without these; CI and containers run as root.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
ctest_args=(--test-dir "$build_dir" --output-on-failure -j"$jobs")
if [[ -n "$label" ]]; then
  ctest_args+=(-L "$label")
fi
ctest "${ctest_args[@]}"
