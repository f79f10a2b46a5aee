// The report's health section and the health criterion over a planted record.
#include "reports/render/health_report.hpp"

#include <gtest/gtest.h>

#include "tests/reports/report_test_util.hpp"
#include "reports/criteria/criteria.hpp"
#include "reports/criteria/health_criteria.hpp"

namespace capbench {
namespace {

ResultsFile with_health(const std::string& pcie_status) {
  ResultsFile rf = read_results_file(testing::results_path("one-h100.json"));
  HealthRecord h;
  h.gate = "record";
  h.checks = {{"cpu_cores", "node-a", "", "pass", "64 CPUs online", "64"},
              {"pcie_link", "node-a", "GPU 0 (0000:18:00.0)", pcie_status, "gen 5 x8 (max gen 5 x16)", "width x16"}};
  rf.health = h;
  return rf;
}

TEST(HealthReport, FailedChecksAreListedWithHostGpuValueAndExpectation) {
  const ResultsFile rf = with_health("fail");
  const std::string md = health_section_markdown(rf);
  EXPECT_NE(md.find("2 checks before and during the run: 1 passed, 1 failed"), std::string::npos);
  EXPECT_NE(md.find("**FAIL** pcie\\_link on node-a GPU 0 (0000:18:00.0): gen 5 x8 (max gen 5 x16) (expected width x16)"),
            std::string::npos)
      << md;
  EXPECT_NE(health_section_html(rf).find("<td>GPU 0 (0000:18:00.0)</td>"), std::string::npos);
}

TEST(HealthReport, ResultsWithoutAHealthStageSaySo) {
  const ResultsFile rf = read_results_file(testing::results_path("one-h100.json"));
  EXPECT_NE(health_section_markdown(rf).find("Not recorded"), std::string::npos);
}

TEST(HealthCriterion, FailUnknownAndPass) {
  HealthCriterion all;
  all.all = true;
  const auto failed = evaluate_health(all, with_health("fail"));
  EXPECT_EQ(failed.status, "FAIL");
  ASSERT_EQ(failed.failures.size(), 1u);
  EXPECT_EQ(failed.failures[0].host, "node-a");
  EXPECT_EQ(failed.failures[0].bus_id, "0000:18:00.0");
  EXPECT_EQ(evaluate_health(all, with_health("unknown")).status, "NOT_EVALUATED");
  EXPECT_EQ(evaluate_health(all, with_health("pass")).status, "PASS");
  HealthCriterion cpu;
  cpu.checks = {"cpu_cores"};
  EXPECT_EQ(evaluate_health(cpu, with_health("fail")).status, "PASS");
  cpu.checks = {"cpu_cores", "cpu_governor"};  // not in the results: never a pass
  EXPECT_EQ(evaluate_health(cpu, with_health("pass")).status, "NOT_EVALUATED");
  EXPECT_EQ(evaluate_health(all, read_results_file(testing::results_path("one-h100.json"))).status, "NOT_EVALUATED");
}

}  // namespace
}  // namespace capbench
