#include "bench/health/nvml_probe.hpp"

#include <dlfcn.h>

#include <cctype>

#include <fmt/format.h>

#include "bench/health/nvml_library.hpp"

namespace capbench {

namespace {
// Values from nvml.h; enums are passed as int, handles as void*.
constexpr int kSuccess = 0;
constexpr int kInsufficientSize = 7;
constexpr int kEccUncorrected = 1, kCounterVolatile = 0, kCounterAggregate = 1;
constexpr int kRetiredMultiSingleBit = 0, kRetiredDoubleBit = 1;
constexpr unsigned kMaxNvlinks = 18;
constexpr int kNvlinkErrorCounters = 4;  // replay, recovery, CRC flit, CRC data
constexpr unsigned long long kEventXidCritical = 0x8;

struct PciInfo {  // nvmlPciInfo_t (v3)
  char bus_id_legacy[16];
  unsigned domain, bus, device, pci_device_id, pci_subsystem_id;
  char bus_id[32];
};

struct EventData {  // nvmlEventData_t
  void* device;
  unsigned long long event_type, event_data;
  unsigned gpu_instance_id, compute_instance_id;
};

template <class F>
bool bind(void* lib, const char* name, F& f) {
  f = reinterpret_cast<F>(dlsym(lib, name));
  return f != nullptr;
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

struct NvmlProbe::Api {
  void* lib = nullptr;
  int (*init)() = nullptr;
  int (*count)(unsigned*) = nullptr;
  int (*by_index)(unsigned, void**) = nullptr;
  int (*driver_version)(char*, unsigned) = nullptr;
  int (*cuda_driver_version)(int*) = nullptr;
  int (*name)(void*, char*, unsigned) = nullptr;
  int (*uuid)(void*, char*, unsigned) = nullptr;
  int (*serial)(void*, char*, unsigned) = nullptr;
  int (*pci_info)(void*, PciInfo*) = nullptr;
  int (*vbios)(void*, char*, unsigned) = nullptr;
  int (*pcie_gen)(void*, unsigned*) = nullptr;
  int (*pcie_gen_max)(void*, unsigned*) = nullptr;
  int (*pcie_width)(void*, unsigned*) = nullptr;
  int (*pcie_width_max)(void*, unsigned*) = nullptr;
  int (*ecc_mode)(void*, int*, int*) = nullptr;
  int (*total_ecc)(void*, int, int, unsigned long long*) = nullptr;
  int (*retired_pages)(void*, int, unsigned*, unsigned long long*) = nullptr;
  int (*retired_pending)(void*, int*) = nullptr;
  int (*remapped_rows)(void*, unsigned*, unsigned*, unsigned*, unsigned*) = nullptr;
  int (*persistence)(void*, int*) = nullptr;
  int (*power_limit)(void*, unsigned*) = nullptr;
  int (*power_limit_default)(void*, unsigned*) = nullptr;
  int (*clock_reasons)(void*, unsigned long long*) = nullptr;
  int (*nvlink_state)(void*, unsigned, int*) = nullptr;
  int (*nvlink_errors)(void*, unsigned, int, unsigned long long*) = nullptr;
  int (*event_set_create)(void**) = nullptr;
  int (*register_events)(void*, unsigned long long, void*) = nullptr;
  int (*event_wait)(void*, EventData*, unsigned) = nullptr;
  int (*event_set_free)(void*) = nullptr;
};

std::unique_ptr<NvmlProbe> NvmlProbe::open(std::string* why) {
  const std::string path = nvml_library_path();
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    const char* e = dlerror();
    *why = fmt::format("{} could not be loaded: {}", path, e ? e : "unknown error");
    return nullptr;
  }
  auto api = std::make_unique<Api>();
  api->lib = lib;
  if (!bind(lib, "nvmlInit_v2", api->init) || !bind(lib, "nvmlDeviceGetCount_v2", api->count) ||
      !bind(lib, "nvmlDeviceGetHandleByIndex_v2", api->by_index)) {
    *why = path + " lacks nvmlInit_v2, nvmlDeviceGetCount_v2 or nvmlDeviceGetHandleByIndex_v2";
    return nullptr;
  }
  bind(lib, "nvmlSystemGetDriverVersion", api->driver_version);
  if (!bind(lib, "nvmlSystemGetCudaDriverVersion_v2", api->cuda_driver_version))
    bind(lib, "nvmlSystemGetCudaDriverVersion", api->cuda_driver_version);
  bind(lib, "nvmlDeviceGetName", api->name);
  bind(lib, "nvmlDeviceGetUUID", api->uuid);
  bind(lib, "nvmlDeviceGetSerial", api->serial);
  if (!bind(lib, "nvmlDeviceGetPciInfo_v3", api->pci_info)) bind(lib, "nvmlDeviceGetPciInfo_v2", api->pci_info);
  bind(lib, "nvmlDeviceGetVbiosVersion", api->vbios);
  bind(lib, "nvmlDeviceGetCurrPcieLinkGeneration", api->pcie_gen);
  bind(lib, "nvmlDeviceGetMaxPcieLinkGeneration", api->pcie_gen_max);
  bind(lib, "nvmlDeviceGetCurrPcieLinkWidth", api->pcie_width);
  bind(lib, "nvmlDeviceGetMaxPcieLinkWidth", api->pcie_width_max);
  bind(lib, "nvmlDeviceGetEccMode", api->ecc_mode);
  bind(lib, "nvmlDeviceGetTotalEccErrors", api->total_ecc);
  bind(lib, "nvmlDeviceGetRetiredPages", api->retired_pages);
  bind(lib, "nvmlDeviceGetRetiredPagesPendingStatus", api->retired_pending);
  bind(lib, "nvmlDeviceGetRemappedRows", api->remapped_rows);
  bind(lib, "nvmlDeviceGetPersistenceMode", api->persistence);
  bind(lib, "nvmlDeviceGetPowerManagementLimit", api->power_limit);
  bind(lib, "nvmlDeviceGetPowerManagementDefaultLimit", api->power_limit_default);
  if (!bind(lib, "nvmlDeviceGetCurrentClocksEventReasons", api->clock_reasons))
    bind(lib, "nvmlDeviceGetCurrentClocksThrottleReasons", api->clock_reasons);
  bind(lib, "nvmlDeviceGetNvLinkState", api->nvlink_state);
  bind(lib, "nvmlDeviceGetNvLinkErrorCounter", api->nvlink_errors);
  bind(lib, "nvmlEventSetCreate", api->event_set_create);
  bind(lib, "nvmlDeviceRegisterEvents", api->register_events);
  if (!bind(lib, "nvmlEventSetWait_v2", api->event_wait)) bind(lib, "nvmlEventSetWait", api->event_wait);
  bind(lib, "nvmlEventSetFree", api->event_set_free);
  if (const int rc = api->init(); rc != kSuccess) {
    *why = fmt::format("nvmlInit_v2 in {} failed with NVML error {}", path, rc);
    return nullptr;
  }
  return std::unique_ptr<NvmlProbe>(new NvmlProbe(std::move(api)));
}

NvmlProbe::NvmlProbe(std::unique_ptr<Api> api) : api_(std::move(api)) {}

NvmlProbe::~NvmlProbe() {
  if (events_ && api_->event_set_free) api_->event_set_free(events_);
}

namespace {

template <class F>
std::optional<std::string> text(F f, void* d) {
  char buf[128] = {};
  if (!f || f(d, buf, sizeof buf) != kSuccess) return std::nullopt;
  return std::string(buf);
}

template <class F>
std::optional<int> uint_value(F f, void* d) {
  unsigned v = 0;
  if (!f || f(d, &v) != kSuccess) return std::nullopt;
  return int(v);
}

template <class F>
std::optional<bool> enabled(F f, void* d) {
  int v = 0;
  if (!f || f(d, &v) != kSuccess) return std::nullopt;
  return v != 0;
}

std::optional<std::uint64_t> ecc_uncorrected(const NvmlProbe::Api& a, void* d, int counter) {
  unsigned long long v = 0;
  if (!a.total_ecc || a.total_ecc(d, kEccUncorrected, counter, &v) != kSuccess) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> retired(const NvmlProbe::Api& a, void* d) {
  if (!a.retired_pages) return std::nullopt;
  std::uint64_t total = 0;
  for (int cause : {kRetiredMultiSingleBit, kRetiredDoubleBit}) {
    unsigned count = 0;  // asks only for the count: no address buffer
    const int rc = a.retired_pages(d, cause, &count, nullptr);
    if (rc != kSuccess && rc != kInsufficientSize) return std::nullopt;
    total += count;
  }
  return total;
}

std::optional<std::vector<NvlinkFacts>> nvlinks(const NvmlProbe::Api& a, void* d) {
  if (!a.nvlink_state) return std::nullopt;
  std::vector<NvlinkFacts> links;
  for (unsigned l = 0; l < kMaxNvlinks; ++l) {
    int state = 0;
    if (a.nvlink_state(d, l, &state) != kSuccess) continue;  // no such link
    NvlinkFacts f;
    f.link = int(l);
    f.up = state != 0;
    if (a.nvlink_errors) {
      std::uint64_t sum = 0;
      bool all = true;
      for (int c = 0; c < kNvlinkErrorCounters; ++c) {
        unsigned long long v = 0;
        if (a.nvlink_errors(d, l, c, &v) == kSuccess) sum += v;
        else all = false;
      }
      if (all) f.errors = sum;
    }
    links.push_back(f);
  }
  return links;
}

}  // namespace

void NvmlProbe::collect(NodeFacts& node) {
  const Api& a = *api_;
  node.nvml = true;
  char buf[96] = {};
  if (a.driver_version && a.driver_version(buf, sizeof buf) == kSuccess) node.driver = std::string(buf);
  int cuda = 0;
  if (a.cuda_driver_version && a.cuda_driver_version(&cuda) == kSuccess)
    node.cuda_driver = fmt::format("{}.{}", cuda / 1000, (cuda % 1000) / 10);
  unsigned count = 0;
  if (a.count(&count) != kSuccess) count = 0;
  if (!events_ && a.event_set_create && a.register_events && a.event_wait && a.event_set_create(&events_) != kSuccess)
    events_ = nullptr;
  for (unsigned i = 0; i < count; ++i) {
    void* d = nullptr;
    if (a.by_index(i, &d) != kSuccess) continue;
    GpuFacts g;
    g.index = int(i);
    g.name = text(a.name, d).value_or("");
    g.uuid = text(a.uuid, d).value_or("");
    g.serial = text(a.serial, d).value_or("");
    PciInfo pci{};
    if (a.pci_info && a.pci_info(d, &pci) == kSuccess) {
      // NVML writes an 8-digit domain ("00000000:3b:00.0"); capbench's identities use CUDA's 4.
      g.bus_id = lower(pci.bus_id);
      if (g.bus_id.size() == 16 && g.bus_id.rfind("0000", 0) == 0) g.bus_id.erase(0, 4);
    }
    g.vbios = text(a.vbios, d);
    g.pcie_gen = uint_value(a.pcie_gen, d);
    g.pcie_gen_max = uint_value(a.pcie_gen_max, d);
    g.pcie_width = uint_value(a.pcie_width, d);
    g.pcie_width_max = uint_value(a.pcie_width_max, d);
    int ecc_current = 0, ecc_pending = 0;
    if (a.ecc_mode && a.ecc_mode(d, &ecc_current, &ecc_pending) == kSuccess) g.ecc_enabled = ecc_current != 0;
    g.ecc_uncorrected_volatile = ecc_uncorrected(a, d, kCounterVolatile);
    g.ecc_uncorrected_aggregate = ecc_uncorrected(a, d, kCounterAggregate);
    g.retired_pages = retired(a, d);
    g.retired_pages_pending = enabled(a.retired_pending, d);
    unsigned corr = 0, unc = 0, pending = 0, failed = 0;
    if (a.remapped_rows && a.remapped_rows(d, &corr, &unc, &pending, &failed) == kSuccess) {
      g.remapped_rows_correctable = corr;
      g.remapped_rows_uncorrectable = unc;
      g.remap_pending = pending != 0;
      g.remap_failed = failed != 0;
    }
    g.persistence = enabled(a.persistence, d);
    if (auto mw = uint_value(a.power_limit, d)) g.power_limit_w = *mw / 1000.0;
    if (auto mw = uint_value(a.power_limit_default, d)) g.power_limit_default_w = *mw / 1000.0;
    unsigned long long reasons = 0;
    if (a.clock_reasons && a.clock_reasons(d, &reasons) == kSuccess) g.clocks_event_reasons = reasons;
    g.nvlinks = nvlinks(a, d);
    if (events_) a.register_events(d, kEventXidCritical, events_);
    devices_.push_back(d);
    names_.push_back(g.describe());
    has_nvlink_.push_back(g.nvlinks && !g.nvlinks->empty());
    node.gpus.push_back(std::move(g));
  }
}

std::vector<GpuCounters> NvmlProbe::counters() const {
  std::vector<GpuCounters> out;
  for (std::size_t i = 0; i < devices_.size(); ++i) {
    GpuCounters c;
    c.gpu = names_[i];
    c.ecc_uncorrected_volatile = ecc_uncorrected(*api_, devices_[i], kCounterVolatile);
    if (has_nvlink_[i]) {
      std::uint64_t sum = 0;
      bool all = true;
      const auto links = nvlinks(*api_, devices_[i]);
      for (const auto& l : links.value_or(std::vector<NvlinkFacts>{})) {
        if (l.errors) sum += *l.errors;
        else all = false;
      }
      if (all) c.nvlink_errors = sum;
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<XidEvent> NvmlProbe::poll_xids() {
  std::vector<XidEvent> out;
  if (!events_) return out;
  // Bounded: a device flooding events cannot hold the run here.
  for (int k = 0; k < 1000; ++k) {
    EventData e{};
    if (api_->event_wait(events_, &e, 0) != kSuccess) break;
    if (!(e.event_type & kEventXidCritical)) continue;
    std::string gpu = "an unknown GPU";
    for (std::size_t i = 0; i < devices_.size(); ++i)
      if (devices_[i] == e.device) gpu = names_[i];
    out.push_back({gpu, e.event_data});
  }
  return out;
}

}  // namespace capbench
