#!/usr/bin/env bash
# Installs what capbench needs from Debian 12's packages, skipping what is already there.
# Usage: scripts/install-deps.sh [--tests]   (--tests adds what the test suite needs)
# The CUDA toolkit (nvcc, cuBLAS, NCCL) is not a Debian package here: where /usr/local/cuda
# exists it is used, otherwise capbench builds its CPU backend only.
set -euo pipefail

with_tests=0
for arg in "$@"; do
  case "$arg" in
    --tests) with_tests=1 ;;
    *) echo "install-deps.sh: unknown argument '$arg' (expected --tests)" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake git pkg-config
  libfmt-dev nlohmann-json3-dev libcli11-dev libsimdjson-dev libssl-dev
  libopenmpi-dev openmpi-bin
  # libopenblas-dev also provides LAPACK (dgetrf/dgetrs for the lu benchmark).
  libopenblas-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
test_packages=(
  clang libclang-rt-14-dev shellcheck
  # scripts/scale.sh: wall time and peak memory of capreport (/usr/bin/time -v).
  time
  # scripts/scale_runner.sh: ratios of bytes written to the file's size.
  bc
  # tests/slurm: a private Slurm (srun --mpi=pmix) started by the test itself.
  slurm-wlm slurm-wlm-basic-plugins munge
  # tests/reports/report_browser.sh: renders report.html in headless Chromium.
  chromium
  # tests/scripts: scripts/h200_reference.py's comparison on the kept H200 evidence.
  python3
  # tests/schema/check_configs.py: shipped configs against configs/schema/ (its own checker
  # runs without it; with it, every file is validated by jsonschema as well).
  python3-jsonschema
  # scripts/storage_vs_ior.sh: builds IOR and mdtest from the peer tarball (./bootstrap).
  autoconf automake libtool
  # tests/integration/netns_*: the namespace cluster (ip netns, tc, unshare).
  iproute2 util-linux
)
if [[ "$with_tests" == 1 ]]; then
  packages+=("${test_packages[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps.sh: everything is installed"
  exit 0
fi

echo "install-deps.sh: installing ${missing[*]}"
sudo_cmd=()
if [[ "$(id -u)" != 0 ]]; then
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
