#!/usr/bin/env python3
"""Tests of scripts/peer_compare.py (capbench beside BabelStream, nvbandwidth and nccl-tests) on
the stored H200 results and sample peer outputs with planted ratios (tests/scripts/data/peers),
and on copies with one thing made wrong. No GPU needed."""

import importlib.util
import io
import json
import os
import shutil
import tempfile
import unittest
from contextlib import redirect_stdout, redirect_stderr

SOURCE = os.environ.get("CAPBENCH_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
RESULTS = os.path.join(SOURCE, "docs", "validation", "h200-2026-11-27", "results.json")
PEERS = os.path.join(SOURCE, "tests", "scripts", "data", "peers")

spec = importlib.util.spec_from_file_location("peer_compare", os.path.join(SOURCE, "scripts", "peer_compare.py"))
pc = importlib.util.module_from_spec(spec)
spec.loader.exec_module(pc)


def rows_by_name(rows):
    return {r["what"]: r for r in rows}


class PeerCompare(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="peer-compare-")
        self.dir = os.path.join(self.tmp, "peers")
        shutil.copytree(PEERS, self.dir)
        self.doc = pc.load_capbench(RESULTS)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_main(self, *args):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = pc.main(["compare", "--results", RESULTS, "--dir", self.dir, *args])
        return rc, out.getvalue(), err.getvalue()

    def test_planted_ratios_come_back(self):
        rows, _ = pc.compare(self.doc, self.dir)
        r = rows_by_name(rows)
        for kernel, ratio in {"copy": 0.97, "mul": 0.95, "add": 1.0, "triad": 0.96, "dot": 1.01}.items():
            for precision in ("fp64", "fp32"):
                self.assertAlmostEqual(r[f"STREAM {kernel} {precision}"]["ratio"], ratio, delta=2e-3)
        self.assertAlmostEqual(r["host_to_device_memcpy_ce"]["ratio"], 0.99, delta=1e-3)
        self.assertAlmostEqual(r["device_to_host_memcpy_ce"]["ratio"], 1.00, delta=1e-3)
        # capbench counts read + written; nvbandwidth the bytes copied once.
        self.assertAlmostEqual(r["device_local_copy"]["ratio"], 0.985, delta=1e-3)
        self.assertAlmostEqual(r["all_reduce out of place 268435456 B"]["ratio"], 1.02, delta=2e-3)
        self.assertAlmostEqual(r["all_reduce out of place 1024 B"]["ratio"], 1.02, delta=0.05)  # 2 decimals printed

    def test_in_place_is_not_compared_on_one_rank(self):
        rows, _ = pc.compare(self.doc, self.dir)
        self.assertFalse([w for w in rows_by_name(rows) if "in place" in w])

    def test_goals_decide_the_exit_code(self):
        rc, out, _ = self.run_main()
        self.assertEqual(rc, 1)  # triad at 0.96 of BabelStream's
        self.assertIn("FAIL STREAM triad fp64", out)
        self.assertIn("PASS device_local_copy", out)
        # BabelStream's triad made 5 % slower: capbench is now ahead, every goal passes.
        for precision in ("fp64", "fp32"):
            path = os.path.join(self.dir, f"babelstream-{precision}.csv")
            lines = open(path).read().splitlines()
            for i, line in enumerate(lines):
                if line.startswith("Triad,"):
                    f = line.split(",")
                    f[4] = "%.6f" % (float(f[4]) / 1.05)
                    f[5] = "%.9f" % (float(f[5]) * 1.05)
                    lines[i] = ",".join(f)
            open(path, "w").write("\n".join(lines) + "\n")
        rc, out, _ = self.run_main()
        self.assertEqual(rc, 0, out)
        self.assertIn("PASS STREAM triad fp64", out)

    def test_a_wrong_nccl_tests_row_is_an_error_not_a_figure(self):
        path = os.path.join(self.dir, "all_reduce_perf.txt")
        text = open(path).read().splitlines()
        i = next(i for i, l in enumerate(text) if l.split() and l.split()[0] == "1048576")
        f = text[i].split()
        f[8] = "3"
        text[i] = "  ".join(f)
        open(path, "w").write("\n".join(text) + "\n")
        rc, _, err = self.run_main()
        self.assertEqual(rc, 2)
        self.assertIn("3 wrong elements at 1048576 bytes", err)

    def test_babelstream_printed_figure_must_agree_with_its_times(self):
        path = os.path.join(self.dir, "babelstream-fp64.csv")
        text = open(path).read().replace("Copy,100,", "Copy,100,", 1)
        lines = text.splitlines()
        i = next(i for i, l in enumerate(lines) if l.startswith("Copy,"))
        f = lines[i].split(",")
        f[4] = "%.6f" % (float(f[4]) * 1.5)
        lines[i] = ",".join(f)
        open(path, "w").write("\n".join(lines) + "\n")
        rc, _, err = self.run_main()
        self.assertEqual(rc, 2)
        self.assertIn("Copy", err)

    def test_missing_and_failed_peers_are_named(self):
        os.remove(os.path.join(self.dir, "babelstream-fp32.csv"))
        doc = json.load(open(os.path.join(self.dir, "nvbandwidth.json")))
        for case in doc["nvbandwidth"]["testcases"]:
            if case["name"] == "device_to_host_memcpy_ce":
                case["status"] = "Error"
        json.dump(doc, open(os.path.join(self.dir, "nvbandwidth.json"), "w"))
        rows, problems = pc.compare(self.doc, self.dir)
        self.assertTrue(any("babelstream-fp32.csv missing" in p for p in problems), problems)
        self.assertTrue(any("device_to_host_memcpy_ce: not run or not passed" in p for p in problems), problems)
        self.assertNotIn("device_to_host_memcpy_ce", rows_by_name(rows))
        self.assertTrue(any("alltoall" in p for p in problems))
        # A goal whose figure could not be compared fails; it is not left out.
        rc, out, _ = self.run_main()
        self.assertEqual(rc, 1)
        self.assertIn("FAIL device_to_host_memcpy_ce: capbench / nvbandwidth >= 0.98 (not compared)", out)
        self.assertIn("FAIL STREAM triad fp32: capbench / BabelStream >= 1.00 (not compared)", out)

    def test_babelstream_at_another_size_is_not_compared(self):
        # The peers must run at capbench's sizes: BabelStream given "auto" or a default size is no ratio.
        path = os.path.join(self.dir, "babelstream-fp64.csv")
        lines = open(path).read().splitlines()
        for i, line in enumerate(lines):
            f = line.split(",")
            if f[0] in pc.STREAM_KERNELS:  # its own default size, the printed figure consistent with it
                f[2] = "33554432"
                f[4] = "%.6f" % (pc.STREAM_KERNELS[f[0]][1] * 8 * 33554432 / float(f[5]) / 1e6)
                lines[i] = ",".join(f)
        open(path, "w").write("\n".join(lines) + "\n")
        rows, problems = pc.compare(self.doc, self.dir)
        self.assertFalse([w for w in rows_by_name(rows) if w.endswith(" fp64") and w.startswith("STREAM")])
        self.assertIn("BabelStream fp64: ran 33554432 elements, capbench 31457280: not the same size, not compared",
                      problems)

    def test_sizes_are_the_ones_the_ranks_ran_at(self):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = pc.main(["sizes", "--results", RESULTS])
        self.assertEqual(rc, 0, err.getvalue())
        # The suite says elements "auto"; rank 0 resolved it (H200, 2026-11-27).
        self.assertEqual(out.getvalue().splitlines(), ["stream_fp64_elements=31457280", "stream_fp32_elements=62914560",
                                                       "host_device_mib=1024", "device_copy_mib=4096"])
        doc = json.load(open(RESULTS))
        stream = next(c for c in doc["cases"] if c["id"] == "stream/fp64")
        del stream["ranks"][0]["info"]["elements"]
        with self.assertRaisesRegex(pc.PeerFormatError, r"stream/fp64: no element count \(params.elements 'auto'"):
            pc.peer_sizes(doc)
        stream["ranks"][0]["info"]["elements"] = 31457280
        copy = next(c for c in doc["cases"] if c["id"] == "device_copy")
        copy["params"]["bytes"] = 3 * 10**9
        with self.assertRaisesRegex(pc.PeerFormatError, "device_copy: params.bytes 3000000000 is not a whole number of MiB"):
            pc.peer_sizes(doc)

    def test_two_capbench_runs_give_the_median_ratio_and_its_range(self):
        after = json.load(open(RESULTS))
        for c in after["cases"]:
            if c["id"] == "stream/fp64":
                for m in c["ranks"][0]["metrics"]:
                    if m["name"] == "triad_bandwidth":
                        m["samples"] = [x * 1.1 for x in m["samples"]]
        path = os.path.join(self.tmp, "after.json")
        json.dump(after, open(path, "w"))
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            pc.main(["compare", "--results", RESULTS, "--results", path, "--dir", self.dir])
        line = next(l for l in out.getvalue().splitlines() if l.startswith("| STREAM triad fp64 "))
        self.assertIn("| 1.008 |", line)  # median of 0.960 and 1.056
        self.assertIn("2 capbench runs, ratios 0.960–1.056", line)

    def test_markdown_and_json_outputs(self):
        md, js = os.path.join(self.tmp, "t.md"), os.path.join(self.tmp, "t.json")
        self.run_main("--md", md, "--json", js)
        self.assertIn("| STREAM triad fp64 | BabelStream |", open(md).read())
        v = json.load(open(js))["verdicts"]
        self.assertEqual(sum(1 for x in v if not x["passed"]), 2)


PATHS = os.path.join(SOURCE, "tests", "scripts", "data", "paths", "results.json")


class NewPaths(unittest.TestCase):
    """`peer_compare.py paths` on a sample run with the health stage, energy, LU and fabric."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="peer-paths-")
        self.doc = json.load(open(PATHS))

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_paths(self, doc=None):
        path = PATHS
        if doc is not None:
            path = os.path.join(self.tmp, "r.json")
            json.dump(doc, open(path, "w"))
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            rc = pc.main(["paths", "--results", path, "--md", os.path.join(self.tmp, "paths.md")])
        return rc, out.getvalue(), err.getvalue()

    def case(self, doc, case_id):
        return next(c for c in doc["cases"] if c["id"] == case_id)

    def test_the_sample_passes_and_prints_checks_and_joules(self):
        rc, out, _ = self.run_paths()
        self.assertEqual(rc, 0, out)
        # Every health check, the failing one too (recorded, not a stop).
        self.assertIn("| pcie_link | vm | GPU 0 (0000:00:06.0) | fail | Gen5 x8 | Gen5 x16 |", out)
        # Planted: 3000 J over 5 s = 600 W; 3.3e15 FLOP / 3000 J = 1100 GFLOP/J.
        self.assertIn("| gemm/bf16/8192x8192x8192 | passed | 3000.0 | 5.00 | 600 | 1100.00 GFLOP/J |", out)
        self.assertIn("| stream/fp64 | passed | 120.0 | 0.40 | 300 | 13.33 GB/J |", out)
        self.assertIn("PASS lu/fp64/32768 passed and verified", out)
        self.assertIn("41.50 TFLOP/s, scaled residual 0.0042", out)
        self.assertIn("PASS fabric/pairs on one node: skipped with its reason", out)
        self.assertIn("PASS every passed collective case holds its figures once, job-wide, with their basis (1 case)", out)
        self.assertNotIn("FAIL", out)
        self.assertIn("| ecc_mode |", open(os.path.join(self.tmp, "paths.md")).read())

    def test_no_health_stage_fails(self):
        del self.doc["health"]
        rc, out, _ = self.run_paths(self.doc)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL health stage ran (results.health) (absent)", out)

    def test_a_stopped_gate_or_no_nvml_fails(self):
        self.doc["health"]["gate"] = "stop"
        self.doc["health"]["nodes"][0]["nvml"] = False
        rc, out, _ = self.run_paths(self.doc)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL health stage ran with --health-gate record", out)
        self.assertIn("FAIL NVML answered on every node (0 of 1 nodes)", out)

    def test_a_case_without_energy_is_named(self):
        del self.case(self.doc, "gemm/fp64/8192x8192x8192")["ranks"][0]["telemetry"]["energy"]
        rc, out, _ = self.run_paths(self.doc)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL every passed GEMM and STREAM case has the energy of its timed windows (2 of 3; "
                      "without: gemm/fp64/8192x8192x8192)", out)

    def test_a_failed_lu_check_fails(self):
        lu = self.case(self.doc, "lu/fp64/32768")
        lu["status"] = "failed"
        lu["ranks"][0]["status"] = "failed"
        lu["ranks"][0]["verification"]["status"] = "failed"
        lu["ranks"][0]["error"] = "verification failed: scaled residual 1e+03 >= 16"
        rc, out, _ = self.run_paths(self.doc)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL lu/fp64/32768 passed and verified (HPL's scaled residual < 16) (failed: verification "
                      "failed: scaled residual 1e+03 >= 16)", out)
        del self.doc["cases"][self.doc["cases"].index(lu)]
        rc, out, _ = self.run_paths(self.doc)
        self.assertIn("FAIL cuSOLVER LU case ran (bench/lu) (no lu case in the run)", out)

    def test_collective_figures_recorded_per_rank_fail(self):
        # What the CUDA backend wrote until 2026-12-03: its filter wrapper dropped the job-wide basis.
        coll = self.case(self.doc, "collective/all_reduce/fp32/out_of_place")
        coll["ranks"][0]["metrics"] = coll.pop("metrics")
        del coll["info"]["metrics_basis"]
        rc, out, _ = self.run_paths(self.doc)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL every passed collective case holds its figures once, job-wide, with their basis "
                      "(figures per rank in collective/all_reduce/fp32/out_of_place; no metrics_basis in "
                      "collective/all_reduce/fp32/out_of_place)", out)

    def test_the_fabric_case_must_skip_for_its_reason_on_one_node_and_pass_on_two(self):
        fab = self.case(self.doc, "fabric/pairs")
        fab["status"] = "failed"
        fab["ranks"][0].update(status="failed", error="NCCL error: unhandled system error")
        rc, out, _ = self.run_paths(self.doc)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL fabric/pairs on one node: skipped with its reason", out)
        fab["status"] = "skipped"
        fab["ranks"][0].update(status="skipped", error="the job runs on 1 node: a fabric case needs at least 2 nodes "
                               "to form a pair")
        self.doc["run"]["nnodes"] = 2
        rc, out, _ = self.run_paths(self.doc)
        self.assertEqual(rc, 1)
        self.assertIn("FAIL fabric/pairs on 2 nodes: passed (skipped:", out)

    def test_not_a_results_file_is_exit_2(self):
        rc, _, err = self.run_paths({"schema": "something/1", "cases": []})
        self.assertEqual(rc, 2)
        self.assertIn("not a capbench results file", err)


if __name__ == "__main__":
    unittest.main()
