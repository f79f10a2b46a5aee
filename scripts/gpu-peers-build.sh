#!/usr/bin/env bash
# The build_* functions are called by name, through "build_${peer}".
# shellcheck disable=SC2317
# Builds the GPU peers capbench is measured beside (BabelStream's CUDA model, nvbandwidth,
# nccl-tests) from the unmodified snapshots in ../shared/peers/, for one CUDA architecture.
#
#   scripts/gpu-peers-build.sh DEST [ARCH]     (ARCH: compute capability digits, default 90)
#
# Leaves DEST/bin/{babelstream,nvbandwidth,all_reduce_perf,...}. Each peer is built alone: one
# that fails is reported and the others are still built (exit 1 if any failed). NCCL is the
# toolkit's or, when $NCCL_HOME is set, that one (scripts/validate-h200.sh sets it to the copy
# in PyTorch's wheel where the toolkit has none; the wheel's libnccl.so.2 is linked through an
# unversioned name made in DEST). nvbandwidth needs Boost program_options
# (Debian libboost-program-options-dev; scripts/device-kit.sh packs it, with the library and headers
# it depends on, for the device).
set -uo pipefail

dest="${1:?usage: gpu-peers-build.sh DEST [ARCH]}"
arch="${2:-90}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peers="${CAPBENCH_PEERS:-${root}/../shared/peers}"
jobs="${CAPBENCH_JOBS:-$(nproc)}"
mkdir -p "${dest}/src" "${dest}/bin"
cuda_home="${CUDA_HOME:-/usr/local/cuda}"
failed=0

# BabelStream and nvbandwidth include <nvml.h> and link libnvidia-ml. Where the toolkit has no
# NVML headers, scripts/gpu-peers-compat/nvml.h declares what they use; where the driver's
# library has no unversioned name to link, one is made in dest/lib.
if [[ ! -f "${cuda_home}/include/nvml.h" ]]; then
  export CPATH="${root}/scripts/gpu-peers-compat${CPATH:+:${CPATH}}"
  echo "gpu-peers-build: no nvml.h in ${cuda_home}/include: using scripts/gpu-peers-compat/nvml.h"
fi
mkdir -p "${dest}/lib"
# driver_nvml: the driver's libnvidia-ml, wherever this host keeps it: the loader's cache, the
# library paths, the folders container runtimes mount the driver in, or the toolkit's stubs.
driver_nvml() {
  local found dir
  found="$(ldconfig -p 2>/dev/null | awk '/libnvidia-ml\.so\.1 /{print $NF; exit}')"
  if [[ -n "${found}" ]]; then echo "${found}"; return 0; fi
  local IFS=:
  for dir in ${LIBRARY_PATH:-} ${LD_LIBRARY_PATH:-} /usr/local/nvidia/lib64 /usr/local/nvidia/lib \
    /usr/lib/x86_64-linux-gnu /usr/lib64 "${cuda_home}/lib64/stubs" "${cuda_home}/targets/x86_64-linux/lib/stubs"; do
    for found in "${dir}/libnvidia-ml.so.1" "${dir}/libnvidia-ml.so"; do
      if [[ -n "${dir}" && -f "${found}" ]]; then echo "${found}"; return 0; fi
    done
  done
  return 1
}
if nvml_so="$(driver_nvml)"; then
  ln -sf "${nvml_so}" "${dest}/lib/libnvidia-ml.so"
  export LIBRARY_PATH="${dest}/lib${LIBRARY_PATH:+:${LIBRARY_PATH}}"
  echo "gpu-peers-build: linking NVML through ${nvml_so}"
else
  echo "gpu-peers-build: no libnvidia-ml found (ldconfig, library paths, /usr/local/nvidia, the toolkit's stubs):" \
    "BabelStream and nvbandwidth will not link" >&2
fi

# NCCL from a Python wheel (PyTorch's nvidia/nccl) has only libnccl.so.2, and nccl-tests links
# with -lnccl: a folder of links in dest gives it the unversioned name.
nccl_home_for_tests() {
  if [[ -z "${NCCL_HOME:-}" || -e "${NCCL_HOME}/lib/libnccl.so" || ! -e "${NCCL_HOME}/lib/libnccl.so.2" ]]; then
    echo "${NCCL_HOME:-}"
    return 0
  fi
  mkdir -p "${dest}/nccl/lib"
  ln -sfn "${NCCL_HOME}/include" "${dest}/nccl/include"
  ln -sf "${NCCL_HOME}/lib/libnccl.so.2" "${dest}/nccl/lib/libnccl.so"
  echo "${dest}/nccl"
}

unpack() {  # unpack NAME: the snapshot's single top folder, under dest/src
  local tarball
  tarball="$(find "${peers}" -maxdepth 1 -name "$1-*.tar.gz" | head -1)"
  if [[ -z "${tarball}" ]]; then echo "gpu-peers-build: no $1 snapshot in ${peers}" >&2; return 1; fi
  rm -rf "${dest}/src/$1"
  mkdir -p "${dest}/src/$1"
  tar -xzf "${tarball}" -C "${dest}/src/$1" --strip-components=1
}

build_babelstream() {
  unpack babelstream || return 1
  cmake -S "${dest}/src/babelstream" -B "${dest}/src/babelstream/build" -DMODEL=cuda -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CUDA_COMPILER="${cuda_home}/bin/nvcc" -DCUDA_ARCH="sm_${arch}" \
    -DCMAKE_EXE_LINKER_FLAGS="-L${dest}/lib" >/dev/null &&
    cmake --build "${dest}/src/babelstream/build" -j "${jobs}" >/dev/null &&
    cp "$(find "${dest}/src/babelstream/build" -maxdepth 1 -type f -name 'cuda-stream' -perm -u+x | head -1)" "${dest}/bin/babelstream"
}

build_nvbandwidth() {
  unpack nvbandwidth || return 1
  local devdeps_args=()
  read -r -a devdeps_args <<<"${DEVDEPS_CMAKE_ARGS:-}"
  cmake -S "${dest}/src/nvbandwidth" -B "${dest}/src/nvbandwidth/build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CUDA_ARCHITECTURES="${arch}" -DCMAKE_EXE_LINKER_FLAGS="-L${dest}/lib" "${devdeps_args[@]}" >/dev/null &&
    cmake --build "${dest}/src/nvbandwidth/build" -j "${jobs}" >/dev/null &&
    cp "${dest}/src/nvbandwidth/build/nvbandwidth" "${dest}/bin/nvbandwidth"
}

build_nccl_tests() {
  unpack nccl-tests || return 1
  local nccl_args=() nccl_home
  nccl_home="$(nccl_home_for_tests)"
  if [[ -n "${nccl_home}" ]]; then nccl_args=("NCCL_HOME=${nccl_home}"); fi
  make -C "${dest}/src/nccl-tests" -j "${jobs}" MPI=0 CUDA_HOME="${cuda_home}" "${nccl_args[@]}" \
    NVCC_GENCODE="-gencode=arch=compute_${arch},code=sm_${arch}" >/dev/null &&
    for op in all_reduce all_gather reduce_scatter broadcast alltoall; do
      cp "${dest}/src/nccl-tests/build/${op}_perf" "${dest}/bin/" || return 1
    done
}

for peer in babelstream nvbandwidth nccl_tests; do
  start=$(date +%s)
  if "build_${peer}" >"${dest}/build-${peer}.log" 2>&1; then
    echo "gpu-peers-build: ${peer} built in $(($(date +%s) - start)) s"
  else
    echo "gpu-peers-build: ${peer} FAILED after $(($(date +%s) - start)) s; last lines of its log:" >&2
    tail -15 "${dest}/build-${peer}.log" >&2
    failed=1
  fi
done
ls -l "${dest}/bin"
exit "${failed}"
