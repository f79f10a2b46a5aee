#!/usr/bin/env python3
"""Asserts on a results file's health record (tests/integration/health_run.sh).
Usage: check_health.py RESULTS faulty|clean|stopped|cpu HOST"""
import json
import sys

path, scenario, host = sys.argv[1], sys.argv[2], sys.argv[3]
r = json.load(open(path))
checks = r["health"]["checks"]
failed = [c for c in checks if c["status"] != "pass"]


def expect(cond, what):
    if not cond:
        print(f"check_health: {scenario}: {what}", file=sys.stderr)
        for c in failed:
            print(f"  not passed: {c}", file=sys.stderr)
        sys.exit(1)


def failed_check(check, gpu, needle):
    return any(c["check"] == check and c["status"] == "fail" and c["host"] == host and c["gpu"].startswith(gpu)
               and needle in c["value"] for c in checks)


if scenario in ("faulty", "stopped"):
    expect(failed_check("pcie_link", "GPU 0 (0000:18:00.0)", "x8"), "no failed pcie_link on GPU 0 at x8")
    expect(failed_check("memory_repair", "GPU 1 (0000:2a:00.0)", "remap pending"), "no failed memory_repair on GPU 1")
    expect(failed_check("gpu_count", "", "2 of 3"), "no failed gpu_count naming 2 of 3 GPUs")
if scenario == "faulty":
    expect(failed_check("xid_events", "GPU 1 (0000:2a:00.0)", "XID 79 in case gemm/fp64"), "no XID 79 in the first case")
    expect(len(failed) == 4, f"{len(failed)} checks not passed, expected the 4 planted")
    expect(len(r["cases"]) == 2 and r["run"]["status"] == "complete", "the recording gate did not measure every case")
    case_health = [rr["info"].get("health") for rr in r["cases"][0]["ranks"]]
    expect(any(h and h["xid_events"][0]["xid"] == 79 for h in case_health), "case 1 does not carry the XID")
if scenario == "stopped":
    expect(r["health"]["stopped"] and r["health"]["gate"] == "stop", "health.stopped is not set")
    expect(r["cases"] == [] and r["run"]["status"] == "incomplete", "cases were measured past a failed gate")
    expect("health gate failed" in r["run"]["status_reason"], "status_reason does not name the gate")
if scenario == "clean":
    expect(not failed, "a check did not pass with clean planted values")
    names = {c["check"] for c in checks}
    for want in ("gpu_count", "pcie_link", "ecc_mode", "memory_repair", "persistence_mode", "power_limit",
                 "clocks_idle", "nvlink", "driver_version", "vbios_version", "xid_events", "cpu_cores"):
        expect(want in names, f"no {want} check")
if scenario == "cpu":
    names = {c["check"] for c in checks}
    expect(names == {"cpu_cores", "memory", "cpu_governor"}, f"checks {sorted(names)}, expected the CPU ones only")
    expect(not failed, "a CPU check did not pass")
    expect(all(c["host"] == host for c in checks), "a check does not name the host")
print(f"check_health: {scenario}: ok")
