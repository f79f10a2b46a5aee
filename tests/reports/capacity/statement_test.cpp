// The capacity statement's two layers, read as a funding officer would: the quotable paragraph
// of the real H200 run's report holds the measured figure, its precision and basis, the device
// count, the target, and the caveat, in at most 80 words; hashes and files are in the list.
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "reports/render/report.hpp"
#include "tests/reports/report_test_util.hpp"

namespace capbench {
namespace {

std::size_t words(const std::string& s) {
  std::istringstream in(s);
  std::size_t n = 0;
  for (std::string w; in >> w;) ++n;
  return n;
}

struct H200 {
  GpuDatabase db = GpuDatabase::built_in();
  ResultsFile results = read_results_file(testing::source_path("docs/validation/h200-2026-11-27/results.json"));
  SystemConfig system = load_system_config(testing::source_path(testing::kGwangju), db);
  Analysis analysis = analyze(results, "docs/validation/h200-2026-11-27/results.json", "5214a743", db, &system);
};

TEST(Statement, H200QuotableParagraphHoldsFigurePrecisionBasisCountAndTarget) {
  H200 h;
  const ReportInputs in{&h.analysis, nullptr, nullptr, "2026-11-27T00:20:09Z"};
  const auto p = statement_parts(in);
  const std::string& q = p.quotable;
  EXPECT_LE(words(q), 80u) << q;
  EXPECT_NE(q.find("53.9 TFLOP/s"), std::string::npos) << q;      // the measured figure (fp64 at 8192³)
  EXPECT_NE(q.find("FP64"), std::string::npos) << q;              // its precision
  EXPECT_NE(q.find("sustained"), std::string::npos) << q;         // its basis
  EXPECT_NE(q.find("1 GPU (NVIDIA H200 SXM 141GB)"), std::string::npos) << q;  // on how many devices
  EXPECT_NE(q.find("None of the 2,060 GPUs declared"), std::string::npos) << q;  // of the declared ones
  EXPECT_NE(q.find("88.5 PFLOP/s FP64, is a datasheet peak"), std::string::npos) << q;  // the target and its basis
  EXPECT_NE(q.find("Caveat: no declared model was measured"), std::string::npos) << q;
  // No hash, no path, no commit in the paragraph: they are the traceability list's.
  EXPECT_FALSE(std::regex_search(q, std::regex("[0-9a-f]{12}"))) << q;
  EXPECT_EQ(q.find(".json"), std::string::npos) << q;
  EXPECT_EQ(q.find("0 FLOP/s"), std::string::npos) << q;
  // The list: tool version and commit, every file with its hash.
  std::string trace;
  for (const auto& t : p.trace) trace += trace_line(t) + "\n";
  for (const char* must : {"capbench 0.1.0, commit 22128adae73fa70b895012926275925e4ac54091-dirty",
                           "results file: docs/validation/h200-2026-11-27/results.json (SHA-256 5214a743)",
                           "suite: h200-validation (SHA-256 609dafcb9c2f41dfbac2081754a6b7f67b25897dd50040629aefb28b782f4e3f)",
                           "system description:", "GPU database:", "report: capreport"})
    EXPECT_NE(trace.find(must), std::string::npos) << must << "\n" << trace;
  // statement.txt: the paragraph first, then the list.
  const auto text = render_statement(in);
  EXPECT_EQ(text.rfind(q, 0), 0u);
  EXPECT_NE(text.find("\n\nTraceability:\n- measured by:"), std::string::npos) << text;
}

TEST(Statement, EveryShippedCaseStaysQuotable) {
  for (const char* name : {"mixed-fleet.json", "one-h100.json", "no-target-precision.json", "cpu-two-ranks.json"}) {
    testing::Loaded l(name, testing::kGwangju);
    const ReportInputs in{&l.analysis, nullptr, nullptr, "2026-11-26T00:00:00Z"};
    const auto q = statement_parts(in).quotable;
    EXPECT_LE(words(q), 80u) << name << ": " << q;
    EXPECT_EQ(q.find("SHA-256"), std::string::npos) << name;
  }
}

TEST(Statement, MixedFleetSaysHowManyDeclaredAndTheProjectionsReach) {
  testing::Loaded l("mixed-fleet.json", testing::kGwangju);
  const ReportInputs in{&l.analysis, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  const auto q = statement_parts(in).quotable;
  EXPECT_NE(q.find("8 GPUs of 2 models"), std::string::npos) << q;
  EXPECT_NE(q.find("They are 8 of the 2,060 GPUs declared"), std::string::npos) << q;
  EXPECT_NE(q.find("only 1,676 of 2,060 declared GPUs are projected"), std::string::npos) << q;
}

TEST(Statement, CpuRunIsARehearsal) {
  testing::Loaded l("cpu-two-ranks.json", testing::kGwangju);
  const ReportInputs in{&l.analysis, nullptr, nullptr, "2026-11-26T00:00:00Z"};
  const auto q = statement_parts(in).quotable;
  EXPECT_EQ(q.rfind("CPU rehearsal of the capacity chain", 0), 0u) << q;
  EXPECT_NE(q.find("2 CPUs"), std::string::npos) << q;
  EXPECT_EQ(q.find("GPUs"), std::string::npos) << q;
  EXPECT_NE(q.find("state no GPU capacity"), std::string::npos) << q;
}

}  // namespace
}  // namespace capbench
