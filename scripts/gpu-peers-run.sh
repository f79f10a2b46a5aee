#!/usr/bin/env bash
# Runs the GPU peers built by scripts/gpu-peers-build.sh at the sizes a capbench results file
# used, on GPU 0, writing what scripts/peer_compare.py reads.
#
#   scripts/gpu-peers-run.sh PEER_BIN CAPBENCH_RESULTS OUT_DIR
#
# BabelStream: the STREAM case's element count and 100 iterations, fp64 and fp32, --csv.
# nvbandwidth: H2D and D2H at the host_device case's bytes, device_local_copy at device_copy's,
# median of 20 samples, JSON. nccl-tests: one GPU, 1 KiB to 256 MiB by factors of 4 (capbench's
# sweep in configs/suites/h200-validation.json), 5 warm-up and 20 timed iterations, checked.
set -uo pipefail
bin="${1:?usage: gpu-peers-run.sh PEER_BIN RESULTS OUT_DIR}"
results="${2:?}"
out="${3:?}"
mkdir -p "${out}"
failed=0

# The sizes capbench ran at (peer_compare.py sizes): the STREAM element counts as the ranks
# resolved them (the suite says "auto"), the host-link and device-copy buffers in MiB. A peer
# whose size is unknown is not run: a ratio at another size would compare nothing.
declare -A size=()
sizes_text="$(python3 "$(dirname "${BASH_SOURCE[0]}")/peer_compare.py" sizes --results "${results}")" || {
  echo "gpu-peers-run: no sizes from ${results}; no peer run" >&2
  exit 1
}
while IFS='=' read -r key value; do
  [[ -n "${key}" ]] && size["${key}"]="${value}"
done <<<"${sizes_text}"
echo "gpu-peers-run: sizes ${sizes_text//$'\n'/, }"

step() {  # step NAME OUTPUT COMMAND...: runs one peer, keeps its output, carries on after a failure
  local name="$1" output="$2" rc=0
  shift 2
  echo "=== ${name}: $*"
  timeout 120 "$@" >"${output}" 2>"${output}.err" || rc=$?
  if ((rc != 0)); then
    echo "gpu-peers-run: ${name} failed (exit ${rc})" >&2
    tail -5 "${output}.err" >&2
    failed=1
  fi
}

for precision in fp64 fp32; do
  elements="${size[stream_${precision}_elements]:-}"
  flag=()
  [[ "${precision}" == fp32 ]] && flag=(--float)
  if [[ -z "${elements}" ]]; then
    echo "gpu-peers-run: no stream/${precision} case in ${results}: BabelStream ${precision} not run" >&2
    failed=1
    continue
  fi
  step "babelstream ${precision}" "${out}/babelstream-${precision}.csv" \
    "${bin}/babelstream" --csv -n 100 -s "${elements}" "${flag[@]}"
done

if [[ -n "${size[host_device_mib]:-}" ]]; then
  step "nvbandwidth host" "${out}/nvbandwidth-host.json" "${bin}/nvbandwidth" -j -i 20 -b "${size[host_device_mib]}" \
    -t host_to_device_memcpy_ce device_to_host_memcpy_ce
else
  echo "gpu-peers-run: no host_device/h2d/pinned case in ${results}: nvbandwidth H2D/D2H not run" >&2
  failed=1
fi
if [[ -n "${size[device_copy_mib]:-}" ]]; then
  step "nvbandwidth local" "${out}/nvbandwidth-local.json" "${bin}/nvbandwidth" -j -i 20 -b "${size[device_copy_mib]}" \
    -t device_local_copy
else
  echo "gpu-peers-run: no device_copy case in ${results}: nvbandwidth device_local_copy not run" >&2
  failed=1
fi
# One JSON for peer_compare: the test cases of both calls.
python3 - "${out}" <<'PY'
import json, os, sys
out = sys.argv[1]
merged = {"nvbandwidth": {"testcases": []}}
for part in ("nvbandwidth-host.json", "nvbandwidth-local.json"):
    try:
        doc = json.load(open(os.path.join(out, part)))
    except (OSError, ValueError):
        continue
    merged["nvbandwidth"]["testcases"] += doc.get("nvbandwidth", {}).get("testcases", [])
json.dump(merged, open(os.path.join(out, "nvbandwidth.json"), "w"), indent=1)
PY

for op in all_reduce all_gather reduce_scatter broadcast alltoall; do
  step "nccl-tests ${op}" "${out}/${op}_perf.txt" "${bin}/${op}_perf" -b 1K -e 256M -f 4 -g 1 -w 5 -n 20 -c 1
done
exit "${failed}"
