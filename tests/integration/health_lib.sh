# shellcheck shell=bash disable=SC2154
# Shared by the health tests (health_run.sh, health_system_run.sh): one capbench run under
# mpirun, 2 ranks, CPU backend, with the planted-value NVML named by its configuration.
# The caller sets: mpirun capbench fake data work, and label (its own name, for messages).

run() {  # run NAME NVML_CONFIG EXPECTED_RC [capbench options]
  local name="$1" config="$2" want="$3"
  shift 3
  local rc=0
  CAPBENCH_NVML_LIBRARY="$fake" CAPBENCH_FAKE_NVML_CONFIG="$config" \
    timeout 120 "$mpirun" -np 2 --oversubscribe -x CAPBENCH_NVML_LIBRARY -x CAPBENCH_FAKE_NVML_CONFIG \
    "$capbench" run --suite "$data/suite.json" --backend cpu --results "$work/$name.json" "$@" \
    >"$work/$name.log" 2>&1 || rc=$?
  if [[ $rc -ne $want ]]; then
    echo "$label: $name: capbench exited $rc, expected $want" >&2
    cat "$work/$name.log" >&2
    exit 1
  fi
}
