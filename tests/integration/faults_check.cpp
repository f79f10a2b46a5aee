// Checks a results file left by a fault-injection run. The file must pass the strict reader;
// then each expectation on the command line must hold:
//   status=<complete|incomplete>      run.status
//   reason~<text>                     run.status_reason contains text
//   cases=<n>                         number of cases recorded
//   case<i>=<passed|failed|skipped>   status of the case with index i (0-based)
//   case<i>.rank<r>=<status>          status of rank r in case i
//   case<i>.rank<r>~<text>            error of rank r in case i contains text
//   fault~<text>                      run.environment.CAPBENCH_FAULT contains text
//   thinned=<n>                       every case with per-rank metrics lists the ranks that kept
//                                     samples (info.samples_kept); those hold one sample per
//                                     statistic's n, every other ok rank none, and at least n
//                                     ranks of each such case have none
// Exit 0 when all hold, 1 with a line per failed expectation, 2 when the file is unreadable.
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "common/results.hpp"

namespace {

const capbench::CaseResult* find_case(const capbench::ResultsFile& f, int index) {
  for (const auto& c : f.cases)
    if (c.index == index) return &c;
  return nullptr;
}

const capbench::RankResult* find_rank(const capbench::CaseResult& c, int rank) {
  for (const auto& r : c.ranks)
    if (r.rank == rank) return &r;
  return nullptr;
}

// What breaks the rule of samples kept only by the listed ranks, if anything.
std::optional<std::string> thinning_problem(const capbench::ResultsFile& f, int at_least_without) {
  for (const auto& c : f.cases) {
    bool per_rank = false;
    for (const auto& r : c.ranks) per_rank = per_rank || !r.metrics.empty();
    if (!per_rank) continue;
    const auto it = c.info.find("samples_kept");
    if (it == c.info.end()) return "case " + c.id + ": no info.samples_kept";
    const auto kept = it->at("ranks").get<std::vector<int>>();
    int without = 0;
    for (const auto& r : c.ranks) {
      const bool listed = std::find(kept.begin(), kept.end(), r.rank) != kept.end();
      for (const auto& m : r.metrics) {
        if (m.stats.n == 0) return "case " + c.id + ": rank " + std::to_string(r.rank) + " has no statistics";
        if (listed && r.status == "ok" && m.samples.size() != m.stats.n)
          return "case " + c.id + ": kept rank " + std::to_string(r.rank) + " lacks its samples";
        if (!listed && !m.samples.empty())
          return "case " + c.id + ": rank " + std::to_string(r.rank) + " kept samples it should not have";
      }
      if (!listed) ++without;
    }
    if (without < at_least_without) return "case " + c.id + ": only " + std::to_string(without) + " ranks thinned";
  }
  return std::nullopt;
}

bool check(const capbench::ResultsFile& f, const std::string& e) {
  const auto op = e.find_first_of("=~");
  if (op == std::string::npos) {
    std::fprintf(stderr, "faults_check: bad expectation '%s'\n", e.c_str());
    return false;
  }
  const std::string key = e.substr(0, op), want = e.substr(op + 1);
  const bool contains = e[op] == '~';
  auto match = [&](const std::string& got) {
    const bool ok = contains ? got.find(want) != std::string::npos : got == want;
    if (!ok) std::fprintf(stderr, "faults_check: %s: expected %s'%s', got '%s'\n", key.c_str(),
                          contains ? "text containing " : "", want.c_str(), got.c_str());
    return ok;
  };
  if (key == "status") return match(f.run.status);
  if (key == "reason") return match(f.run.status_reason);
  if (key == "cases") return match(std::to_string(f.cases.size()));
  if (key == "fault") {
    const auto& env = f.run.environment;
    return match(env.contains("CAPBENCH_FAULT") && env["CAPBENCH_FAULT"].is_string()
                     ? env["CAPBENCH_FAULT"].get<std::string>()
                     : std::string("(absent)"));
  }
  if (key == "thinned") return match(thinning_problem(f, std::stoi(want)).value_or(want));
  int ci = -1, ri = -1;
  if (std::sscanf(key.c_str(), "case%d.rank%d", &ci, &ri) == 2 || std::sscanf(key.c_str(), "case%d", &ci) == 1) {
    const auto* c = find_case(f, ci);
    if (!c) return match("(no case " + std::to_string(ci) + ")");
    if (ri < 0) return match(c->status);
    const auto* r = find_rank(*c, ri);
    if (!r) return match("(no rank " + std::to_string(ri) + ")");
    return match(contains ? r->error : r->status);
  }
  std::fprintf(stderr, "faults_check: unknown key '%s'\n", key.c_str());
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: faults_check RESULTS_FILE [expectation...]\n");
    return 2;
  }
  capbench::ResultsFile f;
  try {
    f = capbench::read_results_file(argv[1]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "faults_check: %s\n", e.what());
    return 2;
  }
  int failed = 0;
  for (int i = 2; i < argc; ++i)
    if (!check(f, argv[i])) ++failed;
  if (failed == 0) std::printf("faults_check: %s: %d expectations hold\n", argv[1], argc - 2);
  return failed == 0 ? 0 : 1;
}
