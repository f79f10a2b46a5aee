#!/usr/bin/env bash
# capbench's pair figures beside Intel MPI Benchmarks' PingPong, Uniband and Biband, on 2 ranks on 2
# namespace "nodes" (tests/integration/netns_cluster.sh: veth links on a bridge, TCP), at the
# same message sizes, the two tools interleaved run by run. Needs root (network namespaces).
# Usage: scripts/fabric_vs_imb.sh BUILD_DIR [--repetitions R] [--bytes S] [--bw-iterations I] [--window W]
#                                 [--imb-off-cache MB] [--work DIR]
# Prints per repetition and as median [min, max] over repetitions:
#   latency  capbench pair_latency (median half round trip, 8 B) / IMB PingPong t[usec] (8 B)
#   uni      capbench bandwidth_uni (window W) / IMB Uniband Mbytes/sec at S, -window_size W
#   bidir    capbench bandwidth_bidir (window W) / IMB Biband Mbytes/sec at S, -window_size W
#            (both count the bytes of both directions)
# Both tools measure bandwidth the same way: W messages of S bytes posted at once, then the
# receiver's one-byte acknowledgement that all W arrived, the time of the window over W x S
# bytes. W defaults to capbench's own default window (16), the figure a suite reports.
# Also printed, for reference, IMB PingPong's and Sendrecv's per-message figures at S (one
# message in flight: S over half a round trip; 2 S over one blocking exchange).
# capbench receives each message of a window into its own buffer (W x S bytes, so that every
# message's pattern can be checked after the window); IMB's Uniband/Biband receive every message
# of a window into one S-byte buffer, which stays in cache. `--imb-off-cache MB` passes IMB's
# own `-off_cache MB` to Uniband/Biband, so that its buffers rotate through MB of memory as
# capbench's do; both figures are then of buffers that are not cache-resident.
# IMB builds from /work/shared/peers/imb-*.tar.gz (or $IMB_TARBALL).
# Latency: 1000 round trips on both sides. Bandwidth: I messages (default 100) of S bytes per
# direction on IMB's side, the same bytes in windows of W on capbench's (at least 5 windows),
# so that a loaded machine still finishes a run.
set -euo pipefail

build=${1:?usage: scripts/fabric_vs_imb.sh BUILD_DIR [--repetitions R] [--bytes S] [--bw-iterations I] [--window W] [--imb-off-cache MB] [--work DIR]}
shift
reps=5
bytes=4194304
bw_iterations=100
window=16
off_cache=()
work=/tmp/fabric-vs-imb
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repetitions) reps=$2; shift 2 ;;
    --bytes) bytes=$2; shift 2 ;;
    --bw-iterations) bw_iterations=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --imb-off-cache) off_cache=(-off_cache "$2"); shift 2 ;;
    --work) work=$2; shift 2 ;;
    *) echo "fabric_vs_imb.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
capbench=$(cd "$build" && pwd)/bench/capbench
[[ -x $capbench ]] || { echo "fabric_vs_imb.sh: $capbench not built" >&2; exit 2; }
mkdir -p "$work"

# IMB, built once.
imb="$work/imb/src_cpp/IMB-MPI1"
[[ -x $work/imb/IMB-MPI1 ]] && imb="$work/imb/IMB-MPI1"
if [[ ! -x $imb ]]; then
  tarballs=(/work/shared/peers/imb-*.tar.gz)
  tarball=${IMB_TARBALL:-${tarballs[0]}}
  tar xzf "$tarball" -C "$work"
  (cd "$work/imb" && make CC=mpicc CXX=mpicxx CXXFLAGS=-Wno-cast-function-type IMB-MPI1 >"$work/imb-build.log" 2>&1)
  imb="$work/imb/IMB-MPI1"
  [[ -x $imb ]] || imb="$work/imb/src_cpp/IMB-MPI1"
fi
[[ -x $imb ]] || { echo "fabric_vs_imb.sh: IMB-MPI1 did not build (see $work/imb-build.log)" >&2; exit 1; }

export CLUSTER_NAME_PREFIX=${CLUSTER_NAME_PREFIX:-fabimb}  # namespace names: fabimb<pid>n0 ...
# shellcheck source-path=SCRIPTDIR source=../tests/integration/netns_cluster.sh
source "$here/tests/integration/netns_cluster.sh"
cluster_supported || exit 77
trap cluster_down EXIT
cluster_up 2
export CLUSTER_BTL=tcp,self  # read by cluster_mpirun; two nodes, one rank each: every byte over the veth link

windows=$(( bw_iterations / window > 5 ? bw_iterations / window : 5 ))
suite="$work/suite.json"
cat >"$suite" <<JSON
{ "schema": "capbench.suite/1", "name": "fabric-vs-imb", "defaults": { "warmup": 2, "iterations": $windows },
  "cases": [ { "benchmark": "fabric", "latency_sizes": [8], "bandwidth_sizes": [$bytes], "window": $window,
               "latency_iterations": 1000 } ] }
JSON
printf '8\n' >"$work/msglen-latency"
printf '%s\n' "$bytes" >"$work/msglen-bandwidth"

figure() {  # figure RESULTS METRIC: the matrix value of node 0 -> node 1
  python3 -c '
import json, sys
f = json.load(open(sys.argv[1]))["cases"][0]["info"]["fabric"]
m = [x for x in f["matrices"] if x["metric"] == sys.argv[2] and x["phase"] == "concurrent"]
print(m[0]["values"][0][1])' "$1" "$2"
}

declare -a lat uni bid
for ((r = 1; r <= reps; r++)); do
  cluster_mpirun 1 --timeout 300 -np 2 --map-by slot "$capbench" run --backend cpu --threads 1 --suite "$suite" \
    --results "$work/capbench-$r.json" >/dev/null 2>"$work/capbench-$r.err"
  cluster_mpirun 1 --timeout 120 -np 2 --map-by slot "$imb" PingPong -msglen "$work/msglen-latency" \
    -iter 1000 -iter_policy off -npmin 2 -time 60 >"$work/imb-$r.txt" 2>"$work/imb-$r.err"
  cluster_mpirun 1 --timeout 300 -np 2 --map-by slot "$imb" Uniband Biband -msglen "$work/msglen-bandwidth" \
    -window_size "$window" -iter "$windows" -iter_policy off -npmin 2 -time 120 "${off_cache[@]}" >>"$work/imb-$r.txt" \
    2>>"$work/imb-$r.err"
  cluster_mpirun 1 --timeout 300 -np 2 --map-by slot "$imb" PingPong Sendrecv -msglen "$work/msglen-bandwidth" \
    -iter "$bw_iterations" -iter_policy off -npmin 2 -time 120 >>"$work/imb-$r.txt" 2>>"$work/imb-$r.err"
  c_lat=$(figure "$work/capbench-$r.json" latency)
  c_uni=$(figure "$work/capbench-$r.json" bandwidth_uni)
  c_bid=$(figure "$work/capbench-$r.json" bandwidth_bidir)
  # IMB tables: PingPong "#bytes #rep t[usec] Mbytes/sec"; Sendrecv "... t_avg[usec] Mbytes/sec";
  # Uniband and Biband "#bytes #repetitions Mbytes/sec Msg/sec".
  read -r i_lat i_uni i_bid i_pp i_sr < <(awk -v S="$bytes" '
    /Benchmarking PingPong/ {b = "pp"} /Benchmarking Sendrecv/ {b = "sr"}
    /Benchmarking Uniband/ {b = "ub"} /Benchmarking Biband/ {b = "bb"}
    $1 ~ /^[0-9]+$/ && NF >= 4 {
      if (b == "pp" && $1 == 8) lat = $3
      if (b == "pp" && $1 == S) pp = $4
      if (b == "sr" && $1 == S) sr = $NF
      if (b == "ub" && $1 == S) uni = $3
      if (b == "bb" && $1 == S) bid = $3
    }
    END { print lat, uni, bid, pp, sr }' "$work/imb-$r.txt")
  lat[r]=$(python3 -c "print($c_lat / ($i_lat * 1e-6))")
  uni[r]=$(python3 -c "print($c_uni / ($i_uni * 1e6))")
  bid[r]=$(python3 -c "print($c_bid / ($i_bid * 1e6))")
  printf 'rep %d: latency capbench %.2f us / IMB %.2f us = %.3f; uni %.3g / %.3g B/s = %.3f; bidir %.3g / %.3g B/s = %.3f\n' \
    "$r" "$(python3 -c "print($c_lat * 1e6)")" "$i_lat" "${lat[r]}" "$c_uni" "$(python3 -c "print($i_uni * 1e6)")" \
    "${uni[r]}" "$c_bid" "$(python3 -c "print($i_bid * 1e6)")" "${bid[r]}"
  printf '       (IMB one message in flight at %s B: PingPong %.3g B/s, Sendrecv %.3g B/s)\n' "$bytes" \
    "$(python3 -c "print($i_pp * 1e6)")" "$(python3 -c "print($i_sr * 1e6)")"
done

summary() {  # summary NAME VALUES...: median [min, max]
  local name=$1
  shift
  python3 -c '
import statistics, sys
v = [float(x) for x in sys.argv[2:]]
print(f"{sys.argv[1]:8s} capbench / IMB: median {statistics.median(v):.3f} [min {min(v):.3f}, max {max(v):.3f}] over {len(v)} runs")' \
    "$name" "$@"
}
echo "== $bytes B bandwidth (window $window, $windows windows on both sides${off_cache[*]:+; IMB ${off_cache[*]}}), 8 B latency, 2 ranks on 2 namespace nodes (TCP over veth) =="
summary latency "${lat[@]}"
summary uni "${uni[@]}"
summary bidir "${bid[@]}"
