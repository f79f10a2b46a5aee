// Prints what a results file's fabric case says (through the strict reader and judge_fabric):
//   fabric_check RESULTS [--min-bandwidth B/s] [--min-fraction F] [--max-latency S]
// lines "hosts N", "form full|summary", "checked ...", "flagged HOST_A HOST_B rail K METRIC VALUE PHASE",
// "shared HOST" or "shared none", "failed_pairs N",
// "figure METRIC SIZE PAIRS MEDIAN" per metric and size of the concurrent phase (pairs with a figure,
// each direction of a directed metric; the median pair),
// "benchmark_shared HOST|none" (info.fabric.shared_node, by the benchmark's own re-measure rule).
// Exit 2 when the file is unreadable or holds no fabric matrices.
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/fabric.hpp"
#include "common/results.hpp"

namespace {

// Each metric's pairs of the concurrent phase: from the matrices (full form) or "pooled" (bounded).
void print_figures(const capbench::json& f) {
  if (f.contains("pooled")) {
    for (const auto& p : f.at("pooled"))
      std::printf("figure %s %lld %lld %.4g\n", p.at("metric").get<std::string>().c_str(),
                  static_cast<long long>(p.at("size_bytes").get<std::int64_t>()),
                  static_cast<long long>(p.at("pairs").get<std::int64_t>()), p.at("median").get<double>());
    return;
  }
  std::map<std::pair<std::string, std::int64_t>, std::vector<double>> values;
  for (const auto& m : f.at("matrices")) {
    if (m.at("phase") != "concurrent") continue;
    const auto metric = m.at("metric").get<std::string>();
    const bool directed = capbench::find_fabric_metric(metric)->directed;
    auto& v = values[{metric, m.at("size_bytes").get<std::int64_t>()}];
    const auto& rows = m.at("values");
    for (std::size_t a = 0; a < rows.size(); ++a)
      for (std::size_t b = 0; b < rows.size(); ++b)
        if (a != b && (directed || a < b) && rows[a][b].is_number()) v.push_back(rows[a][b].get<double>());
  }
  for (auto& [key, v] : values) {
    std::sort(v.begin(), v.end());
    const double med = v.empty() ? NAN : (v[(v.size() - 1) / 2] + v[v.size() / 2]) / 2;
    std::printf("figure %s %lld %zu %.4g\n", key.first.c_str(), static_cast<long long>(key.second), v.size(), med);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fabric_check RESULTS [--min-bandwidth B/s] [--min-fraction F] [--max-latency S]\n");
    return 2;
  }
  capbench::FabricCriteria c;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (k == "--min-bandwidth") c.min_bandwidth = v;
    else if (k == "--min-fraction") c.min_bandwidth_fraction = v;
    else if (k == "--max-latency") c.max_latency = v;
    else {
      std::fprintf(stderr, "fabric_check: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  try {
    const auto f = capbench::read_results_file(argv[1]);
    std::set<std::string> hosts;
    for (const auto& r : f.ranks) hosts.insert(r.host);
    std::printf("hosts %zu\n", hosts.size());
    for (const auto& cs : f.cases) {
      if (!cs.info.contains("fabric")) continue;
      const auto j = capbench::judge_fabric(cs.info.at("fabric"), c);
      std::printf("form %s\n", cs.info.at("fabric").contains("form") ? "summary" : "full");
      for (const auto& line : j.checked) std::printf("checked %s\n", line.c_str());
      for (const auto& fl : j.flagged)
        std::printf("flagged %s %s rail %d %s %.4g %s\n", j.hosts[std::size_t(fl.a)].c_str(),
                    j.hosts[std::size_t(fl.b)].c_str(), fl.rail, fl.metric.c_str(), fl.value, fl.phase.c_str());
      for (const auto& nf : j.node_flags)
        std::printf("node_flagged %s rail %d %s %.4g\n", j.hosts[std::size_t(nf.node)].c_str(), nf.rail, nf.metric.c_str(),
                    nf.value);
      std::printf("shared %s\n", j.shared ? j.hosts[std::size_t(*j.shared)].c_str() : "none");
      std::printf("failed_pairs %d\n", j.failed_pairs);
      print_figures(cs.info.at("fabric"));
      const auto& own = cs.info.at("fabric").value("shared_node", capbench::json(nullptr));
      std::printf("benchmark_shared %s\n", own.is_string() ? own.get<std::string>().c_str() : "none");
      return 0;
    }
    std::fprintf(stderr, "fabric_check: %s has no fabric matrices\n", argv[1]);
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fabric_check: %s\n", e.what());
    return 2;
  }
}
