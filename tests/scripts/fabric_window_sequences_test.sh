#!/usr/bin/env bash
# scripts/fabric_window_sequences.c, as scripts/fabric_vs_imb.sh builds and runs it: built with
# mpicc, 2 ranks on this machine, one line per repetition of two positive rates (back to back,
# synchronised); a wrong argument list or value exits non-zero with the usage line, without a figure.
# Usage: fabric_window_sequences_test.sh MPIRUN SOURCE_DIR WORKDIR
set -euo pipefail
mpirun=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "fabric_window_sequences_test: $*" >&2; exit 1; }
command -v mpicc >/dev/null || fail "mpicc not found"
mpicc -O2 -Wall -Wextra -Werror -o "$work/sequences" "$src/scripts/fabric_window_sequences.c"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
timeout 120 "$mpirun" --oversubscribe -np 2 "$work/sequences" 65536 4 5 3 >"$work/out.txt" 2>"$work/err.txt" ||
  { cat "$work/err.txt" >&2; fail "the program failed"; }
[[ $(wc -l <"$work/out.txt") -eq 3 ]] || fail "expected 3 lines, got: $(cat "$work/out.txt")"
awk 'NF != 2 || !($1 > 0) || !($2 > 0) { bad = 1 } END { exit bad }' "$work/out.txt" ||
  fail "a line is not two positive rates: $(cat "$work/out.txt")"
refused() { # WHAT ARGS...: the program must exit non-zero with its usage line, printing no figure
  local what=$1 rc=0
  shift
  timeout 60 "$mpirun" --oversubscribe -np 2 "$work/sequences" "$@" >"$work/usage.txt" 2>&1 || rc=$?
  [[ $rc -ne 0 ]] || fail "$what was accepted"
  [[ $rc -ne 124 ]] || fail "$what: the program did not end within 60 s"
  grep -q "usage:" "$work/usage.txt" || fail "$what: no usage line: $(cat "$work/usage.txt")"
  ! grep -qE '^[0-9.]+ [0-9.]+$' "$work/usage.txt" || fail "$what: a figure was printed"
}
refused "a missing argument" 65536
refused "a window of 0" 65536 0 5 3
echo "fabric_window_sequences_test: ok"
