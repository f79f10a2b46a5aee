// The external tools' output formats, on sample files written for these tests (not copied from
// any tool's output) in tests/reports/data/external. Where each format is documented:
// - HPL (netlib HPL 2.3): the result and residual lines HPL_pdtest.c prints, as described in
//   HPL's TUNING and README ("T/V N NB P Q Time Gflops", "||Ax-b||_oo/(eps*(...)*N)= ... PASSED");
//   NVIDIA HPC-Benchmarks' HPL and HPL-MxP print the same lines (NVIDIA's HPC-Benchmarks docs).
// - HPCG: the key=value report HPCG 3.1 writes (HPCG's "Final Summary::HPCG result is VALID
//   with a GFLOP/s rating of=").
// - nccl-tests: README, "-J,--output_file: Write [JSON] output" (keys from src/util.cu).
// - IOR: "-O summaryFormat=JSON", the summary array of src/ior-output.c.
// - IO500: the "[RESULT]" and "[SCORE ]" lines of IO500's result output, "[INVALID]" marks.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "reports/input/external_import.hpp"

namespace capbench {
namespace {

std::string sample_path(const std::string& name) {
  return std::string(CAPBENCH_SOURCE_DIR) + "/tests/reports/data/external/" + name;
}
std::string sample(const std::string& name) {
  std::ifstream in(sample_path(name));
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
const ExternalFigure* find(const ExternalResult& r, const std::string& name) {
  for (const auto& f : r.figures)
    if (f.name == name) return &f;
  return nullptr;
}

TEST(ExternalParsers, NetlibHplGivesEachTestWithItsResidual) {
  const auto rs = parse_external_text("hpl", sample("hpl-netlib-passed.txt"), "s");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].tool_name, "HPLinpack");
  EXPECT_EQ(rs[0].tool_version, "2.3");
  EXPECT_EQ(rs[1].status, "passed");
  EXPECT_EQ(rs[1].parameters["N"], 240000);
  EXPECT_EQ(rs[1].parameters["NB"], 384);
  EXPECT_EQ(rs[1].parameters["processes"], 32);
  ASSERT_NE(find(rs[1], "rmax"), nullptr);
  EXPECT_DOUBLE_EQ(find(rs[1], "rmax")->value, 1.3161e+07 * 1e9);  // Gflops -> FLOP/s
  ASSERT_EQ(rs[1].checks.size(), 1u);
  EXPECT_DOUBLE_EQ(*rs[1].checks[0].value, 3.14159265e-03);
  EXPECT_DOUBLE_EQ(*rs[1].checks[0].threshold, 16.0);
}

TEST(ExternalParsers, HplWhoseResidualFailedIsFailedWithNoFigure) {
  const auto rs = parse_external_text("hpl", sample("hpl-failed.txt"), "s");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].status, "failed");
  EXPECT_TRUE(rs[0].figures.empty());
  EXPECT_EQ(rs[0].checks.at(0).status, "failed");
}

TEST(ExternalParsers, HplWithoutResidualLineIsUnchecked) {
  const std::string text = "HPLinpack 2.3\nWR11C2R4   1000   64   1   1   0.50   1.3e+00\n";
  const auto rs = parse_external_text("hpl", text, "s");
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].status, "unchecked");
}

TEST(ExternalParsers, NvidiaHplAndMxpReadTheSameLines) {
  const auto nv = parse_external_text("hpl", sample("hpl-nvidia.txt"), "s");
  ASSERT_EQ(nv.size(), 1u);
  EXPECT_EQ(nv[0].tool_name, "HPL-NVIDIA");
  EXPECT_EQ(nv[0].tool_version, "24.09.0");
  EXPECT_EQ(nv[0].status, "passed");
  EXPECT_DOUBLE_EQ(find(nv[0], "rmax")->value, 1.0426e+06 * 1e9);  // the per-GPU column is ignored
  const auto mxp = parse_external_text("hpl-mxp", sample("hpl-mxp.txt"), "s");
  ASSERT_EQ(mxp.size(), 1u);
  EXPECT_EQ(mxp[0].tool_name, "HPL-MxP-NVIDIA");
  EXPECT_EQ(find(mxp[0], "rmax"), nullptr);  // a mixed-precision rate is never an FP64 Rmax
  EXPECT_NE(find(mxp[0], "mxp_rmax"), nullptr);
}

TEST(ExternalParsers, HpcgValidAndInvalid) {
  const auto ok = parse_external_text("hpcg", sample("hpcg-valid.txt"), "s");
  EXPECT_EQ(ok.at(0).status, "passed");
  EXPECT_EQ(ok[0].tool_version, "3.1");
  EXPECT_DOUBLE_EQ(find(ok[0], "hpcg_rating")->value, 2456.78e9);
  EXPECT_EQ(ok[0].parameters["processes"], 16);
  const auto bad = parse_external_text("hpcg", sample("hpcg-invalid.txt"), "s");
  EXPECT_EQ(bad.at(0).status, "failed");
  EXPECT_TRUE(bad[0].figures.empty());
}

TEST(ExternalParsers, NcclTestsJson) {
  const auto ok = parse_external_text("nccl-tests", sample("nccl-tests.json"), "s");
  EXPECT_EQ(ok.at(0).status, "passed");
  EXPECT_EQ(ok[0].tool_name, "nccl-tests all_reduce_perf");
  EXPECT_EQ(ok[0].tool_version, "JSON format 3, NCCL 2.27.3");
  int busbw = 0;
  for (const auto& f : ok[0].figures)
    if (f.name == "busbw") {
      ++busbw;
      if (f.labels["size_bytes"] == 67108864 && f.labels["placement"] == "in_place") EXPECT_DOUBLE_EQ(f.value, 245.2e9);
    }
  EXPECT_EQ(busbw, 4);  // two sizes, out of place and in place
  const auto bad = parse_external_text("nccl-tests", sample("nccl-tests-wrong.json"), "s");
  EXPECT_EQ(bad.at(0).status, "failed");
  EXPECT_TRUE(bad[0].figures.empty());
}

TEST(ExternalParsers, IorJsonSummary) {
  const auto rs = parse_external_text("ior", sample("ior.json"), "s");
  EXPECT_EQ(rs.at(0).status, "unchecked");
  EXPECT_EQ(rs[0].tool_version, "4.0.0");
  bool read_max = false;
  for (const auto& f : rs[0].figures)
    if (f.name == "bw_max" && f.labels["operation"] == "read") {
      read_max = true;
      EXPECT_DOUBLE_EQ(f.value, 20480.0 * 1048576.0);  // MiB/s -> B/s
    }
  EXPECT_TRUE(read_max);
}

TEST(ExternalParsers, Io500ValidAndInvalid) {
  const auto ok = parse_external_text("io500", sample("io500.txt"), "s");
  EXPECT_EQ(ok.at(0).status, "passed");
  EXPECT_EQ(ok[0].tool_version, "io500-sc26_v1");
  EXPECT_DOUBLE_EQ(find(ok[0], "score_total")->value, 13.7);
  EXPECT_DOUBLE_EQ(find(ok[0], "score_bandwidth")->value, 6.123456 * 1073741824.0);
  const auto bad = parse_external_text("io500", sample("io500-invalid.txt"), "s");
  EXPECT_EQ(bad.at(0).status, "failed");
  EXPECT_TRUE(bad[0].figures.empty());
}

TEST(ExternalParsers, DetectsEachToolAndRejectsOtherText) {
  EXPECT_EQ(detect_external_tool(sample("hpl-netlib-passed.txt")), "hpl");
  EXPECT_EQ(detect_external_tool(sample("hpl-nvidia.txt")), "hpl");
  EXPECT_EQ(detect_external_tool(sample("hpl-mxp.txt")), "hpl-mxp");
  EXPECT_EQ(detect_external_tool(sample("hpcg-valid.txt")), "hpcg");
  EXPECT_EQ(detect_external_tool(sample("nccl-tests.json")), "nccl-tests");
  EXPECT_EQ(detect_external_tool(sample("ior.json")), "ior");
  EXPECT_EQ(detect_external_tool(sample("io500.txt")), "io500");
  EXPECT_EQ(detect_external_tool("hello\n"), "");
  EXPECT_THROW(parse_external_text("hpl", "no results here\n", "s"), ConfigError);
  EXPECT_THROW(parse_external_text("nccl-tests", "{ not json", "s"), ConfigError);
  EXPECT_THROW(parse_external_text("ior", "{\"x\": 1}", "s"), ConfigError);
}

}  // namespace
}  // namespace capbench
