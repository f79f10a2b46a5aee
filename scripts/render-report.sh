#!/usr/bin/env bash
# Renders a capreport report.html to PNG (and PDF) with headless Chromium, for attaching to a
# procurement record or an e-mail. Nothing is fetched: the report is one self-contained file.
# Usage: scripts/render-report.sh REPORT_DIR [WIDTH HEIGHT]
#   writes REPORT_DIR/report.png (WIDTH x HEIGHT, default 1280 x 2400) and REPORT_DIR/report.pdf
set -euo pipefail
dir="${1:?usage: render-report.sh REPORT_DIR [WIDTH HEIGHT]}"
width="${2:-1280}" height="${3:-2400}"
html="$(cd "$dir" && pwd)/report.html"
[[ -s "$html" ]] || { echo "render-report.sh: no report.html in $dir (run capreport report first)" >&2; exit 2; }
browser=$(command -v chromium || command -v chromium-browser || true)
[[ -n "$browser" ]] || { echo "render-report.sh: chromium not found (scripts/install-deps.sh --tests)" >&2; exit 2; }
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update
       --disable-sync --no-first-run --hide-scrollbars "--user-data-dir=$profile")
"$browser" "${flags[@]}" "--window-size=$width,$height" "--screenshot=$dir/report.png" "file://$html" 2>/dev/null
"$browser" "${flags[@]}" --no-pdf-header-footer "--print-to-pdf=$dir/report.pdf" "file://$html" 2>/dev/null
echo "render-report.sh: $dir/report.png, $dir/report.pdf"
