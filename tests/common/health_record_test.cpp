// The results file's health record: what each node was held to, with its basis, and the system
// description, through JSON and back; read strictly.
#include "common/health_record.hpp"

#include <gtest/gtest.h>

namespace capbench {
namespace {

HealthRecord planted() {
  HealthRecord h;
  h.gate = "stop";
  h.checks.push_back({"gpu_count", "node-a", "", "fail", "7 of 8 GPUs", "8 (sys.json: inventory[0] (h100-sxm5-80gb) per_node.gpus)"});
  h.expectations.push_back({"node-a", "gpus_per_node", "8", "sys.json: inventory[0] (h100-sxm5-80gb) per_node.gpus"});
  h.expectations.push_back({"node-a", "cpu_cores", "224", "most nodes of the job"});
  h.system = json{{"file", "sys.json"}, {"sha256", std::string(64, 'a')}, {"name", "test"}};
  return h;
}

TEST(HealthRecord, ExpectationsAndSystemRoundTrip) {
  const json j = health_to_json(planted());
  const HealthRecord back = health_from(ConfigNode(j, "results.json"));
  ASSERT_EQ(back.expectations.size(), 2u);
  EXPECT_EQ(back.expectations[0].quantity, "gpus_per_node");
  EXPECT_EQ(back.expectations[0].basis, "sys.json: inventory[0] (h100-sxm5-80gb) per_node.gpus");
  EXPECT_EQ(back.expectations[1].value, "224");
  EXPECT_EQ(back.system.at("file"), "sys.json");
  EXPECT_EQ(health_to_json(back), j);
}

TEST(HealthRecord, FilesWithoutExpectationsStillRead) {
  HealthRecord old = planted();
  old.expectations.clear();
  old.system = nullptr;
  const json j = health_to_json(old);
  EXPECT_FALSE(j.contains("expectations"));
  EXPECT_FALSE(j.contains("system"));
  EXPECT_TRUE(health_from(ConfigNode(j, "results.json")).expectations.empty());
}

TEST(HealthRecord, AnUnknownQuantityNamesItsKey) {
  json j = health_to_json(planted());
  j["expectations"][1]["quantity"] = "cores";
  try {
    health_from(ConfigNode(j, "results.json"));
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key_path(), "expectations[1].quantity");
  }
}

}  // namespace
}  // namespace capbench
