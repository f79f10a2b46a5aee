#include "bench/health/nvml_probe.hpp"

#include <cctype>

#include <fmt/format.h>

#include "bench/health/nvml_library.hpp"

namespace capbench {

using namespace nvml;

namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

std::unique_ptr<NvmlProbe> NvmlProbe::open(std::string* why) {
  const Api* a = api(why);
  if (!a) return nullptr;
  if (!a->count || !a->by_index) {
    *why = nvml_library_path() + " lacks nvmlDeviceGetCount_v2 or nvmlDeviceGetHandleByIndex_v2";
    return nullptr;
  }
  return std::unique_ptr<NvmlProbe>(new NvmlProbe(a));
}

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

std::optional<std::uint64_t> ecc_uncorrected(const Api& a, void* d, int counter) {
  unsigned long long v = 0;
  if (!a.total_ecc || a.total_ecc(d, kEccUncorrected, counter, &v) != kSuccess) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> retired(const Api& a, void* d) {
  if (!a.retired_pages) return std::nullopt;
  std::uint64_t total = 0;
  for (int cause : {kRetiredMultipleSingleBit, kRetiredDoubleBit}) {
    unsigned count = 0;  // asks only for the count: no address buffer
    const int rc = a.retired_pages(d, cause, &count, nullptr);
    if (rc != kSuccess && rc != kErrorInsufficientSize) return std::nullopt;
    total += count;
  }
  return total;
}

std::optional<std::vector<NvlinkFacts>> nvlinks(const Api& a, void* d) {
  if (!a.nvlink_state) return std::nullopt;
  std::vector<NvlinkFacts> links;
  for (unsigned l = 0; l < kMaxNvlinks; ++l) {
    int state = 0;
    if (a.nvlink_state(d, l, &state) != kSuccess) continue;  // no such link
    NvlinkFacts f;
    f.link = int(l);
    f.up = state != 0;
    if (a.nvlink_errors) {
      // Every kind the driver answers; none answering leaves the count unknown.
      std::uint64_t sum = 0;
      bool any = false;
      for (int c = 0; c < kNvlinkErrorCounters; ++c) {
        unsigned long long v = 0;
        if (a.nvlink_errors(d, l, c, &v) == kSuccess) sum += v, any = true;
      }
      if (any) f.errors = sum;
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
      // pciDeviceId holds the device id in its upper 16 bits, the vendor in its lower.
      if ((pci.pci_device_id & 0xffffu) == kVendorNvidia) g.pci_device_id = fmt::format("{:04x}", pci.pci_device_id >> 16);
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
