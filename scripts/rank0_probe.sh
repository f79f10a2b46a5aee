#!/usr/bin/env bash
# Wrapper under mpirun (scripts/scale_runner.sh): rank 0 runs the command under /usr/bin/time,
# which writes "max_rss_kb fs_output_blocks" (getrusage at exit: the peak resident memory, and
# the 512-byte blocks the process wrote to storage, i.e. /proc/PID/io write_bytes / 512) to
# $RANK0_PROBE_OUT; every other rank just runs the command.
if [[ "${OMPI_COMM_WORLD_RANK:-0}" != 0 ]]; then exec "$@"; fi
exec /usr/bin/time -o "$RANK0_PROBE_OUT" -f "%M %O" "$@"
