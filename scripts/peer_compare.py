#!/usr/bin/env python3
"""capbench beside the tools a GPU centre would pick instead, measured in the same device call.

Reads a capbench results file and the outputs of three peers run on the same GPU at the same
sizes, and prints capbench's figure over the peer's (>= 1: capbench is as fast or faster):

  BabelStream (CUDA model, --csv)     STREAM copy, mul, add, triad, dot
  nvbandwidth (-j, JSON)              host_to_device_memcpy_ce, device_to_host_memcpy_ce,
                                      device_local_copy
  nccl-tests (*_perf, plain output)   algbw per message size, out of place and in place

  peer_compare.py compare --results capbench.json [--results again.json] --dir PEER_DIR
                          [--md table.md] [--json out.json]

  peer_compare.py paths --results capbench.json [--md paths.md]

  peer_compare.py sizes --results capbench.json

`sizes` prints, as KEY=VALUE lines, the sizes the peers must run at to match that run
(scripts/gpu-peers-run.sh reads them): the STREAM cases' element counts as the ranks resolved
them (a suite may say "auto"), the host-link and device-copy buffers in MiB. A size that cannot
be matched is an error (exit 2), never a default.

`paths` proves this wave's new CUDA paths from the one run of the validation suite: the NVML
health stage (every check printed; run with --health-gate record), the energy of every case's
timed windows (joules, mean watts, work per joule), the cuSOLVER LU case (verified, HPL's
scaled residual) and the NCCL send/recv fabric case (one GPU is one node, and a pair needs two
nodes: it must be skipped with that reason; on two or more nodes it must pass). Exit 1 when
one of those does not hold.

With two results files (capbench before and after the peers, as scripts/validate-h200.sh runs
them), each ratio is the median over the runs, with the range printed beside it.

PEER_DIR holds babelstream-fp64.csv / babelstream-fp32.csv, nvbandwidth.json and
<operation>_perf.txt (all_reduce_perf.txt, ...); a missing file is reported, not guessed.

Like for like (what each side counts):
- BabelStream prints, per kernel, the bandwidth of its fastest iteration (and min/max/average
  time). capbench keeps every iteration. The goal ratio is best over best (both the fastest
  timed iteration); capbench's median over BabelStream's mean-time figure is printed beside it.
  Bytes moved per element: copy 2, mul 2, add 3, triad 3, dot 2, as both tools count.
- nvbandwidth reports the median of its samples (unless -m), in 1e9 B/s, counting the bytes
  copied once; capbench's device_copy counts bytes read plus written (2 x the buffer), so its
  figure is halved before the ratio. H2D and D2H count the bytes transferred on both sides.
- nccl-tests prints algbw (1e9 B/s) of the mean time over its iterations; capbench's job-wide
  algbw is the median over iterations. Sizes are matched exactly; on one GPU busbw is zero by
  definition (factor 2(n-1)/n), so algbw is compared.

Only the standard library: the comparison runs, and is tested, on machines without a GPU
(tests/scripts/peer_compare_test.py on sample outputs written from the tools' documented
formats).
"""

import argparse
import csv
import io
import json
import os
import statistics
import sys

STREAM_KERNELS = {"Copy": ("copy", 2), "Mul": ("mul", 2), "Add": ("add", 3), "Triad": ("triad", 3), "Dot": ("dot", 2)}
NVBANDWIDTH_CASES = {
    "host_to_device_memcpy_ce": ("host_device/h2d/pinned", "h2d_bandwidth", 1.0),
    "device_to_host_memcpy_ce": ("host_device/d2h/pinned", "d2h_bandwidth", 1.0),
    "device_local_copy": ("device_copy", "copy_bandwidth", 0.5),  # capbench counts read + write
}
COLLECTIVES = ["all_reduce", "all_gather", "reduce_scatter", "broadcast", "alltoall"]
# Goals (issue 21): HBM triad at least BabelStream's; every nvbandwidth copy ratio >= 0.98.
TRIAD_GOAL = 1.0
NVBANDWIDTH_GOAL = 0.98


class PeerFormatError(ValueError):
    pass


# ------------------------------------------------------------------------------- peers' outputs

def parse_babelstream_csv(text):
    """BabelStream --csv: function,num_times,n_elements,sizeof,max_<unit>_per_sec,min_runtime,
    max_runtime,avg_runtime. Returns {kernel: {best_Bps, mean_Bps, n_elements, sizeof}}, the
    bandwidths recomputed from the times (unit-free) and checked against the printed one."""
    lines = [l for l in text.splitlines() if l.strip()]
    start = next((i for i, l in enumerate(lines) if l.startswith("function,")), None)
    if start is None:
        raise PeerFormatError("BabelStream CSV: no 'function,...' header (was it run with --csv?)")
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[start:]))))
    header = rows[0].keys() if rows else []
    bw_key = next((k for k in header if k.startswith("max_") and k.endswith("_per_sec")), None)
    scale = {"MB": 1e6, "MiB": 2**20, "GB": 1e9, "GiB": 2**30, "TB": 1e12, "TiB": 2**40}
    unit = bw_key[4:-8] if bw_key else None
    out = {}
    for row in rows:
        name = row["function"]
        if name not in STREAM_KERNELS:
            continue
        n, size = int(row["n_elements"]), int(row["sizeof"])
        moved = STREAM_KERNELS[name][1] * size * n
        best = moved / float(row["min_runtime"])
        mean = moved / float(row["avg_runtime"])
        if unit in scale:
            printed = float(row[bw_key]) * scale[unit]
            if abs(printed - best) > 0.01 * best:
                raise PeerFormatError(f"BabelStream CSV: {name}: printed {row[bw_key]} {unit}/s disagrees with "
                                      f"{moved} B / {row['min_runtime']} s")
        out[STREAM_KERNELS[name][0]] = {"best_Bps": best, "mean_Bps": mean, "n_elements": n, "sizeof": size}
    if not out:
        raise PeerFormatError("BabelStream CSV: no Copy/Mul/Add/Triad/Dot rows")
    return out


def parse_nvbandwidth_json(text):
    """nvbandwidth -j: {"nvbandwidth": {"testcases": [{"name", "status", "bandwidth_matrix":
    [[str,...],...]}]}}; values are strings in 1e9 B/s, "N/A" where a pair does not apply.
    Returns {testcase: B/s of GPU 0} for the test cases that passed."""
    doc = json.loads(text)
    cases = doc.get("nvbandwidth", {}).get("testcases")
    if not isinstance(cases, list):
        raise PeerFormatError("nvbandwidth JSON: no nvbandwidth.testcases list (was it run with -j?)")
    out = {}
    for case in cases:
        name = case.get("name")
        if case.get("status") != "Passed" or name not in NVBANDWIDTH_CASES:
            continue
        matrix = case.get("bandwidth_matrix") or []
        values = [float(v) for row in matrix for v in row if v not in ("N/A", "")]
        if not values:
            raise PeerFormatError(f"nvbandwidth JSON: {name}: empty bandwidth_matrix")
        out[name] = values[0] * 1e9  # one GPU: the single value of its row or column
    return out


def parse_nccl_tests(text):
    """nccl-tests' plain table: size count type redop root, then time algbw busbw #wrong for
    out of place and again for in place (times in us, bandwidths in 1e9 B/s). Returns
    {size: {"out_of_place": algbw_Bps, "in_place": algbw_Bps}}; a row with wrong elements is
    an error, never a figure."""
    out = {}
    for line in text.splitlines():
        fields = line.split()
        if not fields or line.lstrip().startswith("#") or not fields[0].isdigit() or len(fields) < 13:
            continue
        size = int(fields[0])
        oop, ip = fields[5:9], fields[9:13]
        for label, (time_us, algbw, busbw, wrong) in (("out_of_place", oop), ("in_place", ip)):
            if wrong not in ("0", "N/A"):
                raise PeerFormatError(f"nccl-tests: {wrong} wrong elements at {size} bytes ({label})")
        out[size] = {"out_of_place": float(oop[1]) * 1e9, "in_place": float(ip[1]) * 1e9}
    if not out:
        raise PeerFormatError("nccl-tests: no result rows")
    return out


# ------------------------------------------------------------------------------ capbench's side

def _samples(metric):
    s = metric.get("samples") or []
    stats = metric.get("stats") or {}
    median = statistics.median(s) if s else stats.get("median")
    best = max(s) if s else stats.get("max")
    return median, best


def load_capbench(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    if not str(doc.get("schema", "")).startswith("capbench.results/"):
        raise PeerFormatError(f"{path}: not a capbench results file")
    return doc


def _case(doc, case_id):
    return next((c for c in doc["cases"] if c["id"] == case_id), None)


def _rank0_metric(case, name):
    if not case or case.get("status") != "passed" or not case.get("ranks"):
        return None
    return next((m for m in case["ranks"][0].get("metrics", []) if m["name"] == name), None)


def _stream_elements(case):
    """The element count a STREAM case ran at: its parameter, or what rank 0 resolved "auto" to."""
    value = (case.get("params") or {}).get("elements")
    if value is None or value == "auto":
        value = ((case.get("ranks") or [{}])[0].get("info") or {}).get("elements")
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise PeerFormatError(f"{case['id']}: no element count (params.elements {case.get('params', {}).get('elements')!r}, "
                              f"rank 0 info.elements {value!r})")
    return value


def peer_sizes(doc):
    """{key: value} for the peers' command lines; a case the run lacks gives no key."""
    sizes = {}
    for precision in ("fp64", "fp32"):
        case = _case(doc, f"stream/{precision}")
        if case:
            sizes[f"stream_{precision}_elements"] = _stream_elements(case)
    for key, case_id in (("host_device_mib", "host_device/h2d/pinned"), ("device_copy_mib", "device_copy")):
        case = _case(doc, case_id)
        if not case:
            continue
        size = (case.get("params") or {}).get("bytes")
        if not isinstance(size, int) or size <= 0 or size % 2**20:
            raise PeerFormatError(f"{case_id}: params.bytes {size!r} is not a whole number of MiB, "
                                  "which nvbandwidth's -b takes")
        sizes[key] = size // 2**20
    return sizes


# ----------------------------------------------------------------------------------- comparison

def compare(doc, peer_dir):
    rows, problems = [], []

    for precision in ("fp64", "fp32"):
        path = os.path.join(peer_dir, f"babelstream-{precision}.csv")
        if not os.path.exists(path):
            problems.append(f"BabelStream {precision}: {path} missing")
            continue
        peer = parse_babelstream_csv(open(path, encoding="utf-8").read())
        case = _case(doc, f"stream/{precision}")
        ran = {p["n_elements"] for p in peer.values()}
        ours = _stream_elements(case) if case else None
        if ours is not None and ran != {ours}:
            problems.append(f"BabelStream {precision}: ran {', '.join(map(str, sorted(ran)))} elements, capbench "
                            f"{ours}: not the same size, not compared")
            continue
        for kernel, p in peer.items():
            m = _rank0_metric(case, f"{kernel}_bandwidth")
            if m is None:
                problems.append(f"STREAM {kernel} {precision}: no verified capbench figure")
                continue
            median, best = _samples(m)
            goal = TRIAD_GOAL if kernel == "triad" else None
            rows.append({"group": "memory", "what": f"STREAM {kernel} {precision}", "peer": "BabelStream",
                         "capbench": best, "reference": p["best_Bps"], "ratio": best / p["best_Bps"],
                         "basis": "best iteration over best iteration",
                         "also": f"median {median / 1e12:.3f} TB/s over BabelStream's mean {p['mean_Bps'] / 1e12:.3f} "
                                 f"TB/s = {median / p['mean_Bps']:.3f}",
                         "goal": goal, "unit": "TB/s", "scale": 1e12})

    path = os.path.join(peer_dir, "nvbandwidth.json")
    if os.path.exists(path):
        peer = parse_nvbandwidth_json(open(path, encoding="utf-8").read())
        for name, (case_id, metric, factor) in NVBANDWIDTH_CASES.items():
            if name not in peer:
                problems.append(f"nvbandwidth {name}: not run or not passed")
                continue
            m = _rank0_metric(_case(doc, case_id), metric)
            if m is None:
                problems.append(f"{case_id}: no verified capbench figure")
                continue
            median, _ = _samples(m)
            ours = median * factor
            rows.append({"group": "copy", "what": name, "peer": "nvbandwidth", "capbench": ours,
                         "reference": peer[name], "ratio": ours / peer[name], "basis": "median over median",
                         "also": "bytes copied once" if factor != 1.0 else "", "goal": NVBANDWIDTH_GOAL,
                         "unit": "GB/s", "scale": 1e9})
    else:
        problems.append(f"nvbandwidth: {path} missing")

    for op in COLLECTIVES:
        path = os.path.join(peer_dir, f"{op}_perf.txt")
        if not os.path.exists(path):
            problems.append(f"nccl-tests {op}: {path} missing")
            continue
        peer = parse_nccl_tests(open(path, encoding="utf-8").read())
        # On one rank an in-place collective moves nothing: no bandwidth to compare.
        placements = ("out_of_place",) if doc.get("run", {}).get("nranks") == 1 else ("out_of_place", "in_place")
        for placement in placements:
            case = _case(doc, f"collective/{op}/fp32/{placement}")
            if not case or case.get("status") != "passed":
                continue
            # Job-wide figures (results/2) where the case has them, else rank 0's own (one rank).
            metrics = case.get("metrics") or (case.get("ranks") or [{}])[0].get("metrics", [])
            for m in metrics:
                size = m.get("labels", {}).get("size_bytes")
                if m["name"] != "algbw" or size not in peer:
                    continue
                median, _ = _samples(m)
                ref = peer[size][placement]
                if ref <= 0:
                    continue
                rows.append({"group": "collective", "what": f"{op} {placement.replace('_', ' ')} {size} B",
                             "peer": "nccl-tests", "capbench": median, "reference": ref, "ratio": median / ref,
                             "basis": "median over mean", "also": "", "goal": None, "unit": "GB/s", "scale": 1e9})
    return rows, problems


def merge_runs(per_run):
    """Rows of several capbench runs (before and after the peers) against the same peer
    figures: one row per figure, capbench's figure and the ratio the median over the runs,
    with their range. A figure missing from a run is compared on the runs that have it."""
    by_what = {}
    for rows in per_run:
        for r in rows:
            by_what.setdefault(r["what"], []).append(r)
    merged = []
    for what, rs in by_what.items():
        row = dict(rs[0])
        ratios = sorted(r["ratio"] for r in rs)
        row["ratio"] = statistics.median(ratios)
        row["capbench"] = statistics.median(r["capbench"] for r in rs)
        row["runs"] = len(rs)
        if len(rs) > 1:
            spread = f"{len(rs)} capbench runs, ratios {ratios[0]:.3f}–{ratios[-1]:.3f}"
            row["also"] = f"{row['also']}; {spread}" if row["also"] else spread
        merged.append(row)
    return merged


# Every figure with a goal: one that could not be compared fails its goal, it is not dropped.
GOALS = [(f"STREAM triad {p}", "BabelStream", TRIAD_GOAL) for p in ("fp64", "fp32")] + \
        [(name, "nvbandwidth", NVBANDWIDTH_GOAL) for name in NVBANDWIDTH_CASES]


def verdicts(rows):
    """(text, passed, ratio or None when not compared), one per goal."""
    by_what = {r["what"]: r for r in rows}
    out = []
    for what, peer, goal in GOALS:
        r = by_what.get(what)
        ratio = r["ratio"] if r else None
        out.append((f"{what}: capbench / {peer} >= {goal:.2f}", ratio is not None and ratio >= goal, ratio))
    return out


def render(rows, problems):
    lines = ["| figure | peer | capbench | peer's | capbench / peer | basis |", "|---|---|---:|---:|---:|---|"]
    for r in rows:
        lines.append(f"| {r['what']} | {r['peer']} | {r['capbench'] / r['scale']:.3f} {r['unit']} | "
                     f"{r['reference'] / r['scale']:.3f} {r['unit']} | {r['ratio']:.3f} | {r['basis']}"
                     f"{'; ' + r['also'] if r['also'] else ''} |")
    lines.append("")
    for text, ok, ratio in verdicts(rows):
        lines.append(f"- {'PASS' if ok else 'FAIL'} {text} "
                     f"({'not compared' if ratio is None else f'measured {ratio:.3f}'})")
    for p in problems:
        lines.append(f"- NOT COMPARED {p}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------ this wave's CUDA paths

FABRIC_ONE_NODE = "a fabric case needs at least 2 nodes to form a pair"


def _rank_reason(case):
    return next((r.get("error", "") for r in case.get("ranks", []) if r.get("error")), "")


def health_rows(doc):
    """The health stage's checks, and whether NVML answered on every node."""
    h = doc.get("health")
    if not isinstance(h, dict):
        return None, [("health stage ran (results.health)", False, "absent")]
    checks = h.get("checks") or []
    nodes = h.get("nodes") or []
    nvml = [n for n in nodes if isinstance(n, dict) and n.get("nvml")]
    gpu_checks = [c for c in checks if c.get("gpu")]
    verdicts = [
        ("health stage ran with --health-gate record", h.get("gate") == "record" and not h.get("stopped"),
         f"gate {h.get('gate')}, stopped {h.get('stopped')}"),
        ("NVML answered on every node", bool(nodes) and len(nvml) == len(nodes), f"{len(nvml)} of {len(nodes)} nodes"),
        ("per-GPU checks were made from NVML", any(c.get("status") in ("pass", "fail") for c in gpu_checks),
         f"{len(gpu_checks)} per-GPU checks"),
    ]
    return checks, verdicts


def energy_rows(doc):
    """Per case: the energy of rank 0's timed windows (telemetry.energy)."""
    rows = []
    for c in doc["cases"]:
        r0 = (c.get("ranks") or [{}])[0]
        e = (r0.get("telemetry") or {}).get("energy")
        rows.append({"case": c["id"], "benchmark": c.get("benchmark"), "status": c.get("status"), "energy": e})
    measured = [r for r in rows if r["benchmark"] in ("gemm", "stream") and r["status"] == "passed"]
    missing = [r["case"] for r in measured if not r["energy"] or not r["energy"].get("joules", 0) > 0]
    verdicts = [("every passed GEMM and STREAM case has the energy of its timed windows",
                 bool(measured) and not missing, f"{len(measured) - len(missing)} of {len(measured)}"
                 + (f"; without: {', '.join(missing)}" if missing else ""))]
    return rows, verdicts


def lu_verdicts(doc):
    cases = [c for c in doc["cases"] if c.get("benchmark") == "lu"]
    if not cases:
        return [("cuSOLVER LU case ran (bench/lu)", False, "no lu case in the run")]
    out = []
    for c in cases:
        r0 = (c.get("ranks") or [{}])[0]
        v = r0.get("verification") or {}
        m = next((m for m in r0.get("metrics", []) if m.get("name") == "throughput"), None)
        rate = (m or {}).get("stats", {}).get("median")
        residual = (r0.get("info") or {}).get("scaled_residual")
        ok = c.get("status") == "passed" and v.get("status") == "passed" and rate is not None
        detail = (f"{rate / 1e12:.2f} TFLOP/s, scaled residual {residual:.3g}" if ok and residual is not None
                  else f"{c.get('status')}: {_rank_reason(c) or v.get('detail', '')}")
        out.append((f"{c['id']} passed and verified (HPL's scaled residual < 16)", ok, detail))
    return out


def fabric_verdicts(doc):
    cases = [c for c in doc["cases"] if c.get("benchmark") == "fabric"]
    if not cases:
        return [("NCCL send/recv fabric case planned (bench/fabric)", False, "no fabric case in the run")]
    out = []
    nodes = (doc.get("run") or {}).get("nnodes") or len({r.get("node_index") for r in doc.get("ranks", [])}) or 1
    for c in cases:
        status, reason = c.get("status"), _rank_reason(c)
        if nodes < 2:
            ok = status == "skipped" and FABRIC_ONE_NODE in reason
            out.append((f"{c['id']} on one node: skipped with its reason (a pair needs two nodes)", ok,
                        f"{status}: {reason}"))
        else:
            out.append((f"{c['id']} on {nodes} nodes: passed", status == "passed", f"{status}: {reason}"))
    return out


def collective_verdicts(doc):
    """A collective's figures are the job's (each iteration timed to the slowest rank): capbench
    records them once, in the case, with their basis, never once per rank."""
    ran = [c for c in doc["cases"] if c.get("benchmark") == "collective" and c.get("status") == "passed"]
    if not ran:
        return [("NCCL collective cases ran", False, "no passed collective case in the run")]
    per_rank = [c["id"] for c in ran if not c.get("metrics") or any(r.get("metrics") for r in c.get("ranks", []))]
    unbased = [c["id"] for c in ran if not (c.get("info") or {}).get("metrics_basis")]
    ok = not per_rank and not unbased
    detail = (f"{len(ran)} case{'' if len(ran) == 1 else 's'}" if ok else
              "; ".join(filter(None, [per_rank and f"figures per rank in {', '.join(per_rank)}",
                                      unbased and f"no metrics_basis in {', '.join(unbased)}"])))
    return [("every passed collective case holds its figures once, job-wide, with their basis", ok, detail)]


def render_paths(doc):
    checks, health_v = health_rows(doc)
    energy, energy_v = energy_rows(doc)
    verdicts = health_v + energy_v + lu_verdicts(doc) + fabric_verdicts(doc) + collective_verdicts(doc)
    lines = ["## Health checks (NVML health stage)", "", "| check | host | GPU | status | seen | expected |",
             "|---|---|---|---|---|---|"]
    for c in checks or []:
        lines.append(f"| {c.get('check')} | {c.get('host')} | {c.get('gpu', '')} | {c.get('status')} | "
                     f"{c.get('value', '')} | {c.get('expected', '')} |")
    lines += ["", "## Energy per case (rank 0's timed windows)", "",
              "| case | status | joules | window s | mean W | work per joule |", "|---|---|---:|---:|---:|---:|"]
    for r in energy:
        e = r["energy"]
        if not e:
            lines.append(f"| {r['case']} | {r['status']} | - | - | - | - |")
            continue
        watts = e["joules"] / e["window_s"] if e.get("window_s") else None
        wpj = e.get("work_per_joule")
        unit = {"FLOP": "GFLOP/J", "OP": "GOP/J", "B": "GB/J"}.get(e.get("work_unit"), "")
        lines.append(f"| {r['case']} | {r['status']} | {e['joules']:.1f} | {e.get('window_s', 0):.2f} | "
                     f"{'-' if watts is None else f'{watts:.0f}'} | {'-' if wpj is None else f'{wpj / 1e9:.2f} {unit}'} |")
    lines.append("")
    for text, ok, detail in verdicts:
        lines.append(f"- {'PASS' if ok else 'FAIL'} {text} ({detail})")
    return "\n".join(lines) + "\n", all(ok for _, ok, _ in verdicts)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("compare")
    c.add_argument("--results", required=True, action="append", help="capbench results (repeat for runs "
                   "before and after the peers)")
    c.add_argument("--dir", required=True, help="folder with the peers' outputs")
    c.add_argument("--md")
    c.add_argument("--json")
    w = sub.add_parser("paths", help="health stage, energy, LU and fabric of one validation run")
    w.add_argument("--results", required=True)
    w.add_argument("--md")
    z = sub.add_parser("sizes", help="the sizes the peers must run at, as KEY=VALUE lines")
    z.add_argument("--results", required=True)
    args = ap.parse_args(argv)
    if args.command == "paths":
        return main_paths(args)
    if args.command == "sizes":
        return main_sizes(args)
    try:
        per_run, problems = [], []
        for path in args.results:
            rows, run_problems = compare(load_capbench(path), args.dir)
            per_run.append(rows)
            problems += [p for p in run_problems if p not in problems]
        rows = merge_runs(per_run)
    except (PeerFormatError, OSError, json.JSONDecodeError, KeyError, ValueError) as e:
        print(f"peer_compare: {e}", file=sys.stderr)
        return 2
    text = render(rows, problems)
    sys.stdout.write(text)
    if args.md:
        with open(args.md, "w", encoding="utf-8") as f:
            f.write("# capbench beside BabelStream, nvbandwidth and nccl-tests\n\n" + text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump({"rows": rows, "problems": problems,
                       "verdicts": [{"goal": t, "passed": ok, "ratio": r} for t, ok, r in verdicts(rows)]}, f, indent=1)
    failed = any(not ok for _, ok, _ in verdicts(rows))
    return 1 if failed else 0


def main_paths(args):
    try:
        text, ok = render_paths(load_capbench(args.results))
    except (PeerFormatError, OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        print(f"peer_compare: {e}", file=sys.stderr)
        return 2
    sys.stdout.write(text)
    if args.md:
        with open(args.md, "w", encoding="utf-8") as f:
            f.write("# This wave's CUDA paths: health, energy, LU, fabric\n\n" + text)
    return 0 if ok else 1


def main_sizes(args):
    try:
        sizes = peer_sizes(load_capbench(args.results))
    except (PeerFormatError, OSError, json.JSONDecodeError, KeyError, TypeError, ValueError) as e:
        print(f"peer_compare: {e}", file=sys.stderr)
        return 2
    for key, value in sizes.items():
        print(f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
