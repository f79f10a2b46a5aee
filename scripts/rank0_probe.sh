#!/usr/bin/env bash
# Wrapper under mpirun (scripts/scale_runner.sh): rank 0 runs the command as a child and
# samples it until it ends, writing "vmhwm_kb wchar write_bytes" to $RANK0_PROBE_OUT (the peak
# memory from the last sample of the running process, the byte counts from /proc/PID/io of the
# ended process before it is reaped); every other rank just runs the command.
if [[ "${OMPI_COMM_WORLD_RANK:-0}" != 0 ]]; then exec "$@"; fi
"$@" &
pid=$!
hwm=0
while :; do
  state=$(awk '/^State:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  [[ -z $state ]] && break
  if [[ $state == Z ]]; then
    io=$(awk '/^wchar:/ {w=$2} /^write_bytes:/ {b=$2} END {print w, b}' "/proc/$pid/io" 2>/dev/null)
    break
  fi
  h=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null)
  [[ -n $h && $h -gt $hwm ]] && hwm=$h
  sleep 0.05
done
wait "$pid"
rc=$?
echo "$hwm ${io:-0 0}" > "$RANK0_PROBE_OUT"
exit $rc
