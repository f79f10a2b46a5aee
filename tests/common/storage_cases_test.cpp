#include "common/storage_cases.hpp"

#include <gtest/gtest.h>

#include "common/suite.hpp"

namespace capbench {
namespace {

Suite suite_with(const std::string& storage_case) {
  return parse_suite(R"({"schema": "capbench.suite/1", "name": "t", "cases": [)" + storage_case + "]}", "t.json");
}

TEST(StorageCases, EveryPhaseIsItsOwnCaseWithItsParameters) {
  const auto s = suite_with(R"({"benchmark": "storage", "path": "/scratch"})");
  std::vector<std::string> ids;
  for (const auto& c : s.plan) ids.push_back(c.id);
  const std::vector<std::string> want{
      "storage/capacity",          "storage/easy_write",        "storage/easy_read",
      "storage/hard_write/posix",  "storage/hard_read/posix",   "storage/hard_write/mpiio",
      "storage/hard_read/mpiio",   "storage/md_create/private", "storage/md_stat/private",
      "storage/md_read/private",   "storage/md_delete/private", "storage/md_create/shared",
      "storage/md_stat/shared",    "storage/md_read/shared",    "storage/md_delete/shared"};
  EXPECT_EQ(want, ids);
  const auto& easy = s.plan[1].params;
  EXPECT_EQ(2 << 20, easy.at("transfer_bytes").get<int>());
  EXPECT_EQ(32, easy.at("transfers_per_rank").get<int>());
  EXPECT_EQ("/scratch", easy.at("path").get<std::string>());
  EXPECT_EQ(0.1, easy.at("max_free_fraction").get<double>());
  EXPECT_EQ(47008, s.plan[3].params.at("transfer_bytes").get<int>());
  EXPECT_EQ(3901, s.plan[7].params.at("file_bytes").get<int>());
  EXPECT_EQ(0, s.plan[1].warmup);
  EXPECT_EQ(1, s.plan[1].iterations);
}

TEST(StorageCases, PhasesAndSizesAsGiven) {
  const auto s = suite_with(R"({"benchmark": "storage", "phases": ["hard_mpiio"], "iterations": 3,
      "hard": {"segments": 10, "stonewall_s": 5}, "mpiio": {"hints": {"romio_cb_write": "enable"}}})");
  ASSERT_EQ(2u, s.plan.size());
  EXPECT_EQ(3, s.plan[0].iterations);
  EXPECT_EQ(5.0, s.plan[0].params.at("stonewall_s").get<double>());
  EXPECT_EQ("enable", s.plan[0].params.at("mpiio_hints").at("romio_cb_write").get<std::string>());
}

TEST(StorageCases, BadEntriesNameTheKey) {
  auto error_of = [](const std::string& c) {
    try {
      suite_with(c);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error_of(R"({"benchmark": "storage", "easy": {"transfer_bytes": 3, "block_bytes": 10}})")
                .find("cases[0].easy.block_bytes"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"benchmark": "storage", "phases": ["ior"]})").find("cases[0].phases[0]"), std::string::npos);
  EXPECT_NE(error_of(R"({"benchmark": "storage", "max_free_fraction": 2})").find("max_free_fraction"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"benchmark": "storage", "warmup": 1})").find("warm-up"), std::string::npos);
}

}  // namespace
}  // namespace capbench
