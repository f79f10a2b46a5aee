#!/usr/bin/env bash
# Renders report.html in headless Chromium and checks the DOM it built: the charts carry
# their data, and a hostile hostname is inert text. Skips (77) only where chromium is absent.
# Usage: report_browser.sh CAPREPORT SOURCE_DIR WORKDIR
set -uo pipefail
capreport="$1" src="$2" work="$3"
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "report_browser: SKIPPED: chromium is not installed (scripts/install-deps.sh --tests installs it)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
fail() { echo "report_browser: $*" >&2; exit 1; }
dump() {
  local profile
  profile=$(mktemp -d)
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    --dump-dom "file://$1" 2> "$work/chromium.err"
  local rc=$?
  rm -rf "$profile"
  return $rc
}
data="$src/tests/data/results"
"$capreport" report "$data/mixed-fleet.json" --system "$src/configs/systems/gwangju-ai-datacenter.json" \
  --criteria "$src/configs/criteria/acceptance-example.json" -o "$work/mixed" > /dev/null
dump "$work/mixed/report.html" > "$work/mixed.dom" || fail "chromium failed: $(tail -3 "$work/chromium.err")"
dom="$work/mixed.dom"
# Per-GPU bars: 8 fp64 + 7 bf16 (rank 5 failed) + 8 STREAM bars, each with its value.
bars=$(grep -o 'class="gpu-bar"' "$dom" | wc -l)
[[ $bars -eq 23 ]] || fail "expected 23 per-GPU bars, found $bars"
grep -q 'data-rank="2"[^>]*data-bus-id="00000000:3B:00.0"[^>]*data-value="4e+13"' "$dom" || fail "slow GPU bar missing its value"
grep -q 'class="gpu-missing" data-rank="5"' "$dom" || fail "failed GPU not marked in the chart"
grep -q 'class="model-median"[^>]*data-model="h100-sxm5-80gb" data-value="5.475e+13"' "$dom" || fail "H100 fp64 median line missing"
grep -q 'class="threshold"' "$dom" || fail "threshold lines missing"
# all_reduce: 3 sizes, slowest rank 7 at 190 - 7 = 183 GB/s for 1 GiB.
grep -q 'data-size-bytes="1073741824" data-busbw="1.83e+11" data-slowest-rank="7"' "$dom" || fail "collective point missing"
grep -q 'class="target-bar"[^>]*data-kind="target" data-value="8.85e+16"' "$dom" || fail "target bar missing"
grep -q 'data-kind="fleet_peak" data-value="7.4394e+16"' "$dom" || fail "fleet peak bar missing"

"$capreport" report "$data/hostile-hostname.json" -o "$work/xss" > /dev/null
dump "$work/xss/report.html" > "$work/xss.dom" || fail "chromium failed on the hostile report"
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/xss.dom" || fail "hostile hostname not shown as text"
if grep -qi '<script' "$work/xss.dom"; then fail "a <script> element reached the DOM"; fi
if grep -q '<b>serial</b>' "$work/xss.dom"; then fail "markup in a serial number was rendered"; fi
echo "report_browser: ok ($bars bars)"
