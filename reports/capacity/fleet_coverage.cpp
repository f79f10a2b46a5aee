#include "reports/capacity/fleet_coverage.hpp"

#include <map>
#include <set>

#include <fmt/format.h>

#include "reports/capacity/model_precisions.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

namespace {
bool declared_model(const Analysis& a, const GpuIdentity& g) {
  if (!a.system || !g.model) return false;
  for (const auto& item : a.system->inventory)
    if (item.measurable_by_capbench && item.gpu == g.model) return true;
  return false;
}
std::string join(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}
}  // namespace

std::vector<std::string> undeclared_models(const Analysis& a) {
  std::map<std::string, int> counts;
  for (const auto& g : a.gpus)
    if (!declared_model(a, g)) ++counts[g.model_label];
  std::vector<std::string> out;
  for (const auto& [label, n] : counts) out.push_back(fmt::format("{} {}", grouped(n), label));
  return out;
}

FleetCoverage fleet_coverage(const Analysis& a) {
  FleetCoverage c;
  if (!a.system) return c;
  c.has_inventory = true;
  if (!a.cpu_backend) c.measured_not_declared = undeclared_models(a);
  for (const auto& d : a.declared) {
    CoverageGroup* group = nullptr;
    for (auto& g : c.declared_not_measured)
      if (g.why == d.reason) group = &g;
    if (!group) group = &c.declared_not_measured.emplace_back(CoverageGroup{d.reason, {}});
    group->models.push_back(fmt::format("{} {}", grouped(d.count), d.model));
  }
  if (a.cpu_backend) return c;
  const auto per_model = model_precisions(a);
  for (const auto& item : a.system->inventory) {
    if (!item.measurable_by_capbench) continue;
    const ModelPrecisions* mp = nullptr;
    for (const auto& m : per_model)
      if (item.gpu && m.model_key == item.gpu->key) mp = &m;
    if (!mp || mp->measured.empty()) continue;
    std::vector<std::string> lacks, missing;
    for (const auto& g : mp->cannot) lacks.push_back(precision_label(g.family));
    for (const auto& g : mp->not_measured) missing.push_back(precision_label(g.family));
    if (!lacks.empty())
      c.measured_in_part.push_back(fmt::format("{} {}: cannot run {} (the model's units lack them), so nothing is "
                                               "projected there",
                                               grouped(item.count), item.gpu->label, join(lacks, ", ")));
    if (!missing.empty())
      c.measured_in_part.push_back(fmt::format("{} {}: no verified figure in {}, so not projected there",
                                               grouped(item.count), item.gpu->label, join(missing, ", ")));
  }
  if (per_model.size() > 1 || (per_model.size() == 1 && (!per_model[0].cannot.empty() ||
                                                          !per_model[0].not_measured.empty())))
    for (const auto& m : per_model) c.precisions_by_model.push_back(describe(m));
  return c;
}

std::string not_projected_reason(const Analysis& a, const FamilyFigures& f) {
  if (a.cpu_backend) return "not projected: a CPU run says nothing of the GPUs declared";
  if (!a.system) return "not projected: no system description, so no declared inventory";
  if (f.projected_gpus > 0) return "";
  std::set<std::string> models;
  for (const auto& m : f.models)
    if (m.measured > 0) models.insert(m.model_key);
  if (models.empty()) return "not projected: no GPU has a verified figure";
  return models.size() == 1 ? "not projected: no GPU of this model in the inventory"
                            : "not projected: no GPU of the measured models in the inventory";
}

}  // namespace capbench
