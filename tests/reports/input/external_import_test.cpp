// The capbench.imported/1 file: an imported source keeps its SHA-256, tool, version and basis;
// the strict reader refuses what would let a failed check pass for a figure.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "common/sha256.hpp"
#include "reports/input/external_import.hpp"

namespace capbench {
namespace {

std::string sample_path(const std::string& name) {
  return std::string(CAPBENCH_SOURCE_DIR) + "/tests/reports/data/external/" + name;
}

TEST(ExternalImport, KeepsTheSourceHashToolVersionAndBasis) {
  const auto rs = import_external_file(sample_path("hpl-netlib-passed.txt"), "auto", "2026-12-01T00:00:00Z");
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].source_sha256, sha256_file_hex(sample_path("hpl-netlib-passed.txt")));
  EXPECT_EQ(rs[1].index_in_source, 1);
  EXPECT_EQ(rs[0].basis, "measured by an external tool");
  EXPECT_EQ(rs[0].tool, "hpl");
}

TEST(ExternalImport, RoundTripsThroughTheFileFormat) {
  ImportedSet set;
  for (const char* f : {"hpl-netlib-passed.txt", "hpl-failed.txt", "nccl-tests.json", "ior.json", "io500.txt", "hpcg-valid.txt"})
    for (auto& r : import_external_file(sample_path(f), "auto", "t")) set.results.push_back(r);
  const json j = imported_to_json(set);
  EXPECT_EQ(j["schema"], "capbench.imported/1");
  const ImportedSet back = imported_from_json(j, "mem");
  ASSERT_EQ(back.results.size(), set.results.size());
  EXPECT_EQ(imported_to_json(back), j);
}

TEST(ExternalImport, StrictReaderRefusesAFailedResultWithAFigure) {
  ImportedSet set;
  set.results = import_external_file(sample_path("hpl-failed.txt"), "hpl", "t");
  json j = imported_to_json(set);
  j["results"][0]["figures"] = json::array({{{"name", "rmax"}, {"unit", "FLOP/s"}, {"value", 1e15}, {"labels", json::object()}}});
  try {
    imported_from_json(j, "bad.json");
    FAIL() << "accepted a failed result with a figure";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bad.json"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("figures"), std::string::npos);
  }
  j = imported_to_json(set);
  j["results"][0]["status"] = "passed";  // a failed check under a passed result
  EXPECT_THROW(imported_from_json(j, "bad.json"), ConfigError);
  j = imported_to_json(set);
  j["schema"] = "capbench.imported/9";
  EXPECT_THROW(imported_from_json(j, "bad.json"), ConfigError);
  j = imported_to_json(set);
  j["results"][0]["basis"] = "measured by capbench";
  EXPECT_THROW(imported_from_json(j, "bad.json"), ConfigError);
}

TEST(ExternalImport, UnknownContentNamesTheFile) {
  try {
    import_external_file(std::string(CAPBENCH_SOURCE_DIR) + "/LICENSE", "auto", "t");
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("LICENSE"), std::string::npos);
  }
}

TEST(ExternalImport, MalformedValuesAreErrorsNamingTheFile) {
  const std::string path = std::string(CAPBENCH_BINARY_DIR) + "/external_import_test_bad_nccl.json";
  struct Cleanup {
    const std::string& p;
    ~Cleanup() { std::remove(p.c_str()); }
  } cleanup{path};
  {
    std::ofstream out(path);
    out << R"({"nccl_version": 22703, "version": "three", "results": []})";
  }
  try {
    import_external_file(path, "nccl-tests", "t");
    FAIL() << "accepted a string JSON format version";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("bad_nccl.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace capbench
