#!/usr/bin/env bash
# Makes the offline kit that scripts/validate-h200.sh needs on the device machine (.devdeps/:
# Debian packages that .devdeps/env.sh unpacks there) and proves it on this machine before any
# device time is spent:
#   - every package the kit names was fetched (apt-get download takes no dependencies, so each
#     library is named with the packages it needs);
#   - the GPU peers' snapshots are in the kit (../shared beside the checkout stays behind);
#   - the working tree and the kit fit what one device call carries (64 MiB);
#   - the GPU peers build against the kit as they will on the device: Boost from the kit alone,
#     NCCL laid out as in PyTorch's wheel (libnccl.so.2 and no unversioned name), NVML from the
#     driver or, on a machine without one, a link-only stub (scripts/gpu-peers-compat/).
#
#   scripts/device-kit.sh              pack, check, build the peers (about a minute on 2 cores)
#   scripts/device-kit.sh --no-build   pack and check only
#
# Exit 0 when the kit is ready, 1 when a check failed (each says what and why).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${root}"
cuda_home="${CUDA_HOME:-/usr/local/cuda}"

# build_peers_as_on_device WORK: the peers' build with this machine made to look like the
# device where it matters. Run in a private mount namespace (nothing outside it changes, and it
# ends with the process): the toolkit's own NCCL is hidden, as the device's toolkit has none,
# and NCCL is the wheel's layout, libnccl.so.2 alone.
build_peers_as_on_device() {
  local work="$1" lib inc f
  # Never outside a namespace of its own: the mounts below would cover the toolkit for everyone.
  # The caller names its own mount namespace; this one must differ from it.
  local here
  here="$(readlink /proc/self/ns/mnt)"
  if [[ -z "${CAPBENCH_DEVICE_KIT_CALLER_NS:-}" || -z "${here}" || "${here}" == "${CAPBENCH_DEVICE_KIT_CALLER_NS}" ]]; then
    echo "device-kit: --build-peers-as-on-device runs only in a mount namespace of its own (device-kit.sh starts it so)" >&2
    return 2
  fi
  lib="$(readlink -f "${cuda_home}/lib64")"
  inc="$(readlink -f "${cuda_home}/include")"
  mkdir -p "${work}/toolkit/lib" "${work}/toolkit/include" "${work}/wheel-nccl/lib" "${work}/wheel-nccl/include"
  mount --bind "${lib}" "${work}/toolkit/lib"
  mount --bind "${inc}" "${work}/toolkit/include"
  mount -t tmpfs capbench-device-kit "${lib}"
  mount -t tmpfs capbench-device-kit "${inc}"
  for f in "${work}"/toolkit/lib/* "${work}"/toolkit/include/*; do
    case "${f##*/}" in libnccl* | nccl*) continue ;; esac
    ln -s "${f}" "$([[ "${f}" == */lib/* ]] && echo "${lib}" || echo "${inc}")/${f##*/}"
  done
  [[ -e "${work}/toolkit/lib/libnccl.so.2" && -e "${work}/toolkit/include/nccl.h" ]] || {
    echo "gpu-peers-build: no NCCL in ${cuda_home} to lay out as the device's wheel" >&2
    return 1
  }
  ln -s "${work}/toolkit/lib/libnccl.so.2" "${work}/wheel-nccl/lib/libnccl.so.2"
  for f in "${work}"/toolkit/include/nccl*; do ln -s "${f}" "${work}/wheel-nccl/include/${f##*/}"; done
  # shellcheck disable=SC1091
  source "${work}/env.sh"
  export NCCL_HOME="${work}/wheel-nccl" CAPBENCH_PEERS="${root}/.devdeps/peers"
  if [[ -d "${work}/nvml-stub" ]]; then export LIBRARY_PATH="${work}/nvml-stub${LIBRARY_PATH:+:${LIBRARY_PATH}}"; fi
  bash "${root}/scripts/gpu-peers-build.sh" "${work}/peers" 90
}
if [[ "${1:-}" == "--build-peers-as-on-device" ]]; then
  build_peers_as_on_device "$2"
  exit
fi

build_peers=1
if [[ "${1:-}" == "--no-build" ]]; then build_peers=0; fi

# Beyond shared/device/pack-deps.sh's own list: what capbench's results reader and SHA-256 link
# (simdjson, OpenSSL) and what nvbandwidth needs (Boost program_options: the library, its -dev
# package and Boost's headers, which the -dev metapackage only depends on).
extra=(
  libsimdjson-dev libsimdjson14 libssl-dev
  libboost-program-options-dev libboost-program-options1.74-dev libboost-program-options1.74.0 libboost1.74-dev
)
carry_limit_mib=64
failed=0
fail() {
  echo "device-kit: FAIL: $*" >&2
  failed=1
}

# pack-deps.sh keeps .devdeps/ out of git through .git/info/exclude.
mkdir -p "$(git rev-parse --git-common-dir)/info"
bash "${root}/../shared/device/pack-deps.sh" "${extra[@]}"

for pkg in "${extra[@]}"; do
  compgen -G ".devdeps/${pkg}_*.deb" >/dev/null || fail "${pkg} is not in .devdeps/ (apt-get download could not fetch it)"
done

# The GPU peers' source snapshots: ../shared beside the checkout does not travel to the device,
# so the kit carries them (scripts/validate-h200.sh builds from .devdeps/peers when present).
peers_src="${CAPBENCH_PEERS:-${root}/../shared/peers}"
mkdir -p .devdeps/peers
for peer in babelstream nvbandwidth nccl-tests; do
  tarball="$(find "${peers_src}" -maxdepth 1 -name "${peer}-*.tar.gz" | head -1)"
  if [[ -n "${tarball}" ]]; then
    cp "${tarball}" .devdeps/peers/
  else
    fail "no ${peer} snapshot in ${peers_src}"
  fi
done

# What the device call carries: the files git would copy (tracked, and untracked but not
# ignored) and .devdeps/.
tree_bytes="$(git ls-files -z --cached --others --exclude-standard | xargs -0 -r stat -c %s -- 2>/dev/null | awk '{s += $1} END {print s + 0}')"
kit_bytes="$(du -sb .devdeps | cut -f1)"
total_mib=$(((tree_bytes + kit_bytes) / 1048576))
echo "device-kit: working tree $((tree_bytes / 1048576)) MiB + .devdeps $((kit_bytes / 1048576)) MiB = ${total_mib} MiB (limit ${carry_limit_mib})"
if ((total_mib >= carry_limit_mib)); then fail "the tree and the kit (${total_mib} MiB) exceed what one device call carries (${carry_limit_mib} MiB)"; fi

if ((build_peers)); then
  work="$(mktemp -d "${TMPDIR:-/tmp}/capbench-device-kit.XXXXXX")"
  trap 'rm -rf "${work}"' EXIT

  # env.sh unpacks into /tmp/devprefix once and then reuses it; a copy that unpacks into this
  # run's own folder tests the kit as packed now, not an older unpacking.
  sed -e "s#^_dd=.*#_dd='${root}/.devdeps'#" -e "s#^export DEVPREFIX=.*#export DEVPREFIX='${work}/devprefix'#" \
    .devdeps/env.sh >"${work}/env.sh"
  grep -q "^export DEVPREFIX='${work}/devprefix'" "${work}/env.sh" ||
    fail ".devdeps/env.sh no longer sets DEVPREFIX on a line of its own; this check cannot redirect it"
  if dpkg-query -W -f '${Status}' libboost-program-options-dev 2>/dev/null | grep -q 'install ok installed'; then
    echo "device-kit: note: this machine has Boost installed, so the build below cannot tell whether the kit's own Boost suffices"
  fi

  # NVML: the driver's where there is one; else the link-only stub.
  if ! ldconfig -p 2>/dev/null | grep -q 'libnvidia-ml\.so\.1 '; then
    mkdir -p "${work}/nvml-stub"
    gcc -shared -fPIC -I"${root}/scripts/gpu-peers-compat" -Wl,-soname,libnvidia-ml.so.1 \
      -o "${work}/nvml-stub/libnvidia-ml.so" "${root}/scripts/gpu-peers-compat/nvml_link_stub.c"
    echo "device-kit: no NVIDIA driver here: BabelStream and nvbandwidth link against the NVML stub"
  fi

  echo "device-kit: building the GPU peers against the kit, the toolkit's NCCL hidden (log kept only on failure)"
  if [[ "$(id -u)" -ne 0 ]] || ! command -v unshare >/dev/null; then
    fail "building the peers as on the device needs root and unshare (a private mount namespace hides the toolkit's NCCL)"
  elif CAPBENCH_DEVICE_KIT_CALLER_NS="$(readlink /proc/self/ns/mnt)" \
    unshare --mount --propagation private bash "${BASH_SOURCE[0]}" --build-peers-as-on-device "${work}" \
    >"${work}/peers.log" 2>&1; then
    grep '^gpu-peers-build:' "${work}/peers.log"
    for bin in babelstream nvbandwidth all_reduce_perf all_gather_perf reduce_scatter_perf broadcast_perf alltoall_perf; do
      [[ -x "${work}/peers/bin/${bin}" ]] || fail "the peers' build left no ${bin}"
    done
  else
    keep="${TMPDIR:-/tmp}/capbench-device-kit-peers.log"
    cp "${work}/peers.log" "${keep}"
    grep '^gpu-peers-build:' "${work}/peers.log" >&2 || true
    fail "the GPU peers did not build against the kit; the whole log: ${keep}"
  fi
fi

if ((failed)); then exit 1; fi
echo "device-kit: ready. One device call: carry [\".devdeps\"], command 'bash scripts/validate-h200.sh' (docs/validation/README.md)"
