#include "bench/health/health_checks.hpp"
#include "common/utf8.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace capbench {

namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

HealthCheck make(std::string check, const std::string& host, std::string gpu, bool ok, std::string value,
                 std::string expected) {
  return {std::move(check), host, std::move(gpu), ok ? "pass" : "fail", std::move(value), std::move(expected)};
}

HealthCheck unknown(std::string check, const std::string& host, std::string gpu, std::string why,
                    std::string expected) {
  return {std::move(check), host, std::move(gpu), "unknown", std::move(why), std::move(expected)};
}

void cpu_checks(std::vector<HealthCheck>& out, const NodeFacts& n, const NodeExpectation& e) {
  out.push_back(make("cpu_cores", n.host, "", e.cpu_cores && n.cpu_cores == *e.cpu_cores,
                     fmt::format("{} CPUs online", n.cpu_cores),
                     fmt::format("{} ({})", e.cpu_cores.value_or(0), e.cores_basis)));
  const double gib = double(n.memory_bytes) / kGiB;
  const double min = e.memory_gib_min.value_or(0);
  out.push_back(make("memory", n.host, "", gib >= min, fmt::format("{:.1f} GiB", gib),
                     fmt::format("at least {:.1f} GiB ({})", min, e.memory_basis)));
  if (n.cpu_governors_seen.empty()) {
    // No cpufreq driver: no OS governor can be holding the clocks down (VMs, firmware control).
    out.push_back(make("cpu_governor", n.host, "", true, "no cpufreq driver (the OS does not scale the frequency)",
                       "performance, or no OS frequency scaling"));
  } else {
    const bool ok = n.cpu_governors_seen.size() == 1 && n.cpu_governors_seen[0] == "performance";
    std::string seen;
    for (const auto& g : n.cpu_governors_seen) seen += (seen.empty() ? "" : ", ") + g;
    out.push_back(make("cpu_governor", n.host, "", ok, seen, "performance on every CPU"));
  }
}

void gpu_checks(std::vector<HealthCheck>& out, const NodeFacts& n, const NodeExpectation& e) {
  for (const auto& g : n.gpus) {
    const std::string gpu = g.describe();
    if (e.model)
      out.push_back(make("gpu_model", n.host, gpu, e.model->matches(g), g.name,
                         fmt::format("{} ({})", e.model->text, e.model_basis)));
    if (g.pcie_width && g.pcie_width_max && g.pcie_gen && g.pcie_gen_max) {
      // A link trained narrower than it can is a fault; a lower generation at idle is power saving.
      const bool ok = *g.pcie_width >= *g.pcie_width_max;
      out.push_back(make("pcie_link", n.host, gpu, ok,
                         fmt::format("gen {} x{} (max gen {} x{}){}", *g.pcie_gen, *g.pcie_width, *g.pcie_gen_max,
                                     *g.pcie_width_max,
                                     *g.pcie_gen < *g.pcie_gen_max ? "; lower generation at idle is power saving" : ""),
                         fmt::format("width x{}", *g.pcie_width_max)));
    } else {
      out.push_back(unknown("pcie_link", n.host, gpu, "NVML did not report the link", "width at its maximum"));
    }
    if (g.ecc_enabled)
      out.push_back(make("ecc_mode", n.host, gpu, *g.ecc_enabled, *g.ecc_enabled ? "enabled" : "disabled", "enabled"));
    else
      out.push_back(unknown("ecc_mode", n.host, gpu, "NVML did not report the ECC mode (no ECC on this GPU?)", "enabled"));
    if (g.ecc_uncorrected_volatile)
      out.push_back(make("ecc_uncorrected", n.host, gpu, *g.ecc_uncorrected_volatile == 0,
                         fmt::format("{} since boot, {} lifetime", *g.ecc_uncorrected_volatile,
                                     g.ecc_uncorrected_aggregate ? fmt::format("{}", *g.ecc_uncorrected_aggregate) : "?"),
                         "0 since boot"));
    else
      out.push_back(unknown("ecc_uncorrected", n.host, gpu, "NVML did not report ECC counts", "0 since boot"));
    // Row remapping (Ampere and later) or page retirement (earlier): whichever the GPU has.
    if (g.remap_pending || g.retired_pages_pending) {
      std::vector<std::string> bad, seen;
      if (g.remap_pending) {
        seen.push_back(fmt::format("remapped rows {} correctable, {} uncorrectable",
                                   g.remapped_rows_correctable.value_or(0), g.remapped_rows_uncorrectable.value_or(0)));
        if (*g.remap_pending) bad.push_back("remap pending (reset the GPU)");
        if (g.remap_failed.value_or(false)) bad.push_back("remap failed");
      }
      if (g.retired_pages_pending) {
        seen.push_back(fmt::format("{} retired pages", g.retired_pages.value_or(0)));
        if (*g.retired_pages_pending) bad.push_back("page retirement pending (reset the GPU)");
      }
      std::string value;
      for (const auto& s : bad) value += (value.empty() ? "" : "; ") + s;
      for (const auto& s : seen) value += (value.empty() ? "" : "; ") + s;
      out.push_back(make("memory_repair", n.host, gpu, bad.empty(), value, "no pending or failed remap or retirement"));
    } else {
      out.push_back(unknown("memory_repair", n.host, gpu, "NVML reported neither row remapping nor retired pages",
                            "no pending or failed remap or retirement"));
    }
    if (g.persistence)
      out.push_back(make("persistence_mode", n.host, gpu, *g.persistence, *g.persistence ? "enabled" : "disabled",
                         "enabled"));
    else
      out.push_back(unknown("persistence_mode", n.host, gpu, "NVML did not report it", "enabled"));
    if (g.power_limit_w && g.power_limit_default_w)
      out.push_back(make("power_limit", n.host, gpu, *g.power_limit_w >= *g.power_limit_default_w - 0.5,
                         fmt::format("{:.0f} W", *g.power_limit_w),
                         fmt::format("at least the default {:.0f} W", *g.power_limit_default_w)));
    else
      out.push_back(unknown("power_limit", n.host, gpu, "NVML did not report the limits", "at least the default"));
    if (g.clocks_event_reasons)
      out.push_back(make("clocks_idle", n.host, gpu, (*g.clocks_event_reasons & kLimitingClockReasons) == 0,
                         fmt::format("reasons {:#x}", *g.clocks_event_reasons),
                         "no power, thermal or hardware slowdown at idle"));
    else
      out.push_back(unknown("clocks_idle", n.host, gpu, "NVML did not report clocks-event reasons",
                            "no slowdown at idle"));
    if (g.nvlinks && !g.nvlinks->empty()) {
      std::vector<int> down;
      std::uint64_t errors = 0;
      for (const auto& l : *g.nvlinks) {
        if (!l.up) down.push_back(l.link);
        errors += l.errors.value_or(0);
      }
      std::string value = fmt::format("{} of {} links up", g.nvlinks->size() - down.size(), g.nvlinks->size());
      if (!down.empty()) value += fmt::format(" (down: {})", fmt::join(down, ", "));
      value += fmt::format("; {} error counts since boot", errors);
      out.push_back(make("nvlink", n.host, gpu, down.empty(), value, "every link up"));
    }
  }
  if (e.gpus && (*e.gpus > 0 || e.gpus_basis != kBasisMajority))
    out.push_back(make("gpu_count", n.host, "", int(n.gpus.size()) == *e.gpus,
                       fmt::format("{} of {} GPUs", n.gpus.size(), *e.gpus),
                       fmt::format("{} ({})", *e.gpus, e.gpus_basis)));
}

// One job-wide check per quantity that must be the same everywhere: the differences listed.
void uniform(std::vector<HealthCheck>& out, const std::string& check,
             const std::vector<std::pair<std::string, std::string>>& where_what) {
  if (where_what.empty()) return;
  std::map<std::string, std::vector<std::string>> by_value;
  for (const auto& [where, what] : where_what) by_value[what].push_back(where);
  std::string value;
  if (by_value.size() == 1) {
    value = by_value.begin()->first + " everywhere";
  } else {
    for (const auto& [what, wheres] : by_value)
      value += fmt::format("{}{} on {}", value.empty() ? "" : "; ", what, fmt::join(wheres, ", "));
  }
  out.push_back(make(check, "job", "", by_value.size() == 1, value, "the same on every node"));
}

}  // namespace

std::vector<HealthCheck> check_nodes(const std::vector<NodeFacts>& nodes, const HealthExpectations& e) {
  return check_nodes(nodes, resolve_expectations(nodes, e, nullptr), e.gpus_expected);
}

std::vector<HealthCheck> check_nodes(const std::vector<NodeFacts>& nodes, const std::vector<NodeExpectation>& expect,
                                     bool gpus_expected) {
  std::vector<HealthCheck> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) cpu_checks(out, nodes[i], expect.at(i));
  if (!gpus_expected && std::none_of(expect.begin(), expect.end(), [](const NodeExpectation& e) { return e.gpus; }))
    return out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeFacts& n = nodes[i];
    const NodeExpectation& e = expect.at(i);
    if (!e.gpus && !gpus_expected) continue;
    if (!n.nvml) {
      out.push_back(unknown("gpu_count", n.host, "", "NVML unavailable: " + n.nvml_reason,
                            fmt::format("{} GPUs, read through NVML ({})", e.gpus.value_or(0), e.gpus_basis)));
      continue;
    }
    gpu_checks(out, n, e);
  }

  std::vector<std::pair<std::string, std::string>> driver, cuda, nccl;
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> vbios_by_model;
  for (const auto& n : nodes) {
    if (n.driver) driver.emplace_back(n.host, *n.driver);
    if (n.cuda_driver) cuda.emplace_back(n.host, *n.cuda_driver);
    if (n.nccl) nccl.emplace_back(n.host, *n.nccl);
    for (const auto& g : n.gpus)
      if (g.vbios) vbios_by_model[g.name].emplace_back(n.host + " " + g.describe(), *g.vbios);
  }
  uniform(out, "driver_version", driver);
  uniform(out, "cuda_version", cuda);
  uniform(out, "nccl_version", nccl);
  for (const auto& [model, list] : vbios_by_model) uniform(out, "vbios_version", list);
  return out;
}

std::vector<HealthCheck> initial_run_checks(const std::vector<NodeFacts>& nodes) {
  std::vector<HealthCheck> out;
  for (const auto& n : nodes) {
    if (!n.nvml) continue;
    for (const auto& g : n.gpus) {
      out.push_back(make("xid_events", n.host, g.describe(), true, "none so far", "no XID event during the run"));
      out.push_back(make("ecc_uncorrected_during_run", n.host, g.describe(), true, "none so far",
                         "no new uncorrected ECC error during the run"));
      if (g.nvlinks && !g.nvlinks->empty())
        out.push_back(make("nvlink_errors_during_run", n.host, g.describe(), true, "none so far",
                           "no new NVLink error during the run"));
    }
  }
  return out;
}

namespace {

HealthCheck* find_check(std::vector<HealthCheck>& checks, const std::string& check, const std::string& host,
                        const std::string& gpu) {
  for (auto& c : checks)
    if (c.check == check && c.host == host && c.gpu == gpu) return &c;
  return nullptr;
}

void note_failure(std::vector<HealthCheck>& checks, const std::string& check, const std::string& host,
                  const std::string& gpu, const std::string& what) {
  HealthCheck* c = find_check(checks, check, host, gpu);
  if (!c) {
    checks.push_back(make(check, host, gpu, false, what, "none during the run"));
    return;
  }
  c->value = c->status == "pass" ? what : c->value + "; " + what;
  c->status = "fail";
}

std::optional<std::uint64_t> rise(const std::optional<std::uint64_t>& a, const std::optional<std::uint64_t>& b) {
  if (!a || !b) return std::nullopt;
  return *b > *a ? *b - *a : 0;
}

}  // namespace

json case_health_change(const CaseHealthDelta& d) {
  json out = json::object();
  for (const auto& x : d.xids) out["xid_events"].push_back({{"gpu", x.gpu}, {"xid", x.xid}});
  for (const auto& a : d.after) {
    const auto b = std::find_if(d.before.begin(), d.before.end(), [&](const GpuCounters& c) { return c.gpu == a.gpu; });
    if (b == d.before.end()) continue;
    if (auto r = rise(b->ecc_uncorrected_volatile, a.ecc_uncorrected_volatile); r && *r > 0)
      out["ecc_uncorrected_new"][a.gpu] = *r;
    if (auto r = rise(b->nvlink_errors, a.nvlink_errors); r && *r > 0) out["nvlink_errors_new"][a.gpu] = *r;
  }
  return out.empty() ? json(nullptr) : out;
}

void fold_case_health(std::vector<HealthCheck>& checks, const std::string& case_id, const std::string& host,
                      const json& change) {
  if (!change.is_object()) return;
  if (auto x = change.find("xid_events"); x != change.end())
    for (const auto& e : *x)
      note_failure(checks, "xid_events", host, e.value("gpu", std::string("an unknown GPU")),
                   fmt::format("XID {} in case {}", e.value("xid", std::uint64_t(0)), case_id));
  if (auto x = change.find("ecc_uncorrected_new"); x != change.end() && x->is_object())
    for (const auto& [gpu, n] : x->items())
      note_failure(checks, "ecc_uncorrected_during_run", host, gpu,
                   fmt::format("{} new uncorrected ECC errors in case {}", json_text(n), case_id));
  if (auto x = change.find("nvlink_errors_new"); x != change.end() && x->is_object())
    for (const auto& [gpu, n] : x->items())
      note_failure(checks, "nvlink_errors_during_run", host, gpu,
                   fmt::format("{} new NVLink errors in case {}", json_text(n), case_id));
}

}  // namespace capbench
