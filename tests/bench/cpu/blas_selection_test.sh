#!/usr/bin/env bash
# The CPU GEMM's BLAS kernel is chosen by measurement and checked: under mpirun with 2 ranks,
# a planted library that is fastest and wrong (wrong_blas.c) is refused with its reason, a
# verified kernel is used, and the results and the report name the kernel and the peak basis.
# Usage: blas_selection_test.sh MPIRUN CAPBENCH CAPREPORT WRONG_BLAS_SO WORKDIR
set -euo pipefail
mpirun="$1" capbench="$2" capreport="$3" wrong="$4" work="$5"
rm -rf "${work}"
mkdir -p "${work}"
trap '[[ $? -eq 0 ]] && rm -rf "${work}"' EXIT
cat >"${work}/suite.json" <<'JSON'
{"schema": "capbench.suite/1", "name": "blas-selection",
 "cases": [{"benchmark": "gemm", "precisions": ["fp64", "fp32"], "shapes": [[384, 384, 384]],
            "warmup": 1, "iterations": 3}]}
JSON
CAPBENCH_BLAS_CANDIDATES="${wrong}" "${mpirun}" -np 2 --oversubscribe -x CAPBENCH_BLAS_CANDIDATES \
  "${capbench}" run --suite "${work}/suite.json" --results "${work}/results.json" >"${work}/run.log" 2>&1 ||
  { cat "${work}/run.log"; exit 1; }
python3 - "${work}/results.json" "${wrong}" <<'PY'
import json, sys
doc, wrong = json.load(open(sys.argv[1])), sys.argv[2]
for case in doc["cases"]:
    assert case["status"] == "passed", case["id"]
    for r in case["ranks"]:
        choice = r["info"]["blas_choice"]
        planted = [c for c in choice["candidates"] if c["name"] == wrong]
        if not planted or planted[0].get("problem", "").startswith("not tried"):
            # Builds with sanitizers load no private copies; they must say so and use the linked one.
            assert choice["used"] == "OpenBLAS as loaded", choice
            continue
        assert planted[0]["verified"] is False, planted
        assert "wrong answers" in planted[0]["problem"], planted
        assert choice["used"] != wrong, choice
        assert any(c["verified"] and c["name"] == choice["used"] for c in choice["candidates"]), choice
        assert r["info"]["peak_flops"] > 0 and "FLOP/cycle" in r["info"]["peak_basis"], r["info"]
for ident in doc["ranks"]:
    pm = ident["device"]["details"]["peak_model"]
    assert pm["cores"] >= 1 and pm["clock_basis"], pm
    clocks = pm["clocks"]
    # Under 512-bit FMA load below the scalar clock: that clock is the basis, and says so;
    # the scalar one stays in the results beside it.
    if "fma512_hz" in clocks and "measured_hz" in clocks and clocks["fma512_hz"] < clocks["measured_hz"]:
        assert pm["clock_hz"] == clocks["fma512_hz"], pm
        assert pm["clock_basis_short"] == "clock measured under 512-bit FMA load on all cores", pm
print("blas selection: planted wrong library refused; kernel and peak basis recorded")
PY
"${capreport}" report "${work}/results.json" -o "${work}/report" >"${work}/report.log" 2>&1 || true
grep -q "CPU peak model" "${work}/report/report.md" || { echo "report.md names no CPU peak model"; exit 1; }
grep -q "FLOP/cycle" "${work}/report/report.md" || { echo "report.md states no peak basis"; exit 1; }
basis=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["ranks"][0]["device"]["details"]["peak_model"]["clock_basis_short"])' "${work}/results.json")
grep -qF "${basis}" "${work}/report/report.md" || { echo "report.md does not name the clock basis '${basis}'"; exit 1; }
echo "report names the CPU peak model and its basis"
