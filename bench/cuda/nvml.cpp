#include "bench/cuda/nvml.hpp"

#include <dlfcn.h>

#include <cmath>
#include <mutex>

#include "bench/health/nvml_library.hpp"

namespace capbench {

// Signatures from nvml.h, with NVML's enums passed as int and handles as void*.
struct Nvml::Api {
  void* lib = nullptr;
  int (*init)() = nullptr;
  int (*by_pci_bus_id)(const char*, void**) = nullptr;
  int (*get_serial)(void*, char*, unsigned) = nullptr;
  int (*driver_version)(char*, unsigned) = nullptr;
  int (*clock_info)(void*, int, unsigned*) = nullptr;
  int (*max_clock_info)(void*, int, unsigned*) = nullptr;
  int (*power_usage)(void*, unsigned*) = nullptr;
  int (*temperature)(void*, int, unsigned*) = nullptr;
  int (*throttle_reasons)(void*, unsigned long long*) = nullptr;
  int (*total_ecc)(void*, int, int, unsigned long long*) = nullptr;
  int (*total_energy)(void*, unsigned long long*) = nullptr;
};

namespace {
constexpr int kNvmlSuccess = 0;
constexpr int kClockSm = 1, kClockMem = 2;
constexpr int kTemperatureGpu = 0;
constexpr int kEccCorrected = 0, kEccUncorrected = 1, kEccVolatile = 0;

std::once_flag g_once;
Nvml* g_nvml = nullptr;
std::string g_reason;

template <class F>
bool bind(void* lib, const char* name, F& f) {
  f = reinterpret_cast<F>(dlsym(lib, name));
  return f != nullptr;
}
}  // namespace

Nvml::Nvml(std::unique_ptr<Api> api) : api_(std::move(api)) {}

Nvml* Nvml::get() {
  std::call_once(g_once, [] {
    const std::string path = nvml_library_path();  // CAPBENCH_NVML_LIBRARY: tests only
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = dlerror();
      g_reason = path + " could not be loaded: " + (e ? e : "unknown error");
      return;
    }
    auto api = std::make_unique<Api>();
    api->lib = lib;
    const bool ok = bind(lib, "nvmlInit_v2", api->init) &&
                    bind(lib, "nvmlDeviceGetHandleByPciBusId_v2", api->by_pci_bus_id);
    if (!ok) {
      g_reason = "libnvidia-ml.so.1 lacks nvmlInit_v2 or nvmlDeviceGetHandleByPciBusId_v2";
      return;
    }
    // Optional calls: a missing one leaves that quantity unread.
    bind(lib, "nvmlDeviceGetSerial", api->get_serial);
    bind(lib, "nvmlSystemGetDriverVersion", api->driver_version);
    bind(lib, "nvmlDeviceGetClockInfo", api->clock_info);
    bind(lib, "nvmlDeviceGetMaxClockInfo", api->max_clock_info);
    bind(lib, "nvmlDeviceGetPowerUsage", api->power_usage);
    bind(lib, "nvmlDeviceGetTemperature", api->temperature);
    if (!bind(lib, "nvmlDeviceGetCurrentClocksEventReasons", api->throttle_reasons))
      bind(lib, "nvmlDeviceGetCurrentClocksThrottleReasons", api->throttle_reasons);
    bind(lib, "nvmlDeviceGetTotalEccErrors", api->total_ecc);
    bind(lib, "nvmlDeviceGetTotalEnergyConsumption", api->total_energy);
    if (const int rc = api->init(); rc != kNvmlSuccess) {
      g_reason = "nvmlInit_v2 failed with NVML error " + std::to_string(rc);
      return;
    }
    g_nvml = new Nvml(std::move(api));  // lives for the process; NVML is shut down at exit by the driver
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
  if (!api_->get_serial || api_->get_serial(d, buf, sizeof buf) != kNvmlSuccess) return std::nullopt;
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
  s.throttle_known = api_->throttle_reasons && api_->throttle_reasons(d, &mask) == kNvmlSuccess;
  s.throttle_mask = s.throttle_known ? mask : 0;
  return s;
}

EccCounts Nvml::volatile_ecc(Device d) const {
  EccCounts e;
  unsigned long long c = 0, u = 0;
  if (api_->total_ecc && api_->total_ecc(d, kEccCorrected, kEccVolatile, &c) == kNvmlSuccess &&
      api_->total_ecc(d, kEccUncorrected, kEccVolatile, &u) == kNvmlSuccess) {
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
