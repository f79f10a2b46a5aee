#!/usr/bin/env python3
"""Writes the golden results files the report tests read (schema capbench.results/1).

The figures are chosen by hand so that the tests can state the expected capacity as
arithmetic (tests/reports/capacity/capacity_test.cpp). Re-run after changing a figure:
    python3 tests/data/results/generate.py
Each metric's samples are spread +-1 % around the chosen median, so the stored median is
exactly the chosen figure.
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
T = 1e12
G = 1e9


def stats(samples):
    s = sorted(samples)
    n = len(s)

    def pct(p):
        pos = p / 100 * (n - 1)
        lo = int(pos)
        hi = min(lo + 1, n - 1)
        return s[lo] + (s[hi] - s[lo]) * (pos - lo)

    med = pct(50)
    mean = sum(s) / n
    var = sum((x - mean) ** 2 for x in s) / (n - 1) if n > 1 else 0.0
    dev = sorted(abs(x - med) for x in s)
    mad = dev[n // 2] if n % 2 else (dev[n // 2 - 1] + dev[n // 2]) / 2
    return {"n": n, "median": med, "mean": mean, "stddev": var ** 0.5, "min": s[0], "max": s[-1], "mad": mad,
            "p05": pct(5), "p95": pct(95)}


def metric(name, unit, median, labels=None):
    samples = [median * f for f in (0.99, 0.995, 1.0, 1.005, 1.01)]
    return {"name": name, "unit": unit, "labels": labels or {}, "samples": samples, "stats": stats(samples)}


def rank_result(rank, metrics, verification="passed", status="ok", error="", detail="", info=None):
    return {"rank": rank, "status": status, "error": error,
            "verification": {"status": verification, "method": "freivalds-fp64", "detail": detail,
                             "max_error": 0.0, "tolerance": 1e-9, "mismatches": 0},
            "metrics": metrics, "info": info or {}, "wall_s": 1.0}


def identity(rank, host, node, local, name, device_id, bus, serial, details=None):
    return {"rank": rank, "local_rank": local, "node_index": node, "host": host,
            "device": {"kind": "cuda", "name": name, "pci_bus_id": bus, "pci_device_id": device_id,
                       "uuid": f"GPU-{rank:08x}-0000-0000-0000-000000000000", "serial": serial,
                       "details": details or {}}}


def gemm_case(index, precision, shape, per_rank, failed=(), telemetry=None, skipped=None, fast_accumulation=False):
    m, n, k = shape
    ranks = []
    for r, reason in (skipped or {}).items():
        ranks.append(rank_result(r, [], verification="not_run", status="skipped", error=reason))
    for r, tflops in per_rank.items():
        info = {"batch": 4, "ops_per_gemm": 2.0 * m * n * k}
        if telemetry is not None:
            info["telemetry"] = {"available": True, "source": "nvml", "samples": 20, "interval_s": 0.1,
                             "throttled_fraction": telemetry.get(r, 0.0)}
        unit = "OP/s" if precision == "int8" else "FLOP/s"
        ranks.append(rank_result(r, [metric("throughput", unit, tflops * T)],
                                 verification="failed" if r in failed else "passed",
                                 detail="row 17: |Cx - A(Bx)| = 3.1e+02 > tolerance 4.2e-03" if r in failed else "",
                                 info=info))
    ranks.sort(key=lambda x: x["rank"])
    status = "failed" if failed else ("skipped" if not per_rank else "passed")
    params = {"precision": precision, "m": m, "n": n, "k": k, "batch": 0, "algorithms": 8,
              "duration_s": 0.0, "window_s": 1.0}
    family = precision
    if fast_accumulation:
        params["fast_accumulation"] = True
        family += "_fast_accum"
    return {"index": index, "id": f"gemm/{family}/{m}x{n}x{k}", "benchmark": "gemm",
            "params": params,
            "warmup": 5, "iterations": 5, "timeout_s": 600, "started_at": "2026-11-20T01:00:00Z",
            "finished_at": "2026-11-20T01:01:00Z", "wall_s": 60.0, "status": status, "ranks": ranks}


def stream_case(index, per_rank_tbs, telemetry=None):
    ranks = []
    for r, tbs in per_rank_tbs.items():
        info = {"elements": 1 << 28}
        if telemetry is not None:
            info["telemetry"] = {"available": True, "source": "nvml", "samples": 20, "interval_s": 0.1,
                             "throttled_fraction": telemetry.get(r, 0.0)}
        ranks.append(rank_result(r, [metric("triad_bandwidth", "B/s", tbs * T)], info=info))
    return {"index": index, "id": "stream/fp64", "benchmark": "stream",
            "params": {"precision": "fp64", "elements": "auto", "llc_multiple": 4.0},
            "warmup": 2, "iterations": 5, "timeout_s": 600, "started_at": "2026-11-20T01:05:00Z",
            "finished_at": "2026-11-20T01:05:30Z", "wall_s": 30.0, "status": "passed", "ranks": ranks}


def allreduce_case(index, sizes_gbs, ranks_):
    ranks = []
    for r in ranks_:
        metrics = []
        for size, gbs in sizes_gbs.items():
            labels = {"size_bytes": size}
            bw = gbs(r) * G
            factor = 2 * (len(ranks_) - 1) / len(ranks_)
            # Bandwidths derived from each timed sample, as the benchmark forms them: a reader
            # checks that algbw x time is the message size.
            algbw = metric("algbw", "B/s", bw / factor, labels)
            times = [size / x for x in algbw["samples"]]
            metrics.append({"name": "time", "unit": "s", "labels": labels, "samples": times, "stats": stats(times)})
            metrics.append(algbw)
            busbw = [x * factor for x in algbw["samples"]]
            metrics.append({"name": "busbw", "unit": "B/s", "labels": labels, "samples": busbw, "stats": stats(busbw)})
        ranks.append(rank_result(r, metrics, info={"bus_factor": 2 * (len(ranks_) - 1) / len(ranks_)}))
    return {"index": index, "id": "collective/all_reduce/fp32/out_of_place", "benchmark": "collective",
            "params": {"operation": "all_reduce", "dtype": "fp32", "sizes": list(sizes_gbs), "in_place": False,
                       "batch": 1},
            "warmup": 2, "iterations": 5, "timeout_s": 600, "started_at": "2026-11-20T01:10:00Z",
            "finished_at": "2026-11-20T01:11:00Z", "wall_s": 60.0, "status": "passed", "ranks": ranks}


def results(run_id, ranks, cases, nnodes):
    return {"schema": "capbench.results/1",
            "run": {"id": run_id, "started_at": "2026-11-20T01:00:00Z", "finished_at": "2026-11-20T01:12:00Z",
                    "status": "complete", "status_reason": "",
                    "tool": {"name": "capbench", "version": "0.1.0", "git_commit": "0123456789abcdef"},
                    "command_line": ["capbench", "run", "--suite", "acceptance.json"], "backend": "cuda",
                    "nranks": len(ranks), "nnodes": nnodes, "mpi_library": "Open MPI v4.1.4", "environment": {}},
            "suite": {"name": "acceptance", "path": "configs/suites/acceptance.json",
                      "sha256": "5" * 64, "content": {}},
            "ranks": ranks, "cases": [dict(c, index=i) for i, c in enumerate(cases)]}


def write(name, doc):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


H100 = ("NVIDIA H100 80GB HBM3", "0x2330")
A100 = ("NVIDIA A100-SXM4-80GB", "0x20B2")

# (a) One H100, cuda backend. No telemetry: the telemetry criterion cannot be evaluated.
one = [identity(0, "gpu-solo", 0, 0, *H100, "00000000:19:00.0", "1650923000001")]
write("one-h100.json", results("20261120T010000Z-one", one, [
    gemm_case(0, "fp64", (8192, 8192, 8192), {0: 60.0}),
    gemm_case(0, "bf16", (8192, 8192, 8192), {0: 800.0}),
    stream_case(0, {0: 2.95}),
], 1))

# (b) Mixed fleet: 4 H100 on gpu-node-01 (ranks 0-3), 4 A100 on gpu-node-02 (ranks 4-7).
# Rank 2 (H100, bus 0000:3B:00.0) is slow in FP64; rank 5 (A100, bus 0000:4F:00.0) fails
# the BF16 verification.
hosts = [("gpu-node-01", H100, ["00000000:18:00.0", "00000000:2A:00.0", "00000000:3B:00.0", "00000000:4D:00.0"]),
         ("gpu-node-02", A100, ["00000000:07:00.0", "00000000:4F:00.0", "00000000:87:00.0", "00000000:BD:00.0"])]
mixed = []
for node, (host, model, buses) in enumerate(hosts):
    for local, bus in enumerate(buses):
        r = node * 4 + local
        mixed.append(identity(r, host, node, local, *model, bus, f"16509230{r:05d}"))
throttle = {r: 0.01 for r in range(8)}
write("mixed-fleet.json", results("20261120T010000Z-mixed", mixed, [
    gemm_case(0, "fp64", (8192, 8192, 8192),
              {0: 55.0, 1: 54.0, 2: 40.0, 3: 56.0, 4: 18.0, 5: 18.2, 6: 17.8, 7: 18.4}, telemetry=throttle),
    gemm_case(0, "fp64", (4096, 4096, 4096),
              {0: 52.0, 1: 54.5, 2: 39.0, 3: 53.0, 4: 17.5, 5: 18.5, 6: 17.0, 7: 18.0}, telemetry=throttle),
    gemm_case(0, "bf16", (8192, 8192, 8192),
              {0: 780.0, 1: 790.0, 2: 770.0, 3: 785.0, 4: 262.0, 5: 300.0, 6: 268.0, 7: 270.0}, failed=(5,),
              telemetry=throttle),
    stream_case(0, {0: 2.95, 1: 2.97, 2: 2.96, 3: 2.98, 4: 1.80, 5: 1.82, 6: 1.81, 7: 1.83}, telemetry=throttle),
    allreduce_case(0, {64 << 20: lambda r: 150.0 - r, 256 << 20: lambda r: 180.0 - r, 1 << 30: lambda r: 190.0 - r},
                   range(8)),
], 2))

# (c) No FP64 at all (the target's precision): two H100 matched by name only (no device id)
# and one GPU the database does not know, which is still measured ("peak unknown").
no_fp64 = [identity(0, "gpu-lab", 0, 0, "NVIDIA H100 80GB HBM3", "", "00000000:18:00.0", "S-A"),
           identity(1, "gpu-lab", 0, 1, "NVIDIA H100 80GB HBM3", "", "00000000:2A:00.0", "S-B"),
           identity(2, "gpu-lab", 0, 2, "NVIDIA Future GPU X", "0xffff", "00000000:3B:00.0", "S-C")]
write("no-target-precision.json", results("20261120T010000Z-nofp64", no_fp64, [
    gemm_case(0, "bf16", (8192, 8192, 8192), {0: 795.0, 1: 785.0, 2: 1500.0}),
    gemm_case(0, "fp32", (8192, 8192, 8192), {0: 50.0, 1: 51.0, 2: 90.0}),
], 1))

# (d) Like (a) with a hostile hostname: the report must show it as text.
xss = [identity(0, "<script>alert(1)</script>", 0, 0, *H100, "00000000:19:00.0", "<b>serial</b>")]
write("hostile-hostname.json", results("20261120T010000Z-xss", xss, [
    gemm_case(0, "fp64", (8192, 8192, 8192), {0: 60.0}),
], 1))

# (e) The centre's three CUDA models in one job: 2 T4 (gpu-t4-01), 2 A100 (gpu-a100-01),
# 2 H100 (gpu-h100-01). Each rank skips what its model's units cannot do, with the reason
# bench/cuda/gemm_rules.cpp gives (tests/bench/cuda/cuda_logic_test.cpp checks that these
# skips are exactly what the rules decide for each rank's compute capability); FP8 also runs
# with fast accumulation, a family of its own.
T4 = ("Tesla T4", "0x1EB8")
CC = {"Tesla T4": (7, 5), "NVIDIA A100-SXM4-80GB": (8, 0), "NVIDIA H100 80GB HBM3": (9, 0)}
NEEDS = {"fp64": (60, "cuBLASLt's minimum"), "fp32": (60, "cuBLASLt's minimum"), "fp16": (70, "tensor cores"),
         "int8": (75, "INT8 tensor cores (IMMA)"), "tf32": (80, "Ampere tensor cores"),
         "bf16": (80, "Ampere tensor cores"), "fp8_e4m3": (89, "FP8 tensor cores, Ada or Hopper")}
three = []
for node, (host, model, serial) in enumerate([("gpu-t4-01", T4, "T4"), ("gpu-a100-01", A100, "A1"),
                                               ("gpu-h100-01", H100, "H1")]):
    major, minor = CC[model[0]]
    for local in range(2):
        r = node * 2 + local
        three.append(identity(r, host, node, local, *model, f"00000000:{0x18 + local:02X}:00.0", f"{serial}-{local}",
                              {"compute_capability": f"{major}.{minor}"}))
typical = {"fp64": {"Tesla T4": 0.24, "NVIDIA A100-SXM4-80GB": 18.5, "NVIDIA H100 80GB HBM3": 55.0},
           "fp32": {"Tesla T4": 7.2, "NVIDIA A100-SXM4-80GB": 18.9, "NVIDIA H100 80GB HBM3": 50.0},
           "tf32": {"NVIDIA A100-SXM4-80GB": 140.0, "NVIDIA H100 80GB HBM3": 380.0},
           "fp16": {"Tesla T4": 40.0, "NVIDIA A100-SXM4-80GB": 270.0, "NVIDIA H100 80GB HBM3": 760.0},
           "bf16": {"NVIDIA A100-SXM4-80GB": 265.0, "NVIDIA H100 80GB HBM3": 750.0},
           "fp8_e4m3": {"NVIDIA H100 80GB HBM3": 1250.0},
           "int8": {"Tesla T4": 90.0, "NVIDIA A100-SXM4-80GB": 520.0, "NVIDIA H100 80GB HBM3": 1280.0}}


def fleet_case(precision, fast_accumulation=False):
    per_rank, skipped = {}, {}
    for ident in three:
        name = ident["device"]["name"]
        major, minor = CC[name]
        need, what = NEEDS[precision]
        if major * 10 + minor >= need:
            scale = 1.3 if fast_accumulation else 1.0
            per_rank[ident["rank"]] = typical[precision][name] * scale * (1 + 0.01 * ident["local_rank"])
        else:
            skipped[ident["rank"]] = (f"{precision} needs compute capability {need // 10}.{need % 10} or newer ({what}); "
                                      f"this GPU is {major}.{minor}")
    return gemm_case(0, precision, (8192, 8192, 8192), per_rank, skipped=skipped, fast_accumulation=fast_accumulation)


write("three-models.json", results("20261120T010000Z-three", three,
                                   [fleet_case(p) for p in NEEDS] + [fleet_case("fp8_e4m3", True)], 3))
