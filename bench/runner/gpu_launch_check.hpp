#pragma once
// Launches that measure less than the node has: `capbench run` without mpirun on an 8-GPU
// node measures GPU 0 alone, and says nothing. These say so (and --strict-gpus refuses).
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace capbench {

// FOR TESTS ONLY: where set (an integer >= 0), every rank reports this many visible GPUs
// instead of asking the CUDA runtime, so the warning can be tested on machines without GPUs.
inline constexpr const char* kTestVisibleGpusVariable = "CAPBENCH_TEST_VISIBLE_GPUS";

// The planted count, when the variable above is set and valid.
std::optional<int> planted_visible_gpus();

struct RankGpuView {
  int rank = 0;
  std::string host;
  int visible_gpus = 0;  // GPUs this rank's process can see
};

// One message per host where fewer ranks run than GPUs are visible: those GPUs are not measured.
std::vector<std::string> idle_gpu_warnings(const std::vector<RankGpuView>& ranks);

struct RankIdentity;
struct RunOptions;

// Rank 0, after every rank reported (identities: each rank's JSON, with "visible_gpus"):
// prints the idle-GPU warnings (CUDA backend, or a planted count; not with --device, a choice)
// and returns true when --strict-gpus turns them, or ranks sharing a GPU, into a refusal.
bool check_gpu_launch(const std::vector<RankIdentity>& ranks, const std::vector<std::string>& identities,
                      const std::string& backend, const RunOptions& opts);

// Why --backend cuda cannot run, in a person's words: "no NVIDIA driver loaded" (no
// /proc/driver/nvidia/version) or "no GPU visible" (a driver, but no device for this process,
// e.g. CUDA_VISIBLE_DEVICES empty), with the runtime's own words after it.
// Inline: the CUDA backend (a library the runner links after this one) uses it too.
inline std::string explain_cuda_unavailable(bool driver_loaded, int device_count, const std::string& runtime_error,
                                     const char* cuda_visible_devices) {
  const std::string said = runtime_error.empty() ? "" : fmt::format(" (the CUDA runtime said: {})", runtime_error);
  if (!driver_loaded) return "no NVIDIA driver loaded: /proc/driver/nvidia/version is absent" + said;
  if (device_count == 0) {
    const std::string visible = cuda_visible_devices
                                    ? fmt::format("; CUDA_VISIBLE_DEVICES is '{}'", cuda_visible_devices)
                                    : std::string();
    return "no GPU visible to this process" + visible + said;
  }
  return "CUDA cannot start" + said;
}


// The advice the runner prints after that reason.
inline constexpr const char* kCpuBackendAdvice =
    "run with --backend cpu to measure the CPUs instead (or --backend auto to pick CUDA where it works)";

}  // namespace capbench
