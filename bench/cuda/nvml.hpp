#pragma once
// NVML for the CUDA backend's telemetry and energy, through the process's one NVML loader
// (bench/health/nvml_api.hpp: dlopen at run time, so capbench builds and runs without it).
// Each call returns std::nullopt when NVML cannot answer.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bench/cuda/telemetry_summary.hpp"
#include "bench/health/nvml_api.hpp"

namespace capbench {

class Nvml {
 public:
  // Loads libnvidia-ml.so.1 and initialises it once per process; null when that fails
  // (then unavailable_reason() says why).
  static Nvml* get();
  static std::string unavailable_reason();

  using Device = void*;
  std::optional<Device> device_by_pci_bus_id(const std::string& bus_id) const;
  std::optional<std::string> serial(Device d) const;
  std::optional<std::string> driver_version() const;
  std::optional<unsigned> max_clock_mhz(Device d, int clock_type) const;  // 1: SM, 2: memory
  TelemetrySample sample(Device d) const;
  EccCounts volatile_ecc(Device d) const;
  // nvmlDeviceGetTotalEnergyConsumption: millijoules since the driver loaded (Volta and later).
  std::optional<std::uint64_t> total_energy_mj(Device d) const;

 private:
  explicit Nvml(const nvml::Api* api);
  const nvml::Api* api_;
};

}  // namespace capbench
