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

param() {  # param CASE_ID KEY: a planned case's parameter or a rank-0 info value
  python3 - "$results" "$1" "$2" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
case = next((c for c in doc["cases"] if c["id"] == sys.argv[2]), None)
if case:
    value = case["params"].get(sys.argv[3], case["ranks"][0].get("info", {}).get(sys.argv[3]) if case["ranks"] else None)
    if value is not None:
        print(value)
PY
}

step() {  # step NAME OUTPUT COMMAND...: runs one peer, keeps its output, carries on after a failure
  local name="$1" output="$2"
  shift 2
  echo "=== ${name}: $*"
  if ! timeout 120 "$@" >"${output}" 2>"${output}.err"; then
    echo "gpu-peers-run: ${name} failed (exit $?)" >&2
    tail -5 "${output}.err" >&2
    failed=1
  fi
}

for precision in fp64 fp32; do
  elements="$(param "stream/${precision}" elements)"
  flag=()
  [[ "${precision}" == fp32 ]] && flag=(--float)
  if [[ -n "${elements}" ]]; then
    step "babelstream ${precision}" "${out}/babelstream-${precision}.csv" \
      "${bin}/babelstream" --csv -n 100 -s "${elements}" "${flag[@]}"
  fi
done

h2d_mib=$(( $(param host_device/h2d/pinned bytes || echo 1073741824) / 1048576 ))
copy_mib=$(( $(param device_copy bytes || echo 4294967296) / 1048576 ))
step "nvbandwidth host" "${out}/nvbandwidth-host.json" "${bin}/nvbandwidth" -j -i 20 -b "${h2d_mib}" \
  -t host_to_device_memcpy_ce device_to_host_memcpy_ce
step "nvbandwidth local" "${out}/nvbandwidth-local.json" "${bin}/nvbandwidth" -j -i 20 -b "${copy_mib}" \
  -t device_local_copy
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
