#!/usr/bin/env bash
# Makes the report screenshots in docs/screenshots/ (and docs/report-screenshot.png) from real
# runs' results: the H200 run of 2026-11-27 (docs/validation/h200-2026-11-27/results.json) and
# the stored two-rank CPU-backend run (tests/data/results/cpu-two-ranks.json). Each picture
# carries a banner naming the results file it was rendered from; nothing is synthetic.
# Usage: scripts/report-screenshots.sh CAPREPORT [OUT_DIR]   (OUT_DIR default: docs/screenshots)
set -euo pipefail
capreport="${1:?usage: report-screenshots.sh CAPREPORT [OUT_DIR]}"
src="$(cd "$(dirname "$0")/.." && pwd)"
out="${2:-$src/docs/screenshots}"
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$browser" ]] || { echo "report-screenshots.sh: chromium not found (scripts/install-deps.sh --tests)" >&2; exit 2; }
work=$(mktemp -d /tmp/capbench-screenshots.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
(cd "$src" && "$capreport" report docs/validation/h200-2026-11-27/results.json --system configs/systems/gwangju-ai-datacenter.json \
  -o "$work/h200" > /dev/null)
(cd "$src" && "$capreport" report tests/data/results/cpu-two-ranks.json --system configs/systems/gwangju-ai-datacenter.json \
  --criteria configs/criteria/cpu-smoke.json -o "$work/cpu" > /dev/null)

# shot REPORT_DIR SOURCE_LABEL ELEMENT_ID HEIGHT PNG: the page scrolled so ELEMENT_ID is at the
# top (none: the top of the page), with a banner naming the source.
shot() {
  local dir="$1" label="$2" id="$3" height="$4" png="$5" profile page
  profile=$(mktemp -d "$work/profile.XXXXXX")
  page="$work/$(basename "$png" .png).html"
  local banner="<div style=\"position:fixed;top:0;left:0;right:0;z-index:9;background:#1d2433;color:#fff;font:13px system-ui,sans-serif;padding:7px 14px\">Screenshot of capreport’s report.html rendered from ${label}</div>"
  if [[ "$id" == none ]]; then
    sed "s|<main>|${banner}<main style=\"padding-top:44px\">|" "$dir/report.html" > "$page"
  else
    # Everything before the element is hidden, so the element starts the picture.
    sed "s|<main>|${banner}<main class=\"from-${id}\" style=\"padding-top:44px\">|; s|<section id=\"${id}\"|<section class=\"shot-start\" id=\"${id}\"|" \
      "$dir/report.html" |
      sed "s|</style>|main.from-${id} > *{display:none}main.from-${id} > .shot-start, main.from-${id} > .shot-start ~ *{display:revert}</style>|" > "$page"
  fi
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
    "--window-size=1280,$height" "--screenshot=$png" "file://$page" 2> /dev/null
  echo "report-screenshots.sh: $png"
}
h200="docs/validation/h200-2026-11-27/results.json (the real H200 run of 2026-11-27; system: configs/systems/gwangju-ai-datacenter.json)"
cpu="tests/data/results/cpu-two-ranks.json (a real two-rank CPU-backend run; criteria: configs/criteria/cpu-smoke.json)"
shot "$work/h200" "$h200" none 1900 "$out/h200-report-top.png"
shot "$work/h200" "$h200" section-compute 1500 "$out/h200-compute.png"
shot "$work/h200" "$h200" section-fabric 1500 "$out/h200-fabric.png"
shot "$work/cpu" "$cpu" none 1500 "$out/cpu-rehearsal-top.png"
shot "$work/cpu" "$cpu" section-fabric 1100 "$out/cpu-rehearsal-collectives.png"
cp "$out/h200-report-top.png" "$src/docs/report-screenshot.png"
echo "report-screenshots.sh: $src/docs/report-screenshot.png (the H200 report's top)"
