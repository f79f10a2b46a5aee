#!/usr/bin/env bash
# What a reader sees: report.html rendered by headless Chromium from the real H200 run
# (docs/validation/h200-2026-11-27), a real two-rank CPU-backend run and the mixed-fleet test
# data. Asserts the misleading texts of issue 17 are gone from the DOM and their replacements
# present. Skips (77) only where chromium is absent.
# Usage: report_reader_browser.sh CAPREPORT SOURCE_DIR WORKDIR
set -uo pipefail
capreport="$1" src="$2" work="$3"
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "report_reader_browser: SKIPPED: chromium is not installed (scripts/install-deps.sh --tests installs it)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"/profile.*' EXIT
fail() { echo "report_reader_browser: $*" >&2; exit 1; }
dump() {
  local profile
  profile=$(mktemp -d "$work/profile.XXXXXX")
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --dump-dom "file://$1" 2> "$work/chromium.err"
}
has() { grep -qF -- "$2" "$1" || fail "$(basename "$1"): missing: $2"; }
lacks() { if grep -qF -- "$2" "$1"; then fail "$(basename "$1"): still shows: $2"; fi; }
lacks_re() { if grep -qE -- "$2" "$1"; then fail "$(basename "$1"): still shows /$2/: $(grep -oE -- "$2" "$1" | head -1)"; fi; }
system="$src/configs/systems/gwangju-ai-datacenter.json"

# The real H200 run: one GPU of a model the inventory does not declare, one rank.
"$capreport" report "$src/docs/validation/h200-2026-11-27/results.json" --system "$system" -o "$work/h200" > /dev/null ||
  fail "capreport failed on the H200 results"
dump "$work/h200/report.html" > "$work/h200.dom" || fail "chromium failed: $(tail -3 "$work/chromium.err")"
d="$work/h200.dom"
lacks_re "$d" '(^|[^0-9.])0 (FLOP|OP|B)/s'          # no zero figure where nothing was projected or moved
lacks "$d" "0.0 % of fleet peak"
lacks "$d" "declared: not measured"
lacks "$d" "memory_bandwidth_tb_s"
lacks "$d" "fp64_tensor"
lacks "$d" "sw_power_cap"
lacks "$d" "205 TB/s"
lacks "$d" 'class="collective-point"'
lacks "$d" "67.1 MB"
has "$d" "not projected: no GPU of this model in the inventory"
has "$d" "<b>Measured, not in the declared inventory</b> (so not projected): 1 NVIDIA H200 SXM 141GB."
has "$d" "880 NVIDIA H100 SXM5 80GB, 796 NVIDIA A100 SXM4 80GB, 384 NVIDIA T4."
[[ $(grep -o "Declared, not measured" "$d" | wc -l) -eq 2 ]] || fail "h200: declared models not grouped once per reason"
has "$d" "<b>No bandwidth figure.</b> One rank: a collective on one rank moves no data between devices"
has "$d" "FP64 tensor-core peak"
has "$d" "datasheet memory bandwidth"
has "$d" "software power cap"
for stage in compute memory host_link fabric energy; do has "$d" "<section id=\"section-$stage\" data-stage=\"$stage\">"; done
lacks "$d" 'id="section-storage"'
# Two layers: the paragraph (no hash in it), then the list with the hashes.
quotable=$(grep -o '<p id="quotable">[^<]*</p>' "$d" | sed 's/<[^>]*>//g')
[[ -n "$quotable" ]] || fail "h200: no quotable paragraph"
words=$(wc -w <<< "$quotable")
[[ $words -le 80 ]] || fail "h200: quotable paragraph has $words words: $quotable"
for must in "53.9 TFLOP/s" "FP64" "sustained" "1 GPU (NVIDIA H200 SXM 141GB)" "2,060 GPUs declared" "88.5 PFLOP/s FP64" "datasheet peak" "Caveat:"; do
  grep -qF "$must" <<< "$quotable" || fail "h200: quotable paragraph lacks \"$must\": $quotable"
done
if grep -qE '[0-9a-f]{16}' <<< "$quotable"; then fail "h200: a hash in the quotable paragraph"; fi
has "$d" '<ul class="trace" id="traceability"><li><b>measured by:</b> capbench 0.1.0, commit 22128adae73fa70b895012926275925e4ac54091-dirty'
has "$d" "5214a743c5342877cace05cb8c7b510d94c2d214a43131a1cbf42fce867afd6f"

# A real CPU-backend run with the CPU criteria: a rehearsal, CPUs everywhere, no ACCEPTED.
"$capreport" report "$src/tests/data/results/cpu-two-ranks.json" --system "$system" \
  --criteria "$src/configs/criteria/cpu-smoke.json" -o "$work/cpu" > /dev/null || fail "capreport failed on the CPU run"
dump "$work/cpu/report.html" > "$work/cpu.dom" || fail "chromium failed on the CPU report"
d="$work/cpu.dom"
has "$d" "<h1>CPU rehearsal of the capacity chain — Gwangju National AI Data Center</h1>"
has "$d" "CPU REHEARSAL · CRITERIA MET"
lacks "$d" '>ACCEPTED</span>'
lacks "$d" "GPUs<br>measured"
lacks "$d" "(2 GPUs)"
lacks "$d" "every GPU"
lacks_re "$d" '[0-9]{5,}\.[0-9] %'                  # no "303266906.0 %" margins
has "$d" "CPUs<br>measured"
has "$d" "Intel(R) Xeon(R) Processor (CPU) (2 CPUs)"
has "$d" "times the threshold"
has "$d" "× 10"
# Ten collective lines, ten colours, a legend naming each in words.
colours=$(grep -o 'class="collective-series" data-case="[^"]*" data-color="[^"]*"' "$d" | sed 's/.*data-color="//' | sort)
[[ $(wc -l <<< "$colours") -eq 10 ]] || fail "cpu: expected 10 collective lines, found $(wc -l <<< "$colours")"
[[ $(uniq <<< "$colours" | wc -l) -eq 10 ]] || fail "cpu: two collective lines share a colour: $(uniq -d <<< "$colours")"
[[ $(grep -o 'class="legend-item"' "$d" | wc -l) -eq 10 ]] || fail "cpu: legend does not name every line"
has "$d" "all-reduce, FP32, out of place</span>"
has "$d" "broadcast, FP32, in place</span>"
lacks "$d" 'id="section-host_link"'
lacks "$d" 'id="section-energy"'

# The mixed fleet: measured models are declared; the T4s and IPUs are named once.
"$capreport" report "$src/tests/data/results/mixed-fleet.json" --system "$system" \
  --criteria "$src/configs/criteria/acceptance-example.json" -o "$work/mixed" > /dev/null
dump "$work/mixed/report.html" > "$work/mixed.dom" || fail "chromium failed on the mixed report"
d="$work/mixed.dom"
lacks "$d" "declared: not measured"
lacks "$d" "were measured but are not in the declared inventory"
lacks "$d" "fp64_tensor"
has "$d" "384 NVIDIA T4."
has "$d" "128 Graphcore IPU"
lacks_re "$d" '(^|[^0-9.])0 (FLOP|OP|B)/s'
has "$d" '<p id="quotable">On 2026-11-20, capbench measured 278 TFLOP/s of FP64'
has "$d" 'class="legend-item" data-case="collective/all_reduce/fp32/out_of_place"'
echo "report_reader_browser: ok (H200 quotable paragraph: $words words)"
