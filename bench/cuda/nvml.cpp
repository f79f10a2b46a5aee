#include "bench/cuda/nvml.hpp"

#include <cmath>
#include <mutex>

#include "bench/health/nvml_library.hpp"

namespace capbench {

using namespace nvml;

namespace {
constexpr int kNvmlSuccess = kSuccess;

std::once_flag g_once;
Nvml* g_nvml = nullptr;
std::string g_reason;
}  // namespace

Nvml::Nvml(const Api* api) : api_(api) {}

Nvml* Nvml::get() {
  std::call_once(g_once, [] {
    const Api* a = api(&g_reason);  // the process's one NVML (bench/health/nvml_api.hpp)
    if (!a) return;
    if (!a->by_pci_bus_id) {
      g_reason = nvml_library_path() + " lacks nvmlDeviceGetHandleByPciBusId_v2";
      return;
    }
    g_nvml = new Nvml(a);  // lives for the process
  });
  return g_nvml;
}

std::string Nvml::unavailable_reason() {
  get();
  return g_reason;
}

std::optional<Nvml::Device> Nvml::device_by_pci_bus_id(const std::string& bus_id) const {
  void* d = nullptr;
  if (api_->by_pci_bus_id(bus_id.c_str(), &d) != kNvmlSuccess) return std::nullopt;
  return d;
}

std::optional<std::string> Nvml::serial(Device d) const {
  char buf[96] = {};
  if (!api_->serial || api_->serial(d, buf, sizeof buf) != kNvmlSuccess) return std::nullopt;
  return std::string(buf);
}

std::optional<std::string> Nvml::driver_version() const {
  char buf[96] = {};
  if (!api_->driver_version || api_->driver_version(buf, sizeof buf) != kNvmlSuccess) return std::nullopt;
  return std::string(buf);
}

std::optional<unsigned> Nvml::max_clock_mhz(Device d, int clock_type) const {
  unsigned v = 0;
  if (!api_->max_clock_info || api_->max_clock_info(d, clock_type, &v) != kNvmlSuccess) return std::nullopt;
  return v;
}

TelemetrySample Nvml::sample(Device d) const {
  TelemetrySample s;
  unsigned v = 0;
  s.sm_clock_mhz = api_->clock_info && api_->clock_info(d, kClockSm, &v) == kNvmlSuccess ? double(v) : NAN;
  s.mem_clock_mhz = api_->clock_info && api_->clock_info(d, kClockMem, &v) == kNvmlSuccess ? double(v) : NAN;
  s.power_w = api_->power_usage && api_->power_usage(d, &v) == kNvmlSuccess ? double(v) / 1000.0 : NAN;
  s.temperature_c = api_->temperature && api_->temperature(d, kTemperatureGpu, &v) == kNvmlSuccess ? double(v) : NAN;
  unsigned long long mask = 0;
  s.throttle_known = api_->clock_reasons && api_->clock_reasons(d, &mask) == kNvmlSuccess;
  s.throttle_mask = s.throttle_known ? mask : 0;
  return s;
}

EccCounts Nvml::volatile_ecc(Device d) const {
  EccCounts e;
  unsigned long long c = 0, u = 0;
  if (api_->total_ecc && api_->total_ecc(d, kEccCorrected, kCounterVolatile, &c) == kNvmlSuccess &&
      api_->total_ecc(d, kEccUncorrected, kCounterVolatile, &u) == kNvmlSuccess) {
    e.available = true;
    e.corrected = c;
    e.uncorrected = u;
  }
  return e;
}

std::optional<std::uint64_t> Nvml::total_energy_mj(Device d) const {
  unsigned long long mj = 0;
  if (!api_->total_energy || api_->total_energy(d, &mj) != kNvmlSuccess) return std::nullopt;
  return mj;
}

}  // namespace capbench
