#pragma once
// The health stage's NVML reader: every GPU the node shows, its link, memory-repair, ECC,
// power and NVLink state, and an event set for XID errors during the run. Through the
// process's one NVML (bench/health/nvml_api.hpp), independently of the compute backend, so
// the CPU backend runs it too where NVML loads. Every quantity NVML cannot answer stays unset.
#include <memory>
#include <string>
#include <vector>

#include "bench/health/health_facts.hpp"
#include "bench/health/nvml_api.hpp"

namespace capbench {

class NvmlProbe {
 public:
  // Null when NVML cannot be loaded or initialised (then *why says why).
  static std::unique_ptr<NvmlProbe> open(std::string* why);
  ~NvmlProbe();
  // Driver and CUDA versions and every GPU of the node; registers the GPUs for XID events.
  void collect(NodeFacts& node);
  // Uncorrected ECC and NVLink error counters of every GPU collect() found.
  std::vector<GpuCounters> counters() const;
  // XID events delivered since the last call (waits for none).
  std::vector<XidEvent> poll_xids();

 private:
  explicit NvmlProbe(const nvml::Api* api) : api_(api) {}
  const nvml::Api* api_;
  std::vector<void*> devices_;
  std::vector<std::string> names_;  // GpuFacts::describe() per device
  std::vector<bool> has_nvlink_;
  void* events_ = nullptr;
};

}  // namespace capbench
