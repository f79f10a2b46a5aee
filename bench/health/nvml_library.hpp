#pragma once
// Which NVML library capbench loads: libnvidia-ml.so.1, or for tests the path in
// CAPBENCH_NVML_LIBRARY (tests/tools/fake_nvml answers with planted values). Both the
// health stage and the CUDA backend's telemetry load the library named here.
#include <cstdlib>
#include <string>

namespace capbench {

inline constexpr const char* kNvmlLibraryVariable = "CAPBENCH_NVML_LIBRARY";

inline std::string nvml_library_path() {
  const char* p = std::getenv(kNvmlLibraryVariable);
  return p && *p ? std::string(p) : std::string("libnvidia-ml.so.1");
}

}  // namespace capbench
