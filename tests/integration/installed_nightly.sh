#!/usr/bin/env bash
# `cmake --install` into a fresh prefix places the programs, configs and scripts, and
# scripts/nightly.sh run from that prefix (no build tree, no repository) works as from the
# repository: CPU backend, 2 ranks, a small slice of the installed smoke suite.
# Usage: installed_nightly.sh BUILD_DIR WORKDIR
set -euo pipefail
build="$1" work="$2"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in bin/capbench bin/capreport share/capbench/scripts/nightly.sh share/capbench/configs/suites/nightly.json \
         share/capbench/configs/systems/gwangju-ai-datacenter.json share/capbench/configs/schema/suite.schema.json \
         share/capbench/scripts/slurm/nightly.sbatch share/capbench/scripts/slurm/acceptance.sbatch; do
  [[ -e "$prefix/$f" ]] || { echo "not installed: $f" >&2; exit 1; }
done
[[ -x "$prefix/share/capbench/scripts/nightly.sh" && -x "$prefix/share/capbench/scripts/slurm/acceptance.sbatch" ]] ||
  { echo "scripts installed without their execute bit" >&2; exit 1; }
# Slurm runs a copy of a template from its spool: each installed template names its prefix.
for t in "$prefix"/share/capbench/scripts/slurm/*.sbatch; do
  grep -qx "installed_root=\"$prefix/share/capbench\"" "$t" || { echo "$t does not name its prefix" >&2; exit 1; }
done
"$prefix/bin/capbench" --version
# From a directory outside both trees, with nothing telling the script where the programs are.
mkdir -p "$work/night"
cd "$work/night"
set +e
env -u CAPBENCH_BUILD -u CAPBENCH_SUITE "$prefix/share/capbench/scripts/nightly.sh" \
  --suite "$prefix/share/capbench/configs/suites/smoke.json" --backend cpu --launcher mpirun --np 2 \
  --launcher-arg --oversubscribe --system "$prefix/share/capbench/configs/systems/gwangju-ai-datacenter.json" \
  -- --only gemm/fp64,stream/fp64 --set '*.iterations=3' > "$work/nightly.log" 2>&1
rc=$?
set -e
cat "$work/nightly.log"
# A first night has no baseline: the check says so and exits 3 (docs/nightly.md), which is
# what a fresh installation must do; anything else is a failure of the installed chain.
if [[ "$rc" != 3 ]] || ! grep -q "SHORT BASELINE" "$work/nightly.log"; then
  echo "nightly.sh from the prefix exited $rc (a first night should exit 3, short baseline)" >&2
  exit 1
fi
grep -q "$prefix/bin/capbench run" "$work/nightly.log" || { echo "nightly.sh did not use the installed capbench" >&2; exit 1; }
compgen -G "$work/night/nightly/capbench-nightly-*.json" > /dev/null || { echo "no results" >&2; exit 1; }
compgen -G "$work/night/nightly/report-*/report.html" > /dev/null || { echo "no report.html" >&2; exit 1; }
[[ -s "$work/night/history.sqlite" ]] || { echo "no history database" >&2; exit 1; }
echo "installed_nightly: ok"
