#!/usr/bin/env bash
# Where no GPU is visible, --backend cuda must refuse with a one-line reason and exit 3
# (never fall back silently to the CPU, never claim a GPU result).
# Usage: cuda_without_gpu.sh MPIRUN CAPBENCH SUITE WORKDIR
set -euo pipefail
mpirun="$1" capbench="$2" suite="$3" work="$4"
if command -v nvidia-smi > /dev/null && nvidia-smi -L > /dev/null 2>&1; then
  echo "cuda_without_gpu: a GPU is present; this test is for machines without one"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work"
set +e
"$mpirun" -np 1 "$capbench" run --suite "$suite" --backend cuda --out "$work" 2> "$work/stderr"
code=$?
set -e
cat "$work/stderr"
[[ "$code" == 3 ]] || { echo "expected exit 3, got $code" >&2; exit 1; }
# mpirun adds its own notice about the non-zero exit; capbench itself says one line.
[[ "$(grep -c '^capbench:' "$work/stderr")" == 1 ]] || { echo "expected one line of reason" >&2; exit 1; }
grep '^capbench:' "$work/stderr" | grep -qi "cuda"
if compgen -G "$work/*.json" > /dev/null; then echo "a results file was written" >&2; exit 1; fi
# It says plainly why, and names the way out.
reason="$(grep '^capbench:' "$work/stderr")"
grep -q -- "--backend cpu" <<<"$reason" || { echo "the reason does not name --backend cpu" >&2; exit 1; }
if ! grep -q "built without CUDA" <<<"$reason"; then
  grep -Eq "no NVIDIA driver loaded|no GPU visible" <<<"$reason" ||
    { echo "the reason says neither 'no NVIDIA driver loaded' nor 'no GPU visible'" >&2; exit 1; }
fi
rm -rf "$work"
