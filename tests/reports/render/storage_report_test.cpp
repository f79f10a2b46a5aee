#include "reports/render/storage_report.hpp"

#include <gtest/gtest.h>

#include "common/config_node.hpp"
#include "tests/tools/config_error_of.hpp"

namespace capbench {
namespace {

std::string error_of(const std::function<void()>& f) {
  return testing::config_error_of(f);
}

TEST(StorageConfig, DeclaredStorageNeedsAUnitOfBytesAndABasis) {
  const json ok = json::parse(R"([{"name": "pfs", "path": "/scratch", "capacity": {"value": 107, "unit": "PB"},
                                   "basis": "raw", "basis_assumed": true}])");
  const auto d = read_storage_declared(ConfigNode(ok, "system.json"));
  ASSERT_EQ(1u, d.size());
  EXPECT_DOUBLE_EQ(107e15, d[0].value_bytes);
  EXPECT_EQ("raw", d[0].basis);
  EXPECT_TRUE(d[0].basis_assumed);
  const json no_basis = json::parse(R"([{"name": "pfs", "capacity": {"value": 1, "unit": "PB"}}])");
  EXPECT_NE(std::string::npos,
            error_of([&] { read_storage_declared(ConfigNode(no_basis, "s.json")); }).find("basis"));
  const json flops = json::parse(R"([{"name": "pfs", "capacity": {"value": 1, "unit": "PFLOP/s"}, "basis": "raw"}])");
  EXPECT_NE(std::string::npos, error_of([&] { read_storage_declared(ConfigNode(flops, "s.json")); }).find("unit"));
}

TEST(StorageConfig, CriteriaMatchTheirPhaseKind) {
  const json ok = json::parse(R"([{"id": "a", "phase": "easy_write", "min_bandwidth": {"value": 1, "unit": "GB/s"}},
                                   {"id": "b", "phase": "md_stat/shared", "min_rate": {"value": 5, "unit": "kOP/s"}},
                                   {"id": "c", "min_usable_capacity": {"value": 100, "unit": "PB"}}])");
  const auto c = read_storage_criteria(ConfigNode(ok, "criteria.json"));
  ASSERT_EQ(3u, c.size());
  EXPECT_DOUBLE_EQ(1e9, c[0].min);
  EXPECT_DOUBLE_EQ(5e3, c[1].min);
  EXPECT_EQ("capacity", c[2].kind);
  const json wrong = json::parse(R"([{"id": "a", "phase": "easy_write", "min_rate": {"value": 1, "unit": "OP/s"}}])");
  EXPECT_NE(std::string::npos, error_of([&] { read_storage_criteria(ConfigNode(wrong, "c.json")); }).find("md_"));
}

// A results file with a capacity case and one passed easy write.
ResultsFile storage_results() {
  ResultsFile rf;
  rf.run.nnodes = 2;
  rf.run.nranks = 2;
  CaseResult cap;
  cap.id = "storage/capacity";
  cap.benchmark = "storage";
  cap.status = "passed";
  cap.params = {{"phase", "capacity"}, {"group", ""}};
  RankResult r0;
  r0.info = {{"host", "n1"},
             {"capacity", {{"path", "/scratch"}, {"fs_type", "lustre"}, {"total_bytes", 90e15},
                           {"available_bytes", 50e15}, {"free_bytes", 51e15}}}};
  cap.ranks.push_back(r0);
  rf.cases.push_back(cap);
  CaseResult w;
  w.id = "storage/easy_write";
  w.benchmark = "storage";
  w.status = "passed";
  w.iterations = 1;
  w.params = {{"phase", "easy"}, {"op", "write"}, {"group", ""}};
  Metric m;
  m.name = "bandwidth";
  m.unit = "B/s";
  m.samples = {4e11};
  m.stats.n = 1;
  m.stats.median = m.stats.min = m.stats.max = 4e11;
  w.metrics.push_back(m);
  w.ranks.push_back(RankResult{});
  rf.cases.push_back(w);
  return rf;
}

TEST(StorageReport, RawDeclaredCapacityIsNeverComparedAsUsable) {
  const ResultsFile rf = storage_results();
  SystemConfig sys;
  sys.name = "x";
  StorageDeclared d;
  d.name = "pfs";
  d.path = "/scratch";
  d.value = 107;
  d.unit = "PB";
  d.value_bytes = 107e15;
  d.basis = "raw";
  sys.storage.push_back(d);
  Analysis a;
  a.owned_results = std::make_shared<const ReportResults>(rf);
  a.results = a.owned_results.get();
  a.system = &sys;
  std::string md = render_storage_markdown(a);
  EXPECT_NE(std::string::npos, md.find("observed usable 90 PB")) << md;
  EXPECT_NE(std::string::npos, md.find("not compared with the usable")) << md;
  EXPECT_EQ(std::string::npos, md.find("% of the declared usable")) << md;
  EXPECT_NE(std::string::npos, md.find("200 GB/s")) << md;  // per node: 400 GB/s over 2 nodes
  EXPECT_NE(std::string::npos, md.find("not an IO500 submission")) << md;
  sys.storage[0].basis = "usable";
  md = render_storage_markdown(a);
  EXPECT_NE(std::string::npos, md.find("84.1 % of the declared usable capacity")) << md;
}

TEST(StorageReport, CriteriaPassFailAndNotEvaluated) {
  const ResultsFile rf = storage_results();
  Analysis a;
  a.owned_results = std::make_shared<const ReportResults>(rf);
  a.results = a.owned_results.get();
  Verdict v;
  evaluate_storage_criteria({{"w", "bandwidth", "easy_write", 3e11}, {"w2", "bandwidth", "easy_write", 5e11},
                             {"r", "bandwidth", "easy_read", 1}, {"cap", "capacity", "", 100e15}},
                            a, &v);
  ASSERT_EQ(4u, v.results.size());
  EXPECT_EQ("PASS", v.results[0].status);
  EXPECT_EQ("FAIL", v.results[1].status);
  EXPECT_EQ("NOT_EVALUATED", v.results[2].status);
  EXPECT_EQ("FAIL", v.results[3].status);
  EXPECT_NE(std::string::npos, v.results[3].failures.at(0).what.find("/scratch"));
}

}  // namespace
}  // namespace capbench
