// A stand-in for libnvidia-ml.so.1, for tests only: answers the NVML calls capbench makes
// with values planted in a JSON file named by CAPBENCH_FAKE_NVML_CONFIG. capbench loads it
// in place of the real library through CAPBENCH_NVML_LIBRARY. It tests capbench's handling
// of NVML's answers, not NVML. A quantity the file leaves out answers NOT_SUPPORTED.
//
// {"driver": "550.54.15", "cuda_driver": 12040,
//  "gpus": [{"name": "...", "bus_id": "00000000:18:00.0", "uuid": "...", "serial": "...",
//            "vbios": "...", "pcie_gen": 5, "pcie_gen_max": 5, "pcie_width": 16,
//            "pcie_width_max": 16, "ecc": true, "ecc_uncorrected_volatile": 0,
//            "ecc_uncorrected_aggregate": 0, "retired_pages": 0, "retired_pending": false,
//            "remap": [correctable, uncorrectable, pending, failed], "persistence": true,
//            "power_limit_mw": 700000, "power_default_mw": 700000, "clocks_event_reasons": 1,
//            "nvlinks": 18, "nvlinks_down": [3], "nvlink_errors": 0,
//            "pci_device_id": 590352606 (0x233010de: device 2330, vendor 10de),
//            "energy_mj": 1000000, "energy_mj_per_read": 50000,
//            "xid": 79, "xid_on_wait_call": 1, "ecc_rise_on_read": 0}]}
// xid_on_wait_call: the n-th call of nvmlEventSetWait (from 1) delivers that XID.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/health/nvml_api.hpp"

namespace {

using json = nlohmann::json;
namespace nv = capbench::nvml;
constexpr int kSuccess = nv::kSuccess, kInvalidArgument = nv::kErrorInvalidArgument,
              kNotSupported = nv::kErrorNotSupported, kNotFound = nv::kErrorNotFound,
              kInsufficientSize = nv::kErrorInsufficientSize, kTimeout = nv::kErrorTimeout, kUnknown = nv::kErrorUnknown;

struct Gpu {
  json j;
  unsigned long long energy_reads = 0;
  unsigned long long ecc_reads = 0;
};

struct State {
  bool loaded = false;
  json config;
  std::vector<Gpu> gpus;
  int wait_calls = 0;
};

State& state() {
  static State s;
  return s;
}

bool load() {
  State& s = state();
  if (s.loaded) return true;
  const char* path = std::getenv("CAPBENCH_FAKE_NVML_CONFIG");
  if (!path) return false;
  std::ifstream in(path);
  if (!in) return false;
  try {
    in >> s.config;
  } catch (...) {
    return false;
  }
  for (const auto& g : s.config.value("gpus", json::array())) s.gpus.push_back({g});
  s.loaded = true;
  return true;
}

Gpu* gpu(void* d) {
  auto& v = state().gpus;
  for (auto& g : v)
    if (&g == d) return &g;
  return nullptr;
}

int copy_text(const std::string& text, char* out, unsigned len) {
  if (text.size() + 1 > len) return kInsufficientSize;
  std::memcpy(out, text.c_str(), text.size() + 1);
  return kSuccess;
}

template <class T>
int field(void* d, const char* key, T* out) {
  Gpu* g = gpu(d);
  if (!g || !out) return kInvalidArgument;
  auto it = g->j.find(key);
  if (it == g->j.end() || it->is_null()) return kNotSupported;
  *out = it->get<T>();
  return kSuccess;
}

int text_field(void* d, const char* key, char* out, unsigned len) {
  std::string s;
  if (const int rc = field(d, key, &s); rc != kSuccess) return rc;
  return copy_text(s, out, len);
}

int enable_field(void* d, const char* key, int* out) {
  bool b = false;
  if (const int rc = field(d, key, &b); rc != kSuccess) return rc;
  *out = b ? 1 : 0;
  return kSuccess;
}

// NVML's layouts as capbench declares them (checked against nvml.h there).
using PciInfo = capbench::nvml::PciInfo;
using EventData = capbench::nvml::EventData;

int g_event_set_token = 0;

unsigned g_pci_device_id(void* d) {
  const Gpu* g = gpu(d);
  return g ? g->j.value("pci_device_id", 0u) : 0u;
}

}  // namespace

extern "C" {

int nvmlInit_v2() { return load() ? kSuccess : kUnknown; }
int nvmlShutdown() { return kSuccess; }

int nvmlDeviceGetCount_v2(unsigned* n) {
  *n = unsigned(state().gpus.size());
  return kSuccess;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned i, void** d) {
  if (i >= state().gpus.size()) return kInvalidArgument;
  *d = &state().gpus[i];
  return kSuccess;
}

int nvmlDeviceGetHandleByPciBusId_v2(const char* bus_id, void** d) {
  for (auto& g : state().gpus) {
    std::string mine = g.j.value("bus_id", std::string());
    for (auto& c : mine) c = char(std::tolower(static_cast<unsigned char>(c)));
    std::string want = bus_id;
    for (auto& c : want) c = char(std::tolower(static_cast<unsigned char>(c)));
    // NVML accepts the 4- and the 8-digit domain forms.
    if (mine == want || (mine.size() > 4 && mine.substr(4) == want) || (want.size() > 4 && want.substr(4) == mine)) {
      *d = &g;
      return kSuccess;
    }
  }
  return kNotFound;
}

int nvmlSystemGetDriverVersion(char* out, unsigned len) {
  if (!state().config.contains("driver")) return kNotSupported;
  return copy_text(state().config["driver"].get<std::string>(), out, len);
}

int nvmlSystemGetCudaDriverVersion_v2(int* v) {
  if (!state().config.contains("cuda_driver")) return kNotSupported;
  *v = state().config["cuda_driver"].get<int>();
  return kSuccess;
}

int nvmlDeviceGetName(void* d, char* out, unsigned len) { return text_field(d, "name", out, len); }
int nvmlDeviceGetUUID(void* d, char* out, unsigned len) { return text_field(d, "uuid", out, len); }
int nvmlDeviceGetSerial(void* d, char* out, unsigned len) { return text_field(d, "serial", out, len); }
int nvmlDeviceGetVbiosVersion(void* d, char* out, unsigned len) { return text_field(d, "vbios", out, len); }

int nvmlDeviceGetPciInfo_v3(void* d, PciInfo* p) {
  std::string id;
  if (const int rc = field(d, "bus_id", &id); rc != kSuccess) return rc;
  std::memset(p, 0, sizeof *p);
  std::snprintf(p->bus_id, sizeof p->bus_id, "%s", id.c_str());
  std::snprintf(p->bus_id_legacy, sizeof p->bus_id_legacy, "%s", id.size() > 4 ? id.c_str() + 4 : id.c_str());
  // "pci_device_id": NVML's combined word, device id in the upper 16 bits (e.g. 0x233010de).
  p->pci_device_id = g_pci_device_id(d);
  return kSuccess;
}

int nvmlDeviceGetCurrPcieLinkGeneration(void* d, unsigned* v) { return field(d, "pcie_gen", v); }
int nvmlDeviceGetMaxPcieLinkGeneration(void* d, unsigned* v) { return field(d, "pcie_gen_max", v); }
int nvmlDeviceGetCurrPcieLinkWidth(void* d, unsigned* v) { return field(d, "pcie_width", v); }
int nvmlDeviceGetMaxPcieLinkWidth(void* d, unsigned* v) { return field(d, "pcie_width_max", v); }

int nvmlDeviceGetEccMode(void* d, int* current, int* pending) {
  if (const int rc = enable_field(d, "ecc", current); rc != kSuccess) return rc;
  *pending = *current;
  return kSuccess;
}

// Uncorrected (type 1) counters; ecc_rise_on_read adds that many on every volatile read after
// the first, as errors appearing during a case would.
int nvmlDeviceGetTotalEccErrors(void* d, int type, int counter, unsigned long long* v) {
  Gpu* g = gpu(d);
  if (!g) return kInvalidArgument;
  if (type != 1) {
    *v = 0;
    return kSuccess;
  }
  const int rc = field(d, counter == 0 ? "ecc_uncorrected_volatile" : "ecc_uncorrected_aggregate", v);
  if (rc == kSuccess && counter == 0) *v += g->j.value("ecc_rise_on_read", 0ull) * g->ecc_reads++;
  return rc;
}

int nvmlDeviceGetRetiredPages(void* d, int cause, unsigned* count, unsigned long long* addresses) {
  unsigned total = 0;
  if (const int rc = field(d, "retired_pages", &total); rc != kSuccess) return rc;
  const unsigned n = cause == 1 ? total : 0;  // all planted pages as double-bit retirements
  const unsigned room = *count;
  *count = n;
  if (room < n) return kInsufficientSize;
  for (unsigned i = 0; i < n && addresses; ++i) addresses[i] = 0x1000ull * (i + 1);
  return kSuccess;
}

int nvmlDeviceGetRetiredPagesPendingStatus(void* d, int* pending) { return enable_field(d, "retired_pending", pending); }

int nvmlDeviceGetRemappedRows(void* d, unsigned* corr, unsigned* unc, unsigned* pending, unsigned* failed) {
  std::vector<unsigned> r;
  if (const int rc = field(d, "remap", &r); rc != kSuccess) return rc;
  if (r.size() != 4) return kUnknown;
  *corr = r[0], *unc = r[1], *pending = r[2], *failed = r[3];
  return kSuccess;
}

int nvmlDeviceGetPersistenceMode(void* d, int* v) { return enable_field(d, "persistence", v); }
int nvmlDeviceGetPowerManagementLimit(void* d, unsigned* v) { return field(d, "power_limit_mw", v); }
int nvmlDeviceGetPowerManagementDefaultLimit(void* d, unsigned* v) { return field(d, "power_default_mw", v); }
int nvmlDeviceGetCurrentClocksEventReasons(void* d, unsigned long long* v) { return field(d, "clocks_event_reasons", v); }

int nvmlDeviceGetNvLinkState(void* d, unsigned link, int* up) {
  unsigned links = 0;
  if (const int rc = field(d, "nvlinks", &links); rc != kSuccess) return rc;
  if (link >= links) return kInvalidArgument;
  Gpu* g = gpu(d);
  *up = 1;
  for (const auto& down : g->j.value("nvlinks_down", json::array()))
    if (down.get<unsigned>() == link) *up = 0;
  return kSuccess;
}

int nvmlDeviceGetNvLinkErrorCounter(void* d, unsigned link, int counter, unsigned long long* v) {
  unsigned links = 0;
  if (const int rc = field(d, "nvlinks", &links); rc != kSuccess) return rc;
  if (link >= links || counter < 0 || counter >= nv::kNvlinkErrorCounters) return kInvalidArgument;
  *v = counter == 0 && link == 0 ? gpu(d)->j.value("nvlink_errors", 0ull) : 0;
  return kSuccess;
}

// Telemetry (the CUDA backend's sampler).
int nvmlDeviceGetClockInfo(void* d, int type, unsigned* v) { return field(d, type == 1 ? "sm_clock_mhz" : "mem_clock_mhz", v); }
int nvmlDeviceGetMaxClockInfo(void* d, int type, unsigned* v) {
  return field(d, type == 1 ? "sm_clock_max_mhz" : "mem_clock_max_mhz", v);
}
int nvmlDeviceGetPowerUsage(void* d, unsigned* v) { return field(d, "power_mw", v); }
int nvmlDeviceGetTemperature(void* d, int, unsigned* v) { return field(d, "temperature_c", v); }

// A counter that rises by energy_mj_per_read on every read: a window's energy is exact.
int nvmlDeviceGetTotalEnergyConsumption(void* d, unsigned long long* mj) {
  unsigned long long base = 0;
  if (const int rc = field(d, "energy_mj", &base); rc != kSuccess) return rc;
  Gpu* g = gpu(d);
  *mj = base + g->j.value("energy_mj_per_read", 0ull) * g->energy_reads++;
  return kSuccess;
}

int nvmlEventSetCreate(void** set) {
  *set = &g_event_set_token;
  return kSuccess;
}
int nvmlDeviceRegisterEvents(void* d, unsigned long long, void*) { return gpu(d) ? kSuccess : kInvalidArgument; }
int nvmlEventSetFree(void*) { return kSuccess; }

int nvmlEventSetWait_v2(void*, EventData* e, unsigned) {
  const int call = ++state().wait_calls;
  for (auto& g : state().gpus) {
    if (g.j.value("xid_on_wait_call", 0) == call && g.j.contains("xid")) {
      std::memset(e, 0, sizeof *e);
      e->device = &g;
      e->event_type = nv::kEventXidCritical;
      e->event_data = g.j["xid"].get<unsigned long long>();
      return kSuccess;
    }
  }
  return kTimeout;
}

}  // extern "C"
