#include "bench/health/nvml_api.hpp"

#include <dlfcn.h>

#include <mutex>

#include <fmt/format.h>

#include "bench/health/nvml_library.hpp"

namespace capbench::nvml {

namespace {

template <class F>
bool bind(void* lib, const char* name, F& f) {
  f = reinterpret_cast<F>(dlsym(lib, name));
  return f != nullptr;
}

// Newer entry points first; the older ones stay exported for old callers.
void bind_all(void* lib, Api& a) {
  bind(lib, "nvmlDeviceGetCount_v2", a.count);
  bind(lib, "nvmlDeviceGetHandleByIndex_v2", a.by_index);
  bind(lib, "nvmlDeviceGetHandleByPciBusId_v2", a.by_pci_bus_id);
  bind(lib, "nvmlSystemGetDriverVersion", a.driver_version);
  if (!bind(lib, "nvmlSystemGetCudaDriverVersion_v2", a.cuda_driver_version))
    bind(lib, "nvmlSystemGetCudaDriverVersion", a.cuda_driver_version);
  bind(lib, "nvmlDeviceGetName", a.name);
  bind(lib, "nvmlDeviceGetUUID", a.uuid);
  bind(lib, "nvmlDeviceGetSerial", a.serial);
  if (!bind(lib, "nvmlDeviceGetPciInfo_v3", a.pci_info)) bind(lib, "nvmlDeviceGetPciInfo_v2", a.pci_info);
  bind(lib, "nvmlDeviceGetVbiosVersion", a.vbios);
  bind(lib, "nvmlDeviceGetCurrPcieLinkGeneration", a.pcie_gen);
  bind(lib, "nvmlDeviceGetMaxPcieLinkGeneration", a.pcie_gen_max);
  bind(lib, "nvmlDeviceGetCurrPcieLinkWidth", a.pcie_width);
  bind(lib, "nvmlDeviceGetMaxPcieLinkWidth", a.pcie_width_max);
  bind(lib, "nvmlDeviceGetEccMode", a.ecc_mode);
  bind(lib, "nvmlDeviceGetTotalEccErrors", a.total_ecc);
  bind(lib, "nvmlDeviceGetRetiredPages", a.retired_pages);
  bind(lib, "nvmlDeviceGetRetiredPagesPendingStatus", a.retired_pending);
  bind(lib, "nvmlDeviceGetRemappedRows", a.remapped_rows);
  bind(lib, "nvmlDeviceGetPersistenceMode", a.persistence);
  bind(lib, "nvmlDeviceGetPowerManagementLimit", a.power_limit);
  bind(lib, "nvmlDeviceGetPowerManagementDefaultLimit", a.power_limit_default);
  // Renamed in NVML 12.2; the throttle name is deprecated in 13 but still exported.
  if (!bind(lib, "nvmlDeviceGetCurrentClocksEventReasons", a.clock_reasons))
    bind(lib, "nvmlDeviceGetCurrentClocksThrottleReasons", a.clock_reasons);
  bind(lib, "nvmlDeviceGetClockInfo", a.clock_info);
  bind(lib, "nvmlDeviceGetMaxClockInfo", a.max_clock_info);
  bind(lib, "nvmlDeviceGetPowerUsage", a.power_usage);
  bind(lib, "nvmlDeviceGetTemperature", a.temperature);
  bind(lib, "nvmlDeviceGetTotalEnergyConsumption", a.total_energy);
  bind(lib, "nvmlDeviceGetNvLinkState", a.nvlink_state);
  bind(lib, "nvmlDeviceGetNvLinkErrorCounter", a.nvlink_errors);
  bind(lib, "nvmlEventSetCreate", a.event_set_create);
  bind(lib, "nvmlDeviceRegisterEvents", a.register_events);
  if (!bind(lib, "nvmlEventSetWait_v2", a.event_wait)) bind(lib, "nvmlEventSetWait", a.event_wait);
  bind(lib, "nvmlEventSetFree", a.event_set_free);
}

struct Loaded {
  Api api;
  bool ok = false;
  std::string why;
};

const Loaded& loaded() {
  static Loaded l;
  static std::once_flag once;
  std::call_once(once, [] {
    const std::string path = nvml_library_path();  // CAPBENCH_NVML_LIBRARY: tests only
    void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char* e = dlerror();
      l.why = fmt::format("{} could not be loaded: {}", path, e ? e : "unknown error");
      return;
    }
    if (!bind(lib, "nvmlInit_v2", l.api.init)) {
      l.why = path + " lacks nvmlInit_v2";
      return;
    }
    bind_all(lib, l.api);
    if (const int rc = l.api.init(); rc != kSuccess) {
      l.why = fmt::format("nvmlInit_v2 in {} failed with NVML error {}", path, rc);
      return;
    }
    // Kept loaded and initialised for the process: the driver releases NVML at exit.
    l.ok = true;
  });
  return l;
}

}  // namespace

const Api* api(std::string* why) {
  const Loaded& l = loaded();
  if (!l.ok && why) *why = l.why;
  return l.ok ? &l.api : nullptr;
}

}  // namespace capbench::nvml
