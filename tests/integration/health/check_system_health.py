#!/usr/bin/env python3
"""Asserts on the health records of tests/integration/health_system_run.sh.
Usage: check_system_health.py WORKDIR HOST SYSTEM_FILE CORES"""
import json
import sys

work, host, system_file, cores = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])


def fail(what, r=None):
    print(f"check_system_health: {what}", file=sys.stderr)
    if r:
        for c in r["health"]["checks"]:
            if c["status"] != "pass":
                print(f"  not passed: {c}", file=sys.stderr)
    sys.exit(1)


def load(name):
    return json.load(open(f"{work}/{name}.json"))


def check(r, name, host_=host, gpu=""):
    found = [c for c in r["health"]["checks"] if c["check"] == name and c["host"] == host_ and c["gpu"] == gpu]
    if len(found) != 1:
        fail(f"{len(found)} {name} checks on {host_} {gpu}", r)
    return found[0]


def basis(r, quantity):
    found = [e for e in r["health"].get("expectations", []) if e["host"] == host and e["quantity"] == quantity]
    if len(found) != 1:
        fail(f"{len(found)} expectations of {quantity} on {host}", r)
    return found[0]


for name in ("short", "short_stopped"):
    r = load(name)
    c = check(r, "gpu_count")
    if c["status"] != "fail" or c["value"] != "1 of 2 GPUs":
        fail(f"{name}: gpu_count on {host} is {c}", r)
    if f"{system_file}: inventory[0] (h100-sxm5-80gb) per_node.gpus" not in c["expected"]:
        fail(f"{name}: gpu_count's expectation does not name the file's key: {c['expected']}", r)
    e = basis(r, "gpus_per_node")
    if e["value"] != "2" or not e["basis"].startswith(system_file):
        fail(f"{name}: expectation {e}", r)
    if r["health"]["system"]["file"] != system_file or len(r["health"]["system"]["sha256"]) != 64:
        fail(f"{name}: health.system is {r['health'].get('system')}", r)
    model = check(r, "gpu_model", gpu="GPU 0 (0000:18:00.0)")
    if model["status"] != "pass":
        fail(f"{name}: the H100 is not the inventory's model: {model}", r)
    # The cores and memory: the file states none, so most nodes of the job are the basis.
    if basis(r, "cpu_cores")["basis"] != "most nodes of the job":
        fail(f"{name}: cpu_cores basis {basis(r, 'cpu_cores')}", r)
short = load("short")
if len(short["cases"]) != 2 or short["run"]["status"] != "complete":
    fail("short: the recording gate did not measure every case", short)
stopped = load("short_stopped")
if stopped["cases"] != [] or not stopped["health"]["stopped"] or stopped["run"]["status"] != "incomplete":
    fail("short_stopped: cases were measured past a failed gate", stopped)

r = load("cpu_system")
if any(c["status"] != "pass" for c in r["health"]["checks"]):
    fail("cpu_system: a check did not pass", r)
if {c["check"] for c in r["health"]["checks"]} != {"cpu_cores", "memory", "cpu_governor"}:
    fail("cpu_system: not the CPU checks only", r)
if not basis(r, "cpu_cores")["basis"].endswith("cpu_nodes.cpu_cores") or basis(r, "cpu_cores")["value"] != str(cores):
    fail(f"cpu_system: cores basis {basis(r, 'cpu_cores')}", r)
if not basis(r, "memory_gib_min")["basis"].endswith("cpu_nodes.memory_gib, less 2 %"):
    fail(f"cpu_system: memory basis {basis(r, 'memory_gib_min')}", r)
if len(r["cases"]) != 2:
    fail("cpu_system: the passing gate did not measure", r)

r = load("cpu_system_wrong")
c = check(r, "cpu_cores")
if c["status"] != "fail" or not c["expected"].startswith(f"{cores + 1} (") or r["cases"] != []:
    fail(f"cpu_system_wrong: cpu_cores {c}, {len(r['cases'])} cases", r)
print("check_system_health: ok")
