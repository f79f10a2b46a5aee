#include "reports/capacity/model_precisions.hpp"

#include <algorithm>
#include <iterator>
#include <map>

#include <fmt/format.h>

#include "reports/render/wording.hpp"

namespace capbench {

namespace {
std::string gemm_family_of(const ReportCase& c) {
  std::string key = c.params.value("precision", "");
  if (c.params.value("fast_accumulation", false)) key += kFastAccumulationSuffix;
  return key;
}

std::string labels(const std::vector<std::string>& families) {
  std::string out;
  for (const auto& f : families) out += (out.empty() ? "" : ", ") + precision_label(f);
  return out;
}

// "this GPU is 7.5" -> "7.5": the part of the reason that names the model's capability.
std::string capability_of(const std::string& reason) {
  const std::string marker = "this GPU is ";
  const auto at = reason.rfind(marker);
  return at == std::string::npos ? "" : reason.substr(at + marker.size());
}
}  // namespace

bool skip_means_model_lacks_it(const std::string& reason) {
  return reason.find("needs compute capability") != std::string::npos &&
         reason.find("this GPU is ") != std::string::npos;
}

std::vector<ModelPrecisions> model_precisions(const Analysis& a) {
  std::vector<ModelPrecisions> out;
  if (!a.results || a.cpu_backend) return out;
  std::map<std::string, std::size_t> index;  // model key -> out
  std::map<std::string, std::vector<int>> ranks_of_model;
  for (const auto& g : a.gpus) {
    auto [it, fresh] = index.try_emplace(g.model_key, out.size());
    if (fresh) out.push_back({g.model_key, g.model_label, 0, 0, {}, {}, {}});
    ++out[it->second].ranks;
    ranks_of_model[g.model_key].push_back(g.rank);
  }
  for (auto& m : out) m.gpus = distinct_gpus(a.gpus, ranks_of_model[m.model_key]);
  // Per model and family: ranks that took part, ranks skipped for capability (with a reason).
  struct Tally {
    int planned = 0, lacks = 0;
    std::string lacks_reason, other_reason;
  };
  std::map<std::pair<std::string, std::string>, Tally> tally;
  std::vector<std::string> family_order;
  for (const auto& c : a.results->cases) {
    if (c.benchmark != "gemm") continue;
    const auto family = gemm_family_of(c);
    if (std::find(family_order.begin(), family_order.end(), family) == family_order.end())
      family_order.push_back(family);
    for (const auto& r : c.ranks) {
      if (r.rank < 0 || std::size_t(r.rank) >= a.gpus.size()) continue;
      auto& t = tally[{a.gpus[std::size_t(r.rank)].model_key, family}];
      ++t.planned;
      if (r.status == "skipped" && skip_means_model_lacks_it(r.error)) {
        ++t.lacks;
        if (t.lacks_reason.empty()) t.lacks_reason = r.error;
      } else if (r.status != "ok" && t.other_reason.empty()) {
        t.other_reason = r.error.empty() ? r.status : r.error;
      }
    }
  }
  for (auto& m : out) {
    for (const auto& family : family_order) {
      const auto it = tally.find({m.model_key, family});
      if (it == tally.end()) continue;
      const Tally& t = it->second;
      const FamilyFigures* f = find_family(a.gemm, family);
      bool verified = false, kept_out = false;
      if (f) {
        for (const auto& row : f->models)
          if (row.model_key == m.model_key && row.measured > 0) verified = true;
        for (const auto& g : f->gpus)
          if (g.on_shared_gpu && a.gpus[std::size_t(g.rank)].model_key == m.model_key) kept_out = true;
      }
      std::string why = t.other_reason;
      if (why.empty())
        why = kept_out ? "kept out, its ranks shared a GPU (a share of a GPU is not a GPU's figure)" : "no verified figure";
      if (verified) m.measured.push_back(family);
      else if (t.lacks == t.planned) m.cannot.push_back({family, t.lacks_reason});
      else m.not_measured.push_back({family, why});
    }
  }
  return out;
}

std::string describe(const ModelPrecisions& m) {
  std::string s = fmt::format("{} x {}{}: ", m.gpus, m.label, m.ranks > m.gpus ? fmt::format(" ({} ranks)", m.ranks) : "");
  std::vector<std::string> parts;
  if (!m.measured.empty()) parts.push_back("measured in " + labels(m.measured));
  if (!m.cannot.empty()) {
    std::vector<std::string> fams;
    for (const auto& g : m.cannot) fams.push_back(g.family);
    const auto cc = capability_of(m.cannot.front().reason);
    parts.push_back(fmt::format("cannot run {} (its units lack them{})", labels(fams),
                                cc.empty() ? "" : ": compute capability " + cc));
  }
  // One clause per reason, naming every family it holds for, in the order the run planned them.
  std::vector<std::pair<std::string, std::vector<std::string>>> by_reason;
  for (const auto& g : m.not_measured) {
    auto it = std::find_if(by_reason.begin(), by_reason.end(), [&](const auto& r) { return r.first == g.reason; });
    if (it == by_reason.end()) {
      by_reason.emplace_back(g.reason, std::vector<std::string>{});
      it = std::prev(by_reason.end());
    }
    it->second.push_back(g.family);
  }
  for (const auto& [reason, fams] : by_reason) parts.push_back(fmt::format("not measured in {}: {}", labels(fams), reason));
  for (std::size_t i = 0; i < parts.size(); ++i) s += (i ? "; " : "") + parts[i];
  return s;
}

}  // namespace capbench
