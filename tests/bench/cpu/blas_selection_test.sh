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
print("blas selection: planted wrong library refused; kernel and peak basis recorded")
PY
"${capreport}" report "${work}/results.json" -o "${work}/report" >"${work}/report.log" 2>&1 || true
grep -q "CPU peak model" "${work}/report/report.md" || { echo "report.md names no CPU peak model"; exit 1; }
grep -q "FLOP/cycle" "${work}/report/report.md" || { echo "report.md states no peak basis"; exit 1; }
echo "report names the CPU peak model and its basis"
