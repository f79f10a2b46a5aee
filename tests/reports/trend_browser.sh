#!/usr/bin/env bash
# The trend page of a 10-run history with one planted regression (rank 3's GEMM 25 % slower in
# the last run, among 13 charts) in headless Chromium: the DOM puts the regression in the summary
# before the index and the charts, and a screenshot of the first screen (1280x800) shows it:
# the red verdict badge and the regression row's red change are pixels of that screenshot.
# Skips (77) only where chromium is absent.
# Usage: trend_browser.sh CAPREPORT HISTORY_SYNTH WORKDIR [SCREENSHOT_COPY]
set -uo pipefail
capreport="$1" synth="$2" work="$3" copy="${4:-}"
browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then
  echo "trend_browser: SKIPPED: chromium is not installed (scripts/install-deps.sh --tests installs it)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
profile=$(mktemp -d "${TMPDIR:-/tmp}/capbench-trend-browser.XXXXXX")
trap 'rm -rf "$profile"' EXIT
fail() { echo "trend_browser: FAIL: $*" >&2; exit 1; }
chrome() {
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars --user-data-dir="$profile" "$@" \
    2>>"$work/chromium.err"
}

"$synth" write --dir "$work/runs" --runs 10 --drop 0.25 --drop-rank 3 --sizes 12 >"$work/files" || fail "synth write"
while read -r f; do "$capreport" history add "$f" --db "$work/h.sqlite" >/dev/null || fail "history add $f"; done <"$work/files"
rc=0
"$capreport" history check --db "$work/h.sqlite" >"$work/check.txt" || rc=$?
[[ $rc -eq 1 ]] || fail "history check exited $rc, expected 1: $(cat "$work/check.txt")"
[[ $(grep -c '^REGRESSION:' "$work/check.txt") -eq 1 ]] || fail "expected one alarm: $(grep '^REGRESSION' "$work/check.txt")"
"$capreport" history trend --db "$work/h.sqlite" -o "$work" >/dev/null || fail "history trend"

chrome --dump-dom "file://$work/trend.html" >"$work/trend.dom" || fail "chromium --dump-dom: $(tail -3 "$work/chromium.err")"
dom="$work/trend.dom"
charts=$(grep -o '<h3 id=' "$dom" | wc -l)
[[ $charts -eq 13 ]] || fail "expected 13 charts (GEMM and 12 all_reduce sizes), found $charts"
python3 - "$dom" <<'PY' || fail "summary order"
import sys
dom = open(sys.argv[1]).read()
row = dom.find('<tr class="reg-row">')
assert row > 0, "no regression row"
assert row < dom.find("<h2>Index</h2>") < dom.find("<h3"), "the regression row is not before the index and the charts"
assert "node-b" in dom[row:row + 600] and "rank 3" in dom[row:row + 600], dom[row:row + 600]
assert ">all_reduce busbw, 1 MiB (fp32, out of place)</h3>" in dom, "chart title in words"
PY

chrome --window-size=1280,800 --screenshot="$work/trend.png" "file://$work/trend.html" >/dev/null ||
  fail "chromium --screenshot: $(tail -3 "$work/chromium.err")"
[[ -s "$work/trend.png" ]] || fail "no screenshot"
# Count the pixels of the regression red (#c0392b) in the first screen, from the PNG itself.
python3 - "$work/trend.png" <<'PY' || fail "the regression is not in the first screen"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, width, height, channels = 8, b"", 0, 0, 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour = struct.unpack(">IIBB", body[:10])
        assert depth == 8 and colour in (2, 6), (depth, colour)
        channels = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw, stride, prev, red = zlib.decompress(idat), width * channels, None, 0
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - channels] if i >= channels else 0
        b = prev[i] if prev else 0
        c = prev[i - channels] if prev and i >= channels else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    red += sum(1 for x in range(0, stride, channels) if tuple(line[x:x + 3]) == (0xc0, 0x39, 0x2b))
    prev = line
print(f"trend_browser: {width}x{height} first screen, {red} pixels of the regression red")
sys.exit(0 if red >= 1500 else 1)
PY
if [[ -n "$copy" ]]; then cp "$work/trend.png" "$copy"; fi
echo "trend_browser: ok ($charts charts; the regression is in the summary and on the first screen)"
