// The system description's node shapes (per_node, cpu_nodes): what capbench run --system holds
// each node to. Strict: a bad key names the file, the key and what was expected.
#include "reports/system/system_config.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/reports/report_test_util.hpp"

namespace capbench {
namespace {

class NodeShapes : public ::testing::Test {
 protected:
  std::filesystem::path dir_ = std::filesystem::temp_directory_path() / ("system_config_test_" + std::to_string(getpid()));
  GpuDatabase db_ = GpuDatabase::built_in();
  void SetUp() override { std::filesystem::create_directories(dir_); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // A valid description with `inventory_extra` in the H100 entry and `top_extra` at the top.
  std::string write(const std::string& inventory_extra, const std::string& top_extra = "") {
    const auto p = dir_ / "system.json";
    std::ofstream(p) << R"({"schema": "capbench.system/1", "name": "x",
        "target": {"value": 1, "unit": "PFLOP/s", "precision": "fp64", "basis": "peak"},
        "inventory": [{"model": "h100-sxm5-80gb", "count": 16, "measurable_by_capbench": true)"
                     << inventory_extra << R"(},
                      {"model": "IPU", "count": 2, "measurable_by_capbench": false}])"
                     << top_extra << "}";
    return p.string();
  }
  ConfigError error(const std::string& path) {
    try {
      load_system_config(path, db_);
    } catch (const ConfigError& e) {
      return e;
    }
    ADD_FAILURE() << "no error for " << path;
    return ConfigError("", "", "");
  }
};

TEST_F(NodeShapes, PerNodeAndCpuNodesAreRead) {
  const auto s = load_system_config(write(R"(, "per_node": {"gpus": 8, "cpu_cores": 224, "memory_gib": 2015.5})",
                                          R"(, "cpu_nodes": {"cpu_cores": 128})"),
                                    db_);
  ASSERT_TRUE(s.inventory[0].per_node);
  EXPECT_EQ(s.inventory[0].per_node->gpus, 8);
  EXPECT_EQ(*s.inventory[0].per_node->cpu_cores, 224);
  EXPECT_DOUBLE_EQ(*s.inventory[0].per_node->memory_gib, 2015.5);
  EXPECT_FALSE(s.inventory[1].per_node);
  ASSERT_TRUE(s.cpu_nodes);
  EXPECT_EQ(*s.cpu_nodes->cpu_cores, 128);
  EXPECT_FALSE(s.cpu_nodes->memory_gib);
}

TEST_F(NodeShapes, BadShapesNameTheKey) {
  auto e = error(write(R"(, "per_node": {"gpus": 0})"));
  EXPECT_EQ(e.key_path(), "inventory[0].per_node.gpus");
  e = error(write(R"(, "per_node": {"cpu_cores": 8})"));
  EXPECT_EQ(e.key_path(), "inventory[0].per_node.gpus");
  e = error(write(R"(, "per_node": {"gpus": 8, "gpu_count": 8})"));
  EXPECT_NE(e.key_path().find("gpu_count"), std::string::npos);
  e = error(write(R"(, "per_node": {"gpus": 8, "memory_gib": "2 TB"})"));
  EXPECT_EQ(e.key_path(), "inventory[0].per_node.memory_gib");
  e = error(write("", R"(, "cpu_nodes": {})"));
  EXPECT_EQ(e.key_path(), "cpu_nodes");
  e = error(write("", R"(, "cpu_nodes": {"gpus": 2})"));
  EXPECT_NE(e.key_path().find("cpu_nodes"), std::string::npos);
  EXPECT_NE(std::string(e.what()).find(dir_.string()), std::string::npos);
}

TEST_F(NodeShapes, NoShapeOnAnEntryCapbenchCannotMeasure) {
  const auto p = dir_ / "ipu.json";
  std::ofstream(p) << R"({"schema": "capbench.system/1", "name": "x",
      "target": {"value": 1, "unit": "PFLOP/s", "precision": "fp64", "basis": "peak"},
      "inventory": [{"model": "IPU", "count": 2, "measurable_by_capbench": false, "per_node": {"gpus": 4}}]})";
  EXPECT_EQ(error(p.string()).key_path(), "inventory[0].per_node");
}

TEST_F(NodeShapes, ShippedDescriptionStatesEightGpusPerSxmNode) {
  const auto s = load_system_config(testing::source_path(testing::kGwangju), db_);
  ASSERT_TRUE(s.inventory[0].per_node && s.inventory[1].per_node);
  EXPECT_EQ(s.inventory[0].per_node->gpus, 8);
  EXPECT_EQ(s.inventory[1].per_node->gpus, 8);
  EXPECT_FALSE(s.inventory[2].per_node);  // T4 servers: no public node layout
}

}  // namespace
}  // namespace capbench
