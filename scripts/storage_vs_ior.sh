#!/usr/bin/env bash
# capbench's storage phases against IOR and mdtest (the engines of IO500) with the same
# parameters on the same directory, interleaved over repetitions.
# Usage: scripts/storage_vs_ior.sh BUILD_DIR --dir DIR [--np N] [--repetitions R]
#        [--block-mib B] [--segments S] [--files F] [--work W] [--peers DIR]
# Builds IOR and mdtest from PEERS/ior-*.tar.gz (default /work/shared/peers) (./bootstrap, ./configure, make;
# needs autoconf automake libtool: scripts/install-deps.sh --tests) into the work directory,
# then per repetition runs IOR easy write and read, IOR hard write and read (POSIX and MPI-IO),
# mdtest (create, stat, read, delete) in a directory per rank and in one shared directory, and
# capbench's same phases, alternating which goes first. Prints capbench / peer per phase: the
# median over repetitions of capbench's figure over the peer's in the same repetition, with a
# 95 % bootstrap interval, the ratio of the two medians, and the min and max of the
# per-repetition figures. The ratio is taken within a repetition
# because the file system's state moves between them: on this project's VM, easy write ran at
# 0.6-0.8 GB/s for both tools in some repetitions and 1.7-2.9 GB/s for both in others, and the
# medians of each side alone fell on different modes. Storage figures on a shared machine are
# noisy: read the interval, not the point.
set -euo pipefail

build=${1:?usage: scripts/storage_vs_ior.sh BUILD_DIR --dir DIR [options]}
shift
dir="" np=2 reps=5 block_mib=128 segments=2000 files=2000 work="" peers=/work/shared/peers
while [[ $# -gt 0 ]]; do
  case "$1" in
    --dir) dir=$2; shift 2 ;;
    --np) np=$2; shift 2 ;;
    --repetitions) reps=$2; shift 2 ;;
    --block-mib) block_mib=$2; shift 2 ;;
    --segments) segments=$2; shift 2 ;;
    --files) files=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --peers) peers=$2; shift 2 ;;
    *) echo "storage_vs_ior.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[[ -n "$dir" ]] || { echo "storage_vs_ior.sh: --dir DIR is required (the directory to measure)" >&2; exit 2; }
[[ -d "$dir" ]] || { echo "storage_vs_ior.sh: --dir $dir is not a directory" >&2; exit 2; }
capbench="$build/bench/capbench"
[[ -x "$capbench" ]] || { echo "storage_vs_ior.sh: $capbench not found; build it first" >&2; exit 2; }
work=${work:-$(mktemp -d /tmp/storage-vs-ior.XXXXXX)}
mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
run_dir="$dir/storage-vs-ior.$$"
mkdir "$run_dir"
trap 'rm -rf "$run_dir"' EXIT
trap 'exit 143' TERM INT

# --- IOR and mdtest, built once into the work directory ---
ior_bin="$work/ior/src/ior" mdtest_bin="$work/ior/src/mdtest"
if [[ ! -x "$ior_bin" || ! -x "$mdtest_bin" ]]; then
  for tool in autoconf automake libtoolize; do
    command -v $tool > /dev/null || { echo "storage_vs_ior.sh: $tool missing: scripts/install-deps.sh --tests" >&2; exit 2; }
  done
  tarball=$(find "$peers" -maxdepth 1 -name 'ior-*.tar.gz' | sort | head -1)
  [[ -n "$tarball" ]] || { echo "storage_vs_ior.sh: no ior-*.tar.gz in $peers" >&2; exit 2; }
  rm -rf "$work/ior" && mkdir -p "$work/ior"
  tar xzf "$tarball" -C "$work/ior" --strip-components=1
  (cd "$work/ior" && ./bootstrap && ./configure CC=mpicc && make -j2) > "$work/ior-build.log" 2>&1 ||
    { echo "storage_vs_ior.sh: building IOR failed, see $work/ior-build.log" >&2; exit 1; }
fi

mpi=(mpirun -np "$np" --oversubscribe --bind-to none)
T=2097152 block=$((block_mib * 1048576)) hard_t=47008
suite="$work/suite.json"
cat > "$suite" <<JSON
{ "schema": "capbench.suite/1", "name": "storage-vs-ior", "defaults": { "timeout_s": 900 },
  "cases": [ { "benchmark": "storage", "path": "$run_dir",
    "phases": ["easy", "hard_posix", "hard_mpiio", "metadata_private", "metadata_shared"],
    "easy": { "transfer_bytes": $T, "block_bytes": $block },
    "hard": { "transfer_bytes": $hard_t, "segments": $segments },
    "metadata": { "files_per_rank": $files, "file_bytes": 3901 } } ] }
JSON

figures="$work/figures.tsv"
: > "$figures"
# IOR's "Max Write/Read: X MiB/sec" in B/s. -e: fsync after the writes; -C: read another node's
# data (on one node, a rank's own); -k: keep the file for the read.
ior_phase() {  # NAME API ARGS...: one IOR run, one figure
  local name=$1 api=$2; shift 2
  "${mpi[@]}" "$ior_bin" -a "$api" -i 1 -e -C -k "$@" > "$work/ior.out" 2>&1 ||
    { cat "$work/ior.out" >&2; exit 1; }
  local mib
  mib=$(awk '/^Summary of all tests/ {s=1} s && /^(write|read) / {print $2; exit}' "$work/ior.out")
  [[ -n "$mib" ]] || { echo "storage_vs_ior.sh: no figure in IOR's output ($work/ior.out)" >&2; exit 1; }
  echo -e "$rep\tior\t$name\t$(python3 -c "print($mib * 1048576)")" >> "$figures"
}
run_ior() {
  rm -rf "$run_dir/ior" && mkdir -p "$run_dir/ior"
  ior_phase easy_write POSIX -w -F -t $T -b $block -o "$run_dir/ior/easy"
  ior_phase easy_read POSIX -r -F -t $T -b $block -o "$run_dir/ior/easy"
  # Each set of files goes once it has been read, as capbench's read phases remove theirs: freeing
  # them (on a file system mounted with discard, as this project's VM is) then weighs on the same
  # tool's next phases, and not on whichever tool runs next.
  rm -f "$run_dir"/ior/easy*
  for api in posix mpiio; do  # IOR's -a POSIX and -a MPIIO (independent I/O, as capbench's)
    ior_phase "hard_write/$api" "${api^^}" -w -t $hard_t -b $hard_t -s "$segments" -o "$run_dir/ior/hard-$api"
    ior_phase "hard_read/$api" "${api^^}" -r -t $hard_t -b $hard_t -s "$segments" -o "$run_dir/ior/hard-$api"
    rm -f "$run_dir/ior/hard-$api"
  done
  rm -rf "$run_dir/ior"
  mdtest_phases private -u  # a directory per rank
  mdtest_phases shared      # one directory for all ranks
}
mdtest_phases() {  # MODE [ARGS...]: files only (-F), 3901 bytes written and read per file
  local mode=$1; shift
  "${mpi[@]}" "$mdtest_bin" -F "$@" -n "$files" -w 3901 -e 3901 -i 1 -d "$run_dir/mdtest" > "$work/mdtest.out" 2>&1 ||
    { cat "$work/mdtest.out" >&2; exit 1; }
  awk -v OFS='\t' -v rep="$rep" -v m="$mode" '/SUMMARY rate/ {s=1} s && /File creation/ {print rep, "ior", "md_create/" m, $3}
       s && /File stat/ {print rep, "ior", "md_stat/" m, $3} s && /File read/ {print rep, "ior", "md_read/" m, $3}
       s && /File removal/ {print rep, "ior", "md_delete/" m, $3}' "$work/mdtest.out" >> "$figures"
  rm -rf "$run_dir/mdtest"
}
run_capbench() {
  "${mpi[@]}" "$capbench" run --suite "$suite" --results "$work/capbench.json" --threads 1 > /dev/null 2> "$work/capbench.err" ||
    { cat "$work/capbench.err" >&2; exit 1; }
  python3 - "$work/capbench.json" "$rep" >> "$figures" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for c in r["cases"]:
    name = c["id"].split("storage/", 1)[-1]
    for m in c.get("metrics", []):
        if m["name"] in ("bandwidth", "rate"):
            print(f"{sys.argv[2]}\tcapbench\t{name}\t{m['stats']['median']}")
PY
}

echo "storage_vs_ior: $np ranks, $reps repetitions on $dir ($(stat -f -c %T "$dir")), easy ${block_mib} MiB/rank" \
     "in 2 MiB transfers, hard $segments x 47008 B, mdtest $files files/rank of 3901 B; work $work" >&2
for ((rep = 0; rep < reps; rep++)); do
  if ((rep % 2 == 0)); then run_ior; run_capbench; else run_capbench; run_ior; fi
  echo "  repetition $((rep + 1))/$reps done" >&2
done

python3 - "$figures" <<'PY'
import random, statistics, sys
from collections import defaultdict
data = defaultdict(lambda: defaultdict(dict))  # phase -> tool -> repetition -> figure
for line in open(sys.argv[1]):
    rep, tool, phase, value = line.split("\t")
    data[phase][tool][int(rep)] = float(value)
def paired(ratios, n=2000):
    """The median of the per-repetition ratios and a 95 % bootstrap interval over repetitions."""
    rng = random.Random(12345)
    rs = sorted(statistics.median(rng.choice(ratios) for _ in ratios) for _ in range(n))
    return statistics.median(ratios), rs[int(0.025 * n)], rs[int(0.975 * n) - 1]
print(f"{'phase':<20} {'capbench median':>16} {'IOR/mdtest median':>18} {'capbench/peer':>14} {'95% interval':>16}"
      f" {'ratio of medians':>17}  capbench min..max | peer min..max")
for phase in ["easy_write", "easy_read"] + [f"hard_{op}/{api}" for api in ("posix", "mpiio") for op in ("write", "read")] + \
        [f"md_{op}/{mode}" for mode in ("private", "shared") for op in ("create", "stat", "read", "delete")]:
    c, p = data[phase]["capbench"], data[phase]["ior"]
    reps = sorted(set(c) & set(p))
    if not reps:
        print(f"{phase:<20} missing"); continue
    unit, f = ("MB/s", 1e6) if "md_" not in phase else ("kop/s", 1e3)
    r, lo, hi = paired([c[i] / p[i] for i in reps])
    cm, pm = statistics.median(c[i] for i in reps), statistics.median(p[i] for i in reps)
    print(f"{phase:<20} {cm/f:>11.1f} {unit:<5}{pm/f:>12.1f} {unit:<5} {r:>14.3f} {lo:>7.3f}..{hi:<7.3f} {cm/pm:>17.3f}  "
          f"{min(c.values())/f:.1f}..{max(c.values())/f:.1f} | {min(p.values())/f:.1f}..{max(p.values())/f:.1f}")
PY
