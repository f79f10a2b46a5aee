#include "bench/runner/gpu_launch_check.hpp"

#include <cstdlib>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/runner/launch_check.hpp"
#include "bench/runner/runner.hpp"
#include "common/results.hpp"

namespace capbench {

std::optional<int> planted_visible_gpus() {
  const char* v = std::getenv(kTestVisibleGpusVariable);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  const long n = std::strtol(v, &end, 10);
  if (*end != '\0' || n < 0 || n > 4096) return std::nullopt;
  return static_cast<int>(n);
}

std::vector<std::string> idle_gpu_warnings(const std::vector<RankGpuView>& ranks) {
  struct Host {
    int ranks = 0, visible = 0;
  };
  std::map<std::string, Host> hosts;
  std::vector<std::string> order;
  for (const auto& r : ranks) {
    auto [it, inserted] = hosts.try_emplace(r.host);
    if (inserted) order.push_back(r.host);
    ++it->second.ranks;
    it->second.visible = std::max(it->second.visible, r.visible_gpus);
  }
  std::vector<std::string> out;
  for (const auto& h : order) {
    const auto& x = hosts[h];
    if (x.ranks >= x.visible) continue;
    out.push_back(fmt::format(
        "host {} has {} visible GPUs but {} rank{} on it: {} GPU{} will not be measured. Launch one rank per GPU "
        "(mpirun -np {} on one node, or srun --ntasks-per-node={}).",
        h, x.visible, x.ranks, x.ranks == 1 ? "" : "s", x.visible - x.ranks, x.visible - x.ranks == 1 ? "" : "s",
        x.visible, x.visible));
  }
  return out;
}

bool check_gpu_launch(const std::vector<RankIdentity>& ranks, const std::vector<std::string>& identities,
                      const std::string& backend, const RunOptions& opts) {
  std::vector<std::string> problems = shared_gpu_warnings(ranks);  // already printed as warnings
  if ((backend == "cuda" || planted_visible_gpus()) && opts.device < 0) {
    std::vector<RankGpuView> views;
    for (std::size_t r = 0; r < ranks.size() && r < identities.size(); ++r) {
      const auto j = nlohmann::json::parse(identities[r], nullptr, false);
      const int visible = j.is_object() && j.contains("visible_gpus") && j["visible_gpus"].is_number_integer()
                              ? j["visible_gpus"].get<int>()
                              : 0;
      views.push_back({ranks[r].rank, ranks[r].host, visible});
    }
    for (const auto& w : idle_gpu_warnings(views)) {
      fmt::print(stderr, "capbench: warning: {}{}\n", w,
                 opts.strict_gpus ? "" : " (--strict-gpus makes this an error)");
      problems.push_back(w);
    }
  }
  return opts.strict_gpus && !problems.empty();
}

}  // namespace capbench
