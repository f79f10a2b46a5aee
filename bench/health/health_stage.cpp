#include "bench/health/health_stage.hpp"

#include <fmt/format.h>

#include "bench/health/cpu_facts.hpp"
#include "bench/health/nvml_probe.hpp"
#include "common/clock.hpp"
#include "common/utf8.hpp"

namespace capbench {

namespace {

constexpr int kTagHealth = 1500;

// NCCL's version code (major*10000 + minor*100 + patch since 2.9) in words.
std::string nccl_version_text(std::int64_t code) {
  return fmt::format("{}.{}.{}", code / 10000, (code % 10000) / 100, code % 100);
}

NodeFacts collect_node(const std::string& host, const json& details, std::unique_ptr<NvmlProbe>& probe) {
  NodeFacts n;
  n.host = host;
  collect_cpu_facts(n);
  std::string why;
  probe = NvmlProbe::open(&why);
  if (probe) probe->collect(n);
  else n.nvml_reason = why;
  if (auto it = details.find("nccl_version"); it != details.end() && it->is_number_integer() && it->get<int>() > 0)
    n.nccl = nccl_version_text(it->get<std::int64_t>());
  if (!n.cuda_driver)
    if (auto it = details.find("cuda_driver_api"); it != details.end() && it->is_string())
      n.cuda_driver = it->get<std::string>();
  return n;
}

// What each node was held to and why, for the record (health.expectations).
std::vector<HealthExpectationRecord> expectations_record(const std::vector<NodeFacts>& nodes,
                                                         const std::vector<NodeExpectation>& expect) {
  std::vector<HealthExpectationRecord> out;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const NodeExpectation& e = expect[i];
    const std::string& host = nodes[i].host;
    if (e.gpus) out.push_back({host, "gpus_per_node", std::to_string(*e.gpus), e.gpus_basis});
    if (e.model) out.push_back({host, "gpu_model", e.model->text, e.model_basis});
    if (e.cpu_cores) out.push_back({host, "cpu_cores", std::to_string(*e.cpu_cores), e.cores_basis});
    if (e.memory_gib_min)
      out.push_back({host, "memory_gib_min", fmt::format("{:.1f}", *e.memory_gib_min), e.memory_basis});
  }
  return out;
}

}  // namespace

HealthStage::HealthStage() = default;
HealthStage::~HealthStage() = default;

WaitResult HealthStage::run(Comm& comm, const HealthOptions& opts, const json& device_details, const Deadline& deadline) {
  std::string mine;
  if (comm.local_rank() == 0) {
    try {
      mine = json_text(node_facts_to_json(collect_node(comm.host(), device_details, probe_)));
    } catch (const std::exception& e) {
      NodeFacts n;
      n.host = comm.host();
      n.nvml_reason = std::string("health facts could not be collected: ") + e.what();
      mine = json_text(node_facts_to_json(n));
    }
  }
  std::vector<std::string> payloads;
  if (auto w = comm.gather(mine, &payloads, deadline, kTagHealth); !w.complete) return w;
  std::string verdict;
  if (comm.rank() == 0) {
    std::vector<NodeFacts> nodes;
    record_.nodes = json::array();
    for (const auto& p : payloads) {
      if (p.empty()) continue;
      const json j = json::parse(p);
      nodes.push_back(node_facts_from_json(j));
      record_.nodes.push_back(j);
    }
    record_.collected_at = utc_now_iso8601();
    record_.gate = opts.gate;
    const auto expect = resolve_expectations(nodes, opts.expect, opts.system.get());
    record_.checks = check_nodes(nodes, expect, opts.expect.gpus_expected);
    record_.expectations = expectations_record(nodes, expect);
    if (opts.system)
      record_.system = json{{"file", opts.system->file}, {"sha256", opts.system->sha256}, {"name", opts.system->name}};
    for (auto& c : initial_run_checks(nodes)) record_.checks.push_back(std::move(c));
    record_.stopped = opts.gate == "stop" && record_.failed() > 0;
    verdict = record_.stopped ? "stop" : "go";
  }
  const WaitResult w = comm.broadcast(&verdict, deadline);
  stop_ = verdict == "stop";
  return w;
}

std::string HealthStage::summary() const {
  const int failed = record_.failed();
  std::string s = fmt::format("{} checks, {} failed, {} unknown", record_.checks.size(), failed, record_.unknown());
  int shown = 0;
  for (const auto& c : record_.checks) {
    if (c.status != "fail") continue;
    if (shown++ == 5) {
      s += "; ...";
      break;
    }
    s += fmt::format("; {} on {}{}: {} (expected {})", c.check, c.host, c.gpu.empty() ? "" : " " + c.gpu, c.value,
                     c.expected);
  }
  return s;
}

std::vector<std::string> fold_case_health_into(ResultsFile& rf, const CaseResult& cr) {
  std::vector<std::string> notes;
  if (!rf.health) return notes;
  for (const auto& rr : cr.ranks) {
    const auto it = rr.info.find("health");
    if (it == rr.info.end() || rr.rank < 0 || std::size_t(rr.rank) >= rf.ranks.size()) continue;
    const std::string& host = rf.ranks[std::size_t(rr.rank)].host;
    fold_case_health(rf.health->checks, cr.id, host, *it);
    notes.push_back(fmt::format("health: during case {} on host {}: {}", cr.id, host, it->dump()));
  }
  return notes;
}

void HealthStage::before_case() {
  // XID events since the last case (between cases) are reported with this one, not dropped.
  if (probe_) before_ = probe_->counters();
}

json HealthStage::after_case() {
  if (!probe_) return nullptr;
  CaseHealthDelta d;
  d.xids = probe_->poll_xids();
  d.before = std::move(before_);
  d.after = probe_->counters();
  before_.clear();
  return case_health_change(d);
}

}  // namespace capbench
