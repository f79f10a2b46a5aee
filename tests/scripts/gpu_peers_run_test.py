#!/usr/bin/env python3
"""Tests of scripts/gpu-peers-run.sh without a GPU: from the stored H200 results it must give
each peer capbench's own sizes (the STREAM element count the ranks resolved "auto" to, the
host-link and device-copy buffers in MiB). The peers' binaries are absent here, so every step
fails after printing its command line; the script then exits 1 and says which failed."""

import json
import os
import shutil
import subprocess
import tempfile
import unittest

SOURCE = os.environ.get("CAPBENCH_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(SOURCE, "scripts", "gpu-peers-run.sh")
RESULTS = os.path.join(SOURCE, "docs", "validation", "h200-2026-11-27", "results.json")


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(doc, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)


class GpuPeersRun(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="gpu-peers-run-")
        self.bin = os.path.join(self.tmp, "bin")
        os.mkdir(self.bin)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def run_script(self, results):
        p = subprocess.run(["bash", SCRIPT, self.bin, results, os.path.join(self.tmp, "out")],
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout, p.stderr

    def run_on_changed(self, change):
        """The script on a copy of the stored results that `change(doc)` altered."""
        doc = load(RESULTS)
        change(doc)
        path = os.path.join(self.tmp, "results.json")
        save(doc, path)
        return self.run_script(path)

    def test_each_peer_runs_at_capbench_sizes(self):
        rc, out, err = self.run_script(RESULTS)
        self.assertEqual(rc, 1, out + err)  # no peer binaries here
        b = self.bin
        self.assertIn(f"=== babelstream fp64: {b}/babelstream --csv -n 100 -s 31457280\n", out)
        self.assertIn(f"=== babelstream fp32: {b}/babelstream --csv -n 100 -s 62914560 --float\n", out)
        self.assertIn(f"=== nvbandwidth host: {b}/nvbandwidth -j -i 20 -b 1024 -t host_to_device_memcpy_ce "
                      "device_to_host_memcpy_ce\n", out)
        self.assertIn(f"=== nvbandwidth local: {b}/nvbandwidth -j -i 20 -b 4096 -t device_local_copy\n", out)
        self.assertIn(f"=== nccl-tests alltoall: {b}/alltoall_perf -b 1K -e 256M -f 4 -g 1 -w 5 -n 20 -c 1\n", out)
        self.assertNotIn("auto", out)
        self.assertIn("gpu-peers-run: babelstream fp64 failed (exit 127)", err)

    def test_a_case_the_run_lacks_is_named_and_its_peer_not_run_at_a_guessed_size(self):
        def drop_two_cases(doc):
            doc["cases"] = [c for c in doc["cases"] if c["id"] not in ("device_copy", "stream/fp32")]
        rc, out, err = self.run_on_changed(drop_two_cases)
        self.assertEqual(rc, 1)
        self.assertNotIn("nvbandwidth local", out)
        self.assertNotIn("babelstream fp32", out)
        self.assertIn("no device_copy case in", err)
        self.assertIn("no stream/fp32 case in", err)

    def test_a_size_that_cannot_be_matched_runs_no_peer(self):
        def forget_the_resolved_count(doc):
            stream = next(c for c in doc["cases"] if c["id"] == "stream/fp64")
            del stream["ranks"][0]["info"]["elements"]
        rc, out, err = self.run_on_changed(forget_the_resolved_count)
        self.assertEqual(rc, 1)
        self.assertNotIn("===", out)
        self.assertIn("stream/fp64: no element count", err)
        self.assertIn("no peer run", err)


if __name__ == "__main__":
    unittest.main()
