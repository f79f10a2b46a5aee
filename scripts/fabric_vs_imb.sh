#!/usr/bin/env bash
# capbench's pair figures beside Intel MPI Benchmarks' PingPong, Uniband and Biband, on 2 ranks on 2
# namespace "nodes" (tests/integration/netns_cluster.sh: veth links on a bridge, TCP), at the
# same message sizes, the two tools interleaved run by run. Needs root (network namespaces).
# Usage: scripts/fabric_vs_imb.sh BUILD_DIR [--repetitions R] [--bytes S] [--bw-iterations I] [--window W]
#                                 [--imb-off-cache MB] [--mca NAME VALUE]... [--work DIR]
# Prints per repetition and as median [min, max] over repetitions, like for like: IMB's figures
# are totals over totals (t[usec] the time of all round trips over 2 x their count; Mbytes/sec
# all bytes over the time of all windows), so capbench's `_mean` figures are set beside them:
#   latency  capbench latency_mean (8 B) / IMB PingPong t[usec] (8 B)
#   uni      capbench bandwidth_uni_mean (window W) / IMB Uniband Mbytes/sec at S, -window_size W
#   bidir    capbench bandwidth_bidir_mean (window W) / IMB Biband Mbytes/sec at S, -window_size W
#            (both count the bytes of both directions)
# and beside them capbench's median figures (latency, bandwidth_uni, bandwidth_bidir: the median
# round trip or window, what pairs are judged by) over the same IMB figures.
# Both tools window the same way: W messages of S bytes posted at once, then the receiver's
# one-byte acknowledgement that all W arrived, W x S bytes a window (both ways 2 W S). W defaults
# to capbench's own default window (16), the figure a suite reports. One difference: capbench's
# both-ways sides start each window together, IMB's one acknowledgement apart (below).
# Also printed, for reference, IMB PingPong's and Sendrecv's per-message figures at S (one
# message in flight: S over half a round trip; 2 S over one blocking exchange).
# capbench receives each message of a window into its own buffer (W x S bytes, so that every
# message's pattern can be checked after the window); IMB's Uniband/Biband receive every message
# of a window into one S-byte buffer, which stays in cache. `--imb-off-cache MB` passes IMB's
# own `-off_cache MB` to Uniband/Biband, so that its buffers rotate through MB of memory as
# capbench's do; both figures are then of buffers that are not cache-resident.
# Both ways, also set beside capbench's figure: scripts/fabric_window_sequences.c (built here with
# mpicc), one program running IMB Biband's window sequence (back to back, the two sides one
# acknowledgement apart) and the same with capbench's synchronised start (a token exchanged twice
# before the sends), interleaved, at the same size and window: on Open MPI's TCP transport the
# two differ (docs/performance.md), and the program tells IMB's sequence from capbench's method.
# `--mca NAME VALUE` (repeatable) is passed to every mpirun, both tools'.
# IMB builds from /work/shared/peers/imb-*.tar.gz (or $IMB_TARBALL).
# Latency: 1000 round trips on both sides. Bandwidth: I messages (default 100) of S bytes per
# direction on IMB's side, the same bytes in windows of W on capbench's (at least 5 windows),
# so that a loaded machine still finishes a run.
set -euo pipefail

build=${1:?usage: scripts/fabric_vs_imb.sh BUILD_DIR [--repetitions R] [--bytes S] [--bw-iterations I] [--window W] [--imb-off-cache MB] [--mca NAME VALUE]... [--work DIR]}
shift
reps=5
bytes=4194304
bw_iterations=100
window=16
off_cache=()
mpi_args=()
work=/tmp/fabric-vs-imb
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repetitions) reps=$2; shift 2 ;;
    --bytes) bytes=$2; shift 2 ;;
    --bw-iterations) bw_iterations=$2; shift 2 ;;
    --window) window=$2; shift 2 ;;
    --imb-off-cache) off_cache=(-off_cache "$2"); shift 2 ;;
    --mca) mpi_args+=(--mca "$2" "$3"); shift 3 ;;
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
sequences="$work/fabric_window_sequences"
mpicc -O2 -o "$sequences" "$here/scripts/fabric_window_sequences.c"

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

declare -a lat uni bid lat_med uni_med bid_med bid_sync imb_b2b
for ((r = 1; r <= reps; r++)); do
  cluster_mpirun 1 --timeout 300 -np 2 --map-by slot "${mpi_args[@]}" "$capbench" run --backend cpu --threads 1 --suite "$suite" \
    --results "$work/capbench-$r.json" >/dev/null 2>"$work/capbench-$r.err"
  cluster_mpirun 1 --timeout 120 -np 2 --map-by slot "${mpi_args[@]}" "$imb" PingPong -msglen "$work/msglen-latency" \
    -iter 1000 -iter_policy off -npmin 2 -time 60 >"$work/imb-$r.txt" 2>"$work/imb-$r.err"
  cluster_mpirun 1 --timeout 300 -np 2 --map-by slot "${mpi_args[@]}" "$imb" Uniband Biband -msglen "$work/msglen-bandwidth" \
    -window_size "$window" -iter "$windows" -iter_policy off -npmin 2 -time 120 "${off_cache[@]}" >>"$work/imb-$r.txt" \
    2>>"$work/imb-$r.err"
  cluster_mpirun 1 --timeout 300 -np 2 --map-by slot "${mpi_args[@]}" "$imb" PingPong Sendrecv -msglen "$work/msglen-bandwidth" \
    -iter "$bw_iterations" -iter_policy off -npmin 2 -time 120 >>"$work/imb-$r.txt" 2>>"$work/imb-$r.err"
  read -r s_b2b s_sync < <(cluster_mpirun 1 --timeout 300 -np 2 --map-by slot "${mpi_args[@]}" "$sequences" \
    "$bytes" "$window" "$windows" 1 2>>"$work/sequences-$r.err")
  c_lat=$(figure "$work/capbench-$r.json" latency_mean)
  c_uni=$(figure "$work/capbench-$r.json" bandwidth_uni_mean)
  c_bid=$(figure "$work/capbench-$r.json" bandwidth_bidir_mean)
  m_lat=$(figure "$work/capbench-$r.json" latency)
  m_uni=$(figure "$work/capbench-$r.json" bandwidth_uni)
  m_bid=$(figure "$work/capbench-$r.json" bandwidth_bidir)
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
  lat_med[r]=$(python3 -c "print($m_lat / ($i_lat * 1e-6))")
  uni_med[r]=$(python3 -c "print($m_uni / ($i_uni * 1e6))")
  bid_med[r]=$(python3 -c "print($m_bid / ($i_bid * 1e6))")
  printf 'rep %d: latency capbench mean %.2f us / IMB %.2f us = %.3f; uni %.3g / %.3g B/s = %.3f; bidir %.3g / %.3g B/s = %.3f\n' \
    "$r" "$(python3 -c "print($c_lat * 1e6)")" "$i_lat" "${lat[r]}" "$c_uni" "$(python3 -c "print($i_uni * 1e6)")" \
    "${uni[r]}" "$c_bid" "$(python3 -c "print($i_bid * 1e6)")" "${bid[r]}"
  bid_sync[r]=$(python3 -c "print($c_bid / ($s_sync * 1e9))")
  imb_b2b[r]=$(python3 -c "print($i_bid / ($s_b2b * 1e3))")
  printf '       both ways in one program: back to back (IMB Biband'"'"'s sequence) %.3g B/s, synchronised start (capbench'"'"'s) %.3g B/s; capbench mean / synchronised %.3f, IMB Biband / back to back %.3f\n' \
    "$(python3 -c "print($s_b2b * 1e9)")" "$(python3 -c "print($s_sync * 1e9)")" "${bid_sync[r]}" "${imb_b2b[r]}"
  printf '       capbench medians: latency %.2f us (%.3f of IMB), uni %.3g B/s (%.3f), bidir %.3g B/s (%.3f)\n' \
    "$(python3 -c "print($m_lat * 1e6)")" "${lat_med[r]}" "$m_uni" "${uni_med[r]}" "$m_bid" "${bid_med[r]}"
  printf '       (IMB one message in flight at %s B: PingPong %.3g B/s, Sendrecv %.3g B/s)\n' "$bytes" \
    "$(python3 -c "print($i_pp * 1e6)")" "$(python3 -c "print($i_sr * 1e6)")"
done

summary() {  # summary NAME VALUES...: median [min, max]
  local name=$1
  shift
  python3 -c '
import statistics, sys
v = [float(x) for x in sys.argv[2:]]
print(f"{sys.argv[1]:15s} capbench / IMB: median {statistics.median(v):.3f} [min {min(v):.3f}, max {max(v):.3f}] over {len(v)} runs")' \
    "$name" "$@"
}
echo "== $bytes B bandwidth (window $window, $windows windows on both sides${off_cache[*]:+; IMB ${off_cache[*]}}), 8 B latency, 2 ranks on 2 namespace nodes (TCP over veth) =="
echo "-- like for like: capbench's totals over totals (the _mean figures) against IMB's --"
summary latency "${lat[@]}"
summary uni "${uni[@]}"
summary bidir "${bid[@]}"
echo "-- capbench's median round trip / window (what pairs are judged by) against the same IMB figures --"
summary "latency median" "${lat_med[@]}"
summary "uni median" "${uni_med[@]}"
summary "bidir median" "${bid_med[@]}"
echo "-- both ways, each tool against the same method in one program (scripts/fabric_window_sequences.c) --"
python3 -c '
import statistics, sys
n = len(sys.argv) // 2
for name, v in (("capbench bidir mean / synchronised sequence", sys.argv[1:n + 1]), ("IMB Biband / back-to-back sequence", sys.argv[n + 1:])):
    v = [float(x) for x in v]
    print(f"{name}: median {statistics.median(v):.3f} [min {min(v):.3f}, max {max(v):.3f}] over {len(v)} runs")' \
  "${bid_sync[@]}" "${imb_b2b[@]}"
