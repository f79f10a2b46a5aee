#include "common/benchmark_catalog.hpp"

#include <gtest/gtest.h>

#include "common/suite.hpp"

using namespace capbench;

// Every key the catalog lists is one the validator accepts, and its default (where it is a
// value) is accepted too: `capbench list` never documents a key a suite cannot use.
TEST(BenchmarkCatalog, EveryListedKeyIsAccepted) {
  const json minimal = {
      {"gemm", {{"precisions", {"fp64"}}, {"shapes", {{8, 8, 8}}}}},
      {"stream", json::object()},
      {"collective", {{"operations", {"all_reduce"}}, {"sizes", {4096}}}},
      {"host_device", json::object()},
      {"p2p", json::object()},
      {"device_copy", json::object()},
      {"lu", json::object()},
      {"storage", {{"path", "/tmp"}}},
      {"fabric", json::object()},
  };
  ASSERT_EQ(benchmark_catalog().size(), known_benchmarks().size());
  for (const auto& b : benchmark_catalog()) {
    ASSERT_TRUE(minimal.contains(b.name)) << "add a minimal case for " << b.name << " to this test";
    for (const auto& p : b.parameters) {
      json c = minimal.at(b.name);
      c["benchmark"] = b.name;
      if (!p.default_value.is_null()) c[p.key] = p.default_value;
      if (b.name == "gemm" && p.key == "batch") c[p.key] = 1;  // 0 is "absent", not a value to write
      const json suite = {{"schema", kSuiteSchema}, {"name", "t"}, {"cases", {c}}};
      EXPECT_NO_THROW(parse_suite(suite.dump(), "t.json")) << b.name << "." << p.key << " = " << c[p.key];
    }
  }
}

TEST(BenchmarkCatalog, JsonHasEveryBenchmark) {
  const json j = benchmark_catalog_json();
  ASSERT_EQ(j.at("benchmarks").size(), known_benchmarks().size());
  for (std::size_t i = 0; i < known_benchmarks().size(); ++i)
    EXPECT_EQ(j["benchmarks"][i]["name"], known_benchmarks()[i]);
  EXPECT_TRUE(j["common"][0]["required"].get<bool>());  // "benchmark"
}
