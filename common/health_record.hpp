#pragma once
// The health stage's record in a results file (top-level "health"): what every node showed
// before the first case, and what changed during the run, as a list of checks, each passed or
// failed with the host, the GPU and the value seen. bench/health/ collects and judges; this
// is only the shape the file holds, read strictly.
#include <optional>
#include <string>
#include <vector>

#include "common/config_node.hpp"

namespace capbench {

struct HealthCheck {
  std::string check;     // e.g. "gpu_count", "pcie_link", "xid_events"
  std::string host;
  std::string gpu;       // "" for a node-wide or job-wide check; else "GPU 1 (0000:3b:00.0)"
  std::string status;    // pass | fail | unknown (NVML could not answer: never a pass)
  std::string value;     // what was seen, in words
  std::string expected;  // what a healthy node shows
};

// What one node was held to, and on what basis: "option --expect-...", the system file's key
// ("FILE: inventory[0] (h100-sxm5-80gb) per_node.gpus") or "most nodes of the job".
struct HealthExpectationRecord {
  std::string host;
  std::string quantity;  // gpus_per_node | gpu_model | cpu_cores | memory_gib_min
  std::string value;
  std::string basis;
};

struct HealthRecord {
  std::string collected_at;
  std::string gate;  // the run option: "record" (measure anyway) | "stop" (stop before measuring)
  bool stopped = false;  // the gate failed and the run stopped before the first case
  json nodes = json::array();  // per node: host and the collected facts (free-form, for readers)
  std::vector<HealthCheck> checks;
  std::vector<HealthExpectationRecord> expectations;
  json system;  // null, or the system description the nodes were held to: {file, sha256, name}
  int failed() const;
  int unknown() const;
};

json health_to_json(const HealthRecord& h);
// Strict: unknown keys and bad status values are errors naming the key path.
HealthRecord health_from(const ConfigNode& n);

}  // namespace capbench
