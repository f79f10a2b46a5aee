#!/usr/bin/env python3
"""Independent reference for capbench's GPU figures, and the issue-4 verdict table.

Two jobs, each usable alone:

  measure  PyTorch GEMM throughput per precision and shape, and a device-to-device copy, on the
           visible GPU; writes JSON. Needs torch with CUDA.
  compare  reads a capbench results file (and optionally the reference JSON, and a second
           capbench run of the GEMMs made after the reference) and prints a table of capbench's
           figure, the reference's and their ratio, then the issues' targets as PASS/FAIL
           lines; writes the same as Markdown. Needs only the standard library, so it can be
           exercised on a machine without torch or a GPU.

  h200_reference.py measure --out reference.json
  h200_reference.py compare --results capbench.json [--reference reference.json]
                            [--results-after capbench-gemm-after.json] [--md table.md]
  h200_reference.py all --results capbench.json --out reference.json --md table.md
  h200_reference.py shared-gpu --results two-ranks-one-gpu.json

Both sides count the same things: GEMM FLOPs are 2*m*n*k per product (capbench: gemm_benchmark,
one sample = one timed batch of back-to-back GEMMs); copy bandwidth counts bytes read plus bytes
written, 2 x buffer bytes per copy (capbench: bench/cuda/device_copy.cpp, info.bytes_counted).
Bandwidths are in 10^9 B/s (GB/s) and 10^12 B/s (TB/s); rates in 10^12 FLOP/s (TF).
"""

import argparse
import json
import math
import statistics
import sys
import time

# The shapes and precisions capbench's h200-validation suite runs; the reference times the
# same ones where PyTorch has the precision.
GEMM_SHAPES = {
    "fp64": [(8192, 8192, 8192)],
    "fp32": [(8192, 8192, 8192)],
    "tf32": [(8192, 8192, 8192)],
    "fp16": [(8192, 8192, 8192)],
    "bf16": [(8192, 8192, 8192), (16384, 16384, 16384)],
    "fp8_e4m3": [(8192, 8192, 8192), (16384, 16384, 16384)],
}
ALL_GEMM_PRECISIONS = ["fp64", "fp32", "tf32", "fp16", "bf16", "fp8_e4m3", "int8"]
COPY_BYTES = 4 << 30
SAMPLE_TARGET_S = 0.02  # one timed batch lasts about this long, as in capbench
# As capbench's h200-validation suite: the clock settles under the power cap within ~0.5 s.
WARMUP_BATCHES = 25
TIMED_BATCHES = 100

# Issue 4 targets.
BF16_TARGET = 750e12
FP8_TARGET = 1250e12
FP64_TARGET = 50e12
TRIAD_TARGET = 4.0e12
WITHIN = 0.03  # capbench within 3 % of the reference, or ahead
# Issue 21 goals: capbench's GEMM at least PyTorch's at every shape compared (the median of the
# capbench runs before and after the reference); HBM triad at what BabelStream-class tools
# report on this card.
GEMM_GOAL = 1.00
TRIAD_GOAL = 4.2e12


# --------------------------------------------------------------------------- measure (torch)

def _median_seconds_per_op(torch, run_once, warmup=WARMUP_BATCHES, iterations=TIMED_BATCHES):
    """Times batches of run_once with CUDA events; returns (median s per op, reps, samples)."""
    for _ in range(2):  # first call: library handles, kernel choice
        run_once()
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    run_once()
    stop.record()
    stop.synchronize()
    one = max(start.elapsed_time(stop) / 1e3, 1e-6)
    reps = int(min(1000, max(1, math.ceil(SAMPLE_TARGET_S / one))))
    samples = []
    for i in range(warmup + iterations):
        start.record()
        for _ in range(reps):
            run_once()
        stop.record()
        stop.synchronize()
        if i >= warmup:
            samples.append(start.elapsed_time(stop) / 1e3 / reps)
    return statistics.median(samples), reps, samples


def _random(torch, shape, dtype, gen, draw_dtype=None):
    """Uniform in [-1, 1): never zeros or constants (they run faster than real data).

    Drawn in float32 and rounded for the narrower types, as capbench rounds its own draws; FP64
    is drawn with all 53 bits, as capbench's are. FP64 products of inputs rounded from float32
    run about 11 % faster on an H200 (fewer bits toggling, less power at the 700 W cap), so a
    reference drawn that way is not like for like; measure() records that effect separately.
    """
    if draw_dtype is None:
        draw_dtype = torch.float64 if dtype == torch.float64 else torch.float32
    return (torch.rand(shape, device="cuda", dtype=draw_dtype, generator=gen) * 2 - 1).to(dtype)


def _gemm_case(torch, precision, m, n, k, gen):
    """Returns (run_once callable, checker) for one precision, or raises NotImplementedError."""
    dtypes = {"fp64": torch.float64, "fp32": torch.float32, "tf32": torch.float32,
              "fp16": torch.float16, "bf16": torch.bfloat16}
    if precision in dtypes:
        torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
        # capbench accumulates fp16/bf16 in fp32 (CUBLAS_COMPUTE_32F); ask PyTorch for the same.
        torch.backends.cuda.matmul.allow_fp16_reduced_precision_reduction = False
        torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction = False
        dt = dtypes[precision]
        a, b = _random(torch, (m, k), dt, gen), _random(torch, (k, n), dt, gen)
        c = torch.empty((m, n), device="cuda", dtype=dt)

        def run_once():
            torch.matmul(a, b, out=c)
        return run_once, (a, b, c)
    if precision == "fp8_e4m3":
        if not hasattr(torch, "_scaled_mm") or not hasattr(torch, "float8_e4m3fn"):
            raise NotImplementedError("this torch has no torch._scaled_mm / float8_e4m3fn")
        a = _random(torch, (m, k), torch.float32, gen).to(torch.float8_e4m3fn)
        # _scaled_mm wants A row-major and B column-major (the "TN" layout cuBLASLt needs).
        b = _random(torch, (n, k), torch.float32, gen).to(torch.float8_e4m3fn).t()
        one = torch.tensor(1.0, device="cuda", dtype=torch.float32)

        def run_once():
            torch._scaled_mm(a, b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16)
        return run_once, (a, b, None)
    raise NotImplementedError(f"no PyTorch path for {precision} here")


def _check_gemm(torch, precision, operands):
    """Relative error of the product on a 256-row slice against float64: a wrong kernel fails."""
    a, b, c = operands
    if c is None:  # fp8: recompute a slice (float8 converts to float64 through float32)
        one = torch.tensor(1.0, device="cuda", dtype=torch.float32)
        got = torch._scaled_mm(a[:256], b, scale_a=one, scale_b=one, out_dtype=torch.bfloat16).double()
        ref = a[:256].float().double() @ b.float().double()
    else:
        got = c[:256].double()
        ref = a[:256].double() @ b.double()
    err = (torch.linalg.norm(got - ref) / torch.linalg.norm(ref)).item()
    # Output rounding dominates: bf16 keeps 8 bits (~4e-3), fp16 11, tf32 inputs 11.
    limit = {"fp64": 1e-12, "fp32": 1e-4, "tf32": 5e-3, "fp16": 1e-2, "bf16": 2e-2, "fp8_e4m3": 2e-2}[precision]
    return err, limit, bool(err <= limit and math.isfinite(err))


def measure(out_path):
    import torch  # lazy: compare works without it

    if not torch.cuda.is_available():
        print("reference: CUDA is not available to torch; nothing measured", file=sys.stderr)
        return None
    gen = torch.Generator(device="cuda")
    gen.manual_seed(20261126)
    props = torch.cuda.get_device_properties(0)
    doc = {"tool": "scripts/h200_reference.py", "torch": torch.__version__, "cuda": torch.version.cuda,
           "device": props.name, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "method": f"CUDA events around batches of about {SAMPLE_TARGET_S * 1e3:.0f} ms, "
                     f"{WARMUP_BATCHES} warm-up + {TIMED_BATCHES} timed batches, median",
           "gemm": [], "copy": None, "skipped": []}
    for precision, shapes in GEMM_SHAPES.items():
        for m, n, k in shapes:
            key = f"gemm/{precision}/{m}x{n}x{k}"
            try:
                run_once, operands = _gemm_case(torch, precision, m, n, k, gen)
                run_once()
                torch.cuda.synchronize()
                err, limit, ok = _check_gemm(torch, precision, operands)
                t, reps, samples = _median_seconds_per_op(torch, run_once)
            except (NotImplementedError, RuntimeError, TypeError) as e:
                reason = f"{key}: skipped: {e}"
                print(reason, flush=True)
                doc["skipped"].append(reason)
                continue
            finally:
                torch.backends.cuda.matmul.allow_tf32 = False
                torch.cuda.empty_cache()
            flops = 2.0 * m * n * k / t
            doc["gemm"].append({"id": key, "precision": precision, "m": m, "n": n, "k": k,
                                "flops_median": flops, "seconds_per_gemm_median": t, "gemms_per_batch": reps,
                                "samples_s": samples, "rel_error": err, "rel_error_limit": limit, "verified": ok})
            print(f"{key}: {flops / 1e12:.1f} TF (rel. error {err:.2e}, {'ok' if ok else 'WRONG'})", flush=True)
            del run_once, operands
            torch.cuda.empty_cache()

    # Not compared with capbench: how much FP64 throughput depends on the inputs' bits.
    doc["input_sensitivity"] = []
    for label, draw in (("53-bit random mantissas", torch.float64), ("inputs rounded from float32", torch.float32)):
        m = n = k = 8192
        a = _random(torch, (m, k), torch.float64, gen, draw)
        b = _random(torch, (k, n), torch.float64, gen, draw)
        c = torch.empty((m, n), device="cuda", dtype=torch.float64)
        t, reps, samples = _median_seconds_per_op(torch, lambda: torch.matmul(a, b, out=c))
        doc["input_sensitivity"].append({"id": f"gemm/fp64/{m}x{n}x{k}", "inputs": label,
                                         "flops_median": 2.0 * m * n * k / t, "samples_s": samples})
        print(f"fp64 {m}^3 with {label}: {2.0 * m * n * k / t / 1e12:.1f} TF", flush=True)
        del a, b, c
        torch.cuda.empty_cache()

    src = torch.randint(0, 255, (COPY_BYTES,), dtype=torch.uint8, device="cuda", generator=gen)
    dst = torch.empty_like(src)
    t, reps, samples = _median_seconds_per_op(torch, lambda: dst.copy_(src))
    copied_ok = bool(torch.equal(dst, src))
    doc["copy"] = {"bytes": COPY_BYTES, "bytes_counted": "read + written = 2 x bytes per copy",
                   "bandwidth_median": 2.0 * COPY_BYTES / t, "seconds_per_copy_median": t,
                   "copies_per_batch": reps, "verified": copied_ok}
    print(f"copy {COPY_BYTES} B: {2.0 * COPY_BYTES / t / 1e9:.0f} GB/s (read + written)", flush=True)
    del src, dst
    torch.cuda.empty_cache()
    with open(out_path, "w") as f:
        json.dump(doc, f, indent=2)
    return doc


# --------------------------------------------------------------------------- compare (stdlib)

def _ok_rank(case):
    ranks = case.get("ranks") or []
    return ranks[0] if ranks and ranks[0].get("status") == "ok" else None


def _metric(rank, name, labels=None):
    for m in rank.get("metrics", []):
        if m.get("name") == name and (labels is None or m.get("labels", {}) == labels):
            return m["stats"]["median"]
    return None


def _verified(case):
    r = _ok_rank(case)
    return (case.get("status") == "passed" and r is not None
            and r.get("verification", {}).get("status") == "passed")


def _fmt(x, scale, digits=1):
    return "—" if x is None else f"{x / scale:,.{digits}f}"


def compare(results, reference, after=None):
    """Returns (rows, verdicts): rows for the figures table, verdicts as (PASS/FAIL, text).

    after: a second capbench results file whose GEMM cases ran after the reference, or None."""
    cases = results.get("cases", [])
    ref_gemm = {g["id"]: g for g in (reference or {}).get("gemm", [])}
    ref_copy = (reference or {}).get("copy")
    rows, verdicts = [], []

    def verdict(ok, text):
        verdicts.append(("PASS" if ok else "FAIL", text))

    # GEMM: every shape capbench ran (the sustained case has its own name prefix). Where a
    # second capbench run of the GEMMs came after the reference, each shape's ratio is the
    # median of the two runs' ratios, so neither tool has the cooler card to itself.
    gemm = [c for c in cases if c.get("benchmark") == "gemm" and c.get("id", "").startswith("gemm/")]
    again = {c["id"]: c for c in (after or {}).get("cases", []) if c.get("benchmark") == "gemm"}
    best = {}
    behind, short, compared, interleaved = [], [], 0, 0
    for c in gemm:
        precision = c["id"].split("/")[1]
        r = _ok_rank(c)
        cap = _metric(r, "throughput") if r else None
        ref = ref_gemm.get(c["id"])
        ref_v = ref["flops_median"] if ref and ref.get("verified") else None
        caps = [cap] if cap and _verified(c) else []
        second = again.get(c["id"])
        if caps and second and _verified(second):
            caps.append(_metric(_ok_rank(second), "throughput"))
        ratios = sorted(x / ref_v for x in caps if x) if ref_v else []
        ratio = statistics.median(ratios) if ratios else None
        note = ""
        if ratio is not None:
            compared += 1
            if len(ratios) > 1:
                interleaved += 1
                note = f"; capbench before and after the reference: ratios {ratios[0]:.3f}–{ratios[-1]:.3f}"
            if ratio < 1 - WITHIN:
                behind.append(f"{c['id']} {ratio:.3f}")
            if ratio < GEMM_GOAL:
                short.append(f"{c['id']} {ratio:.3f}")
        unit = "TOP/s" if precision == "int8" else "TFLOP/s"
        rows.append((c["id"], unit, _fmt(cap, 1e12), _fmt(ref_v, 1e12), "—" if ratio is None else f"{ratio:.3f}",
                     c.get("status", "?") + ("" if _verified(c) else " (not verified)") + note))
        if cap and _verified(c):
            best[precision] = max(best.get(precision, 0.0), cap)

    for c in cases:
        if c.get("id", "").startswith("sustained/"):
            r = _ok_rank(c)
            m = next((m for m in (r or {}).get("metrics", []) if m.get("name") == "throughput"), None)
            if m:
                s = m.get("samples", [])
                rows.append((c["id"], "TFLOP/s", _fmt(m["stats"]["median"], 1e12), "—", "—",
                             f"{c.get('status')}; windows min {_fmt(min(s), 1e12)} max {_fmt(max(s), 1e12)}"
                             if s else c.get("status", "?")))

    for x in (reference or {}).get("input_sensitivity", []):
        rows.append((f"{x['id']} (PyTorch only)", "TFLOP/s", "—", _fmt(x["flops_median"], 1e12), "—",
                     f"not compared: {x['inputs']}"))

    missing = [p for p in ALL_GEMM_PRECISIONS
               if not any(c["id"].split("/")[1] == p and _verified(c) for c in gemm)]
    verdict(not missing, "every GEMM precision ran and verified"
            + (f" (missing or unverified: {', '.join(missing)})" if missing else f" ({len(ALL_GEMM_PRECISIONS)})"))
    verdict(best.get("bf16", 0) >= BF16_TARGET,
            f"BF16 >= {BF16_TARGET / 1e12:.0f} TF at the best shape: {_fmt(best.get('bf16'), 1e12)} TF")
    verdict(best.get("fp8_e4m3", 0) >= FP8_TARGET,
            f"FP8 >= {FP8_TARGET / 1e12:,.0f} TF at the best shape: {_fmt(best.get('fp8_e4m3'), 1e12)} TF")
    verdict(best.get("fp64", 0) >= FP64_TARGET,
            f"FP64 >= {FP64_TARGET / 1e12:.0f} TF at the best shape: {_fmt(best.get('fp64'), 1e12)} TF")
    verdict(compared > 0 and not behind,
            f"capbench GEMM within {WITHIN:.0%} of PyTorch or ahead at every shape compared ({compared} compared"
            + (f"; behind: {', '.join(behind)})" if behind else ")"))
    verdict(compared > 0 and not short,
            f"capbench GEMM >= {GEMM_GOAL:.2f} x PyTorch at every shape compared (issue 21; {compared} compared, "
            f"{interleaved} with capbench before and after the reference"
            + (f"; short: {', '.join(short)})" if short else ")"))

    # Memory.
    triads = []
    for c in cases:
        if c.get("benchmark") == "stream" and _verified(c):
            r = _ok_rank(c)
            for name in ("triad_bandwidth", "copy_bandwidth"):
                v = _metric(r, name)
                rows.append((f"{c['id']} {name.split('_')[0]}", "GB/s", _fmt(v, 1e9, 0), "—", "—", c["status"]))
            triads.append((_metric(r, "triad_bandwidth") or 0.0, c["id"]))
    best_triad = max(triads) if triads else (0.0, "no verified stream case")
    verdict(best_triad[0] >= TRIAD_TARGET,
            f"HBM triad >= {TRIAD_TARGET / 1e12:.1f} TB/s: {best_triad[0] / 1e12:.2f} TB/s ({best_triad[1]})")
    verdict(best_triad[0] >= TRIAD_GOAL,
            f"HBM triad >= {TRIAD_GOAL / 1e12:.1f} TB/s (issue 21): {best_triad[0] / 1e12:.2f} TB/s ({best_triad[1]})")

    copy_case = next((c for c in cases if c.get("id") == "device_copy"), None)
    cap_copy = _metric(_ok_rank(copy_case), "copy_bandwidth") if copy_case and _ok_rank(copy_case) else None
    ref_copy_v = ref_copy["bandwidth_median"] if ref_copy and ref_copy.get("verified") else None
    copy_ratio = cap_copy / ref_copy_v if cap_copy and ref_copy_v else None
    rows.append(("device_copy (read + written)", "GB/s", _fmt(cap_copy, 1e9, 0), _fmt(ref_copy_v, 1e9, 0),
                 "—" if copy_ratio is None else f"{copy_ratio:.3f}", copy_case.get("status", "?") if copy_case else "absent"))
    verdict(copy_ratio is not None and copy_ratio >= 1 - WITHIN and _verified(copy_case),
            f"capbench device copy within {WITHIN:.0%} of torch copy_ or ahead: ratio "
            f"{'—' if copy_ratio is None else f'{copy_ratio:.3f}'} "
            "(both count read + written = 2 x 4 GiB per copy)")

    # Host link.
    link_ok = True
    for direction in ("h2d", "d2h", "bidir"):
        c = next((c for c in cases if c.get("id") == f"host_device/{direction}/pinned"), None)
        v = _metric(_ok_rank(c), f"{direction}_bandwidth") if c and _ok_rank(c) else None
        rows.append((f"host_device/{direction}/pinned", "GB/s", _fmt(v, 1e9), "—", "—", c.get("status", "?") if c else "absent"))
        if direction != "bidir":
            link_ok &= v is not None and _verified(c)
    verdict(link_ok, "H2D and D2H pinned bandwidth recorded and verified")

    p2p = next((c for c in cases if c.get("id") == "p2p"), None)
    if p2p:
        r = (p2p.get("ranks") or [{}])[0]
        rows.append(("p2p", "GB/s", _fmt(_metric(r, "p2p_bandwidth"), 1e9) if r.get("status") == "ok" else "—",
                     "—", "—", p2p.get("status", "?") + (f": {r.get('error')}" if r.get("error") else "")))

    # Collectives: on one rank NCCL still runs every operation; each case checks its output.
    coll = [c for c in cases if c.get("benchmark") == "collective"]
    backend = results.get("run", {}).get("backend")
    # A case the plan itself skips (alltoall has no in-place form) is not a failure to run.
    ran = [c for c in coll if c.get("status") != "skipped"]
    coll_ok = bool(ran) and all(_verified(c) for c in ran) and backend == "cuda"
    for c in coll:
        r = _ok_rank(c)
        # Schema 2 keeps a collective's figures once, in the case (the slowest rank per
        # iteration); schema 1 kept them per rank.
        if r and c.get("metrics"):
            r = {"metrics": c["metrics"]}
        sizes = [m["labels"].get("size_bytes", 0) for m in (r or {}).get("metrics", []) if m.get("name") == "busbw"]
        top = max(sizes) if sizes else None
        note = ""
        if results.get("run", {}).get("nranks") == 1 and c["id"].endswith("/in_place") and c.get("status") == "passed":
            note = "; one rank in place: nothing moves, the time is the call's"
        rows.append((c["id"], "algbw GB/s @max", _fmt(_metric(r, "algbw", {"size_bytes": top}) if r and top else None, 1e9),
                     "—", "—", c.get("status", "?") + note))
    verdict(coll_ok, f"NCCL one-rank collectives ran and verified ({len(ran)} of {len(coll)} cases ran, backend {backend})")
    return rows, verdicts


def check_shared_gpu(results):
    """Two ranks launched on one GPU: the expected outcome, as (ok, lines).

    NCCL refuses a communicator with two ranks on one GPU, so every collective case must fail,
    each failing rank named by host and GPU bus id, while every other case still passes.
    """
    ranks = results.get("ranks", [])
    lines, ok = [], True
    if len(ranks) != 2 or len({(r.get("host"), r.get("device", {}).get("pci_bus_id")) for r in ranks}) != 1:
        return False, ["expected two ranks on one host and one GPU"]
    host, bus = ranks[0].get("host"), ranks[0].get("device", {}).get("pci_bus_id")
    for c in results.get("cases", []):
        status = c.get("status")
        if status == "skipped":
            continue
        if c.get("benchmark") == "collective":
            named = all(r.get("status") == "failed" and host in (r.get("error") or "")
                        and bus.lower() in (r.get("error") or "").lower() for r in c.get("ranks", []))
            good = status == "failed" and named and len(c.get("ranks", [])) == 2
        else:
            good = status == "passed"
        ok &= good
        lines.append(f"{'ok ' if good else 'BAD'} {c.get('id')}: {status}")
    return ok, lines


def render(results, reference, rows, verdicts, markdown):
    head = ("case", "unit", "capbench", "reference", "ratio", "status")
    dev = (results.get("ranks") or [{}])[0].get("device", {}).get("name", "?")
    title = (f"capbench run {results.get('run', {}).get('id', '?')} on {dev}; "
             f"reference: {(reference or {}).get('tool', 'none')} torch {(reference or {}).get('torch', '—')}")
    if markdown:
        out = [f"# H200 validation: capbench against PyTorch", "", title, "",
               "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        out += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
        out += ["", "## Targets (issues 4 and 21)", ""] + [f"- **{v}** {t}" for v, t in verdicts]
        for s in (reference or {}).get("skipped", []):
            out.append(f"- reference {s}")
        return "\n".join(out) + "\n"
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    line = lambda r: "  ".join(str(x).ljust(w) for x, w in zip(r, widths)).rstrip()
    out = [title, line(head), line(["-" * w for w in widths])] + [line(r) for r in rows] + [""]
    out += [f"{v}  {t}" for v, t in verdicts]
    return "\n".join(out) + "\n"


def _read_results(path):
    """A capbench results file; ValueError (naming the file) for anything else."""
    try:
        with open(path) as f:
            results = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path}: not JSON: {e}") from e
    except OSError as e:
        raise OSError(f"{path}: {e.strerror or e}") from e
    if not isinstance(results, dict) or results.get("schema") not in ("capbench.results/2", "capbench.results/1"):
        schema = results.get("schema") if isinstance(results, dict) else None
        raise ValueError(f"{path}: schema is {schema!r}, expected 'capbench.results/2' or '/1'")
    return results


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=["measure", "compare", "all", "shared-gpu"])
    p.add_argument("--results", help="capbench results file (compare, all)")
    p.add_argument("--reference", help="reference JSON to read (compare)")
    p.add_argument("--results-after", help="capbench results of the GEMMs run again after the reference (compare)")
    p.add_argument("--out", default="reference.json", help="reference JSON to write (measure, all)")
    p.add_argument("--md", help="write the comparison as Markdown here")
    a = p.parse_args(argv)

    reference = None
    if a.mode in ("measure", "all"):
        try:
            reference = measure(a.out)
        except ImportError as e:
            print(f"reference: torch is not importable ({e}); comparing without it", file=sys.stderr)
        if a.mode == "measure":
            return 0 if reference else 1
    elif a.reference:
        with open(a.reference) as f:
            reference = json.load(f)
    if not a.results:
        p.error("--results is required for compare and all")
    try:
        results = _read_results(a.results)
        after = _read_results(a.results_after) if a.results_after else None
    except (OSError, ValueError) as e:
        print(e, file=sys.stderr)
        return 2
    if a.mode == "shared-gpu":
        ok, lines = check_shared_gpu(results)
        print("\n".join(lines))
        print("PASS" if ok else "FAIL", " two ranks on one GPU: collectives fail naming host and GPU, the rest pass")
        return 0 if ok else 1
    rows, verdicts = compare(results, reference, after)
    if a.md:
        with open(a.md, "w") as f:
            f.write(render(results, reference, rows, verdicts, markdown=True))
    sys.stdout.write(render(results, reference, rows, verdicts, markdown=False))
    return 0 if all(v == "PASS" for v, _ in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
