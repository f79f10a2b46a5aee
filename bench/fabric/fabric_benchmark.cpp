#include "bench/fabric/fabric_benchmark.hpp"

#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>
#include <thread>

#include <fmt/format.h>

#include "common/fabric.hpp"
#include "common/fabric_summary.hpp"
#include "common/stats.hpp"
#include "bench/release_guard.hpp"
#include "bench/timing.hpp"

namespace capbench {

namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
constexpr int kHostChars = 64;

// Waits for MPI requests on the case's communicator, bounded by the deadline. An abandoned
// wait leaves its buffers to the caller, who keeps them alive (MPI may still write them).
void wait_bounded(Comm& comm, MPI_Request* reqs, int n, const Deadline& deadline, const char* what) {
  auto sleep = std::chrono::microseconds(20);
  const auto spin_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
  for (;;) {
    int done = 0;
    MPI_Testall(n, reqs, &done, MPI_STATUSES_IGNORE);
    if (done) return;
    if (deadline.expired()) {
      comm.abandon_case_comm();
      throw CaseTimeout(fmt::format("deadline passed {}", what));
    }
    if (std::chrono::steady_clock::now() < spin_until) {
      std::this_thread::yield();
      continue;
    }
    std::this_thread::sleep_for(sleep);
    sleep = std::min(sleep * 2, std::chrono::microseconds(2000));
  }
}

// Every rank's `mine` (the same length everywhere), in rank order, on every rank.
template <class T>
std::vector<T> all_gather(Comm& comm, const std::vector<T>& mine, const Deadline& deadline, const char* what) {
  // Heap buffers leaked on purpose when the wait is abandoned.
  auto* in = new std::vector<T>(mine);
  auto* out = new std::vector<T>(mine.size() * static_cast<std::size_t>(comm.size()));
  const int bytes = static_cast<int>(mine.size() * sizeof(T));
  MPI_Request req;
  MPI_Iallgather(in->data(), bytes, MPI_BYTE, out->data(), bytes, MPI_BYTE, comm.case_comm(), &req);
  wait_bounded(comm, &req, 1, deadline, what);
  std::vector<T> result = std::move(*out);
  delete in;
  delete out;
  return result;
}

void meet(Comm& comm, const Deadline& deadline, const char* what) {
  const auto w = comm.barrier(deadline);
  if (!w.complete)
    throw CaseTimeout(w.interrupted ? std::string("stopped by a signal") : fmt::format("deadline passed {}", what));
}

// Who is where: node, rail (local rank) and host of every rank.
struct Layout {
  int nodes = 0, rails = 0;
  std::vector<std::string> hosts;              // by node
  std::vector<std::vector<int>> rank_of;       // [node][rail] -> world rank
  std::vector<int> node_of, rail_of;           // by world rank
};

Layout exchange_layout(Comm& comm, const Deadline& deadline) {
  std::vector<char> mine(kHostChars + 8, 0);
  const int me[2] = {comm.node_index(), comm.local_rank()};
  std::memcpy(mine.data(), me, sizeof me);
  std::strncpy(mine.data() + 8, comm.host().c_str(), kHostChars - 1);
  const auto all = all_gather(comm, mine, deadline, "exchanging where the ranks are");
  Layout l;
  l.nodes = comm.node_count();
  l.hosts.assign(static_cast<std::size_t>(l.nodes), "");
  std::vector<std::vector<std::pair<int, int>>> local(static_cast<std::size_t>(l.nodes));
  for (int r = 0; r < comm.size(); ++r) {
    const char* rec = all.data() + static_cast<std::size_t>(r) * mine.size();
    int who[2];
    std::memcpy(who, rec, sizeof who);
    l.node_of.push_back(who[0]);
    l.rail_of.push_back(who[1]);
    local[static_cast<std::size_t>(who[0])].emplace_back(who[1], r);
    l.hosts[static_cast<std::size_t>(who[0])] = std::string(rec + 8);
  }
  l.rails = std::numeric_limits<int>::max();
  for (auto& v : local) {
    std::sort(v.begin(), v.end());
    l.rails = std::min(l.rails, static_cast<int>(v.size()));
  }
  for (auto& v : local) {
    std::vector<int> ranks;
    for (int k = 0; k < l.rails; ++k) ranks.push_back(v[static_cast<std::size_t>(k)].second);
    l.rank_of.push_back(std::move(ranks));
  }
  return l;
}

struct Plan {
  std::vector<std::int64_t> latency_sizes, bandwidth_sizes;
  int window = 1, latency_iterations = 1000, warmup = 0, iterations = 1;
  double remeasure_below = 0.8;
  std::uint64_t case_seed = 0;
  // One record per measured pair on each rank: per latency size median, p99 and mean
  // (initiator), per bandwidth size one-way out (as sender: median and mean window) and both
  // ways (initiator: median and mean); then mismatches.
  static constexpr std::size_t kPerLatencySize = 3, kPerBandwidthSize = 4;
  std::size_t record_size() const {
    return kPerLatencySize * latency_sizes.size() + kPerBandwidthSize * bandwidth_sizes.size() + 1;
  }
};

// This rank's side of one pair: a record as above, NaN where the other side holds the figure.
std::vector<double> measure_pair(FabricTransport& t, const Plan& plan, int peer, bool initiator, bool& corrupt,
                                 const Deadline& deadline, std::string& error) {
  std::vector<double> rec;
  std::int64_t mismatches = 0;
  auto task = [&](std::int64_t bytes, int warmup, int count) {
    PairTask k;
    k.peer = peer;
    k.initiator = initiator;
    k.bytes = bytes;
    k.warmup = warmup;
    k.count = count;
    k.window = plan.window;
    k.case_seed = plan.case_seed;
    k.corrupt = std::exchange(corrupt, false);
    return k;
  };
  for (const auto bytes : plan.latency_sizes) {
    const auto o = t.ping_pong(task(bytes, std::max(plan.latency_iterations / 10, 1), plan.latency_iterations),
                               deadline);
    mismatches += o.mismatches;
    const auto lat = pair_latency(initiator ? o.seconds : std::vector<double>{});
    rec.insert(rec.end(), {lat.median, lat.p99, lat.mean});
  }
  auto push_bandwidth = [&](const PairOutcome* o, double bytes_per_exchange) {
    const auto bw = pair_bandwidth(o ? o->seconds : std::vector<double>{}, bytes_per_exchange);
    rec.insert(rec.end(), {bw.median, bw.mean});
  };
  for (const auto bytes : plan.bandwidth_sizes) {
    const double window_bytes = double(bytes) * plan.window;
    // One way, the initiator's node sending first, then the other.
    PairOutcome out;
    for (int leg = 0; leg < 2; ++leg) {
      const bool sending = (leg == 0) == initiator;
      auto o = t.stream(task(bytes, plan.warmup, plan.iterations), sending ? StreamMode::send : StreamMode::receive,
                        deadline);
      mismatches += o.mismatches;
      if (sending) out = std::move(o);
    }
    push_bandwidth(&out, window_bytes);
    const auto o = t.stream(task(bytes, plan.warmup, plan.iterations), StreamMode::both, deadline);
    mismatches += o.mismatches;
    push_bandwidth(initiator ? &o : nullptr, 2 * window_bytes);
  }
  rec.push_back(double(mismatches));
  if (mismatches > 0) error = fmt::format("{} payload words received wrong", mismatches);
  return rec;
}

// The figures of one node pair on one rail, from the records of both its ranks.
struct PairResult {
  int a = 0, b = 0, rail = 0;
  std::vector<double> latency, latency_p99, latency_mean;                   // per latency size
  std::vector<double> uni_ab, uni_ba, uni_ab_mean, uni_ba_mean, bidir, bidir_mean;  // per bandwidth size
  bool failed = false;
  std::string error;
};

// One figure of a pair at one size, as the results file records it: a -> b and b -> a (the
// same value unless the metric is directed).
struct PairValue {
  const FabricMetricInfo* metric;
  std::int64_t size_bytes;
  double ab, ba;
};

const FabricMetricInfo* metric_info(std::string_view name) {
  const auto* m = find_fabric_metric(name);
  if (!m) throw std::logic_error(fmt::format("fabric metric {} is not in kFabricMetrics", name));
  return m;
}

// Every figure of a pair, in the order of kFabricMetrics within each size. Called for every
// pair of every round (above full_matrix_up_to nodes too): the table is looked up once.
std::vector<PairValue> pair_values(const Plan& plan, const PairResult& r) {
  static const FabricMetricInfo *lat = metric_info("latency"), *p99 = metric_info("latency_p99"),
                                *lat_mean = metric_info("latency_mean"), *uni = metric_info("bandwidth_uni"),
                                *uni_mean = metric_info("bandwidth_uni_mean"), *bidir = metric_info("bandwidth_bidir"),
                                *bidir_mean = metric_info("bandwidth_bidir_mean");
  std::vector<PairValue> out;
  out.reserve(3 * plan.latency_sizes.size() + 4 * plan.bandwidth_sizes.size());
  for (std::size_t s = 0; s < plan.latency_sizes.size(); ++s) {
    const auto size = plan.latency_sizes[s];
    out.push_back({lat, size, r.latency[s], r.latency[s]});
    out.push_back({p99, size, r.latency_p99[s], r.latency_p99[s]});
    out.push_back({lat_mean, size, r.latency_mean[s], r.latency_mean[s]});
  }
  for (std::size_t s = 0; s < plan.bandwidth_sizes.size(); ++s) {
    const auto size = plan.bandwidth_sizes[s];
    out.push_back({uni, size, r.uni_ab[s], r.uni_ba[s]});
    out.push_back({uni_mean, size, r.uni_ab_mean[s], r.uni_ba_mean[s]});
    out.push_back({bidir, size, r.bidir[s], r.bidir[s]});
    out.push_back({bidir_mean, size, r.bidir_mean[s], r.bidir_mean[s]});
  }
  return out;
}

PairResult combine(const Plan& plan, int a, int b, int rail, const double* rec_a, const double* rec_b) {
  PairResult p;
  p.a = a;
  p.b = b;
  p.rail = rail;
  const std::size_t L = plan.latency_sizes.size(), B = plan.bandwidth_sizes.size();
  for (std::size_t i = 0; i < L; ++i) {
    const double* x = rec_a + Plan::kPerLatencySize * i;
    p.latency.push_back(x[0]);
    p.latency_p99.push_back(x[1]);
    p.latency_mean.push_back(x[2]);
  }
  for (std::size_t i = 0; i < B; ++i) {
    const std::size_t at = Plan::kPerLatencySize * L + Plan::kPerBandwidthSize * i;
    p.uni_ab.push_back(rec_a[at]);
    p.uni_ab_mean.push_back(rec_a[at + 1]);
    p.uni_ba.push_back(rec_b[at]);
    p.uni_ba_mean.push_back(rec_b[at + 1]);
    p.bidir.push_back(rec_a[at + 2]);
    p.bidir_mean.push_back(rec_a[at + 3]);
  }
  const double bad_a = rec_a[plan.record_size() - 1], bad_b = rec_b[plan.record_size() - 1];
  if (bad_a > 0 || bad_b > 0) {
    p.failed = true;
    p.error = fmt::format("payload check failed: {} wrong words received on node {}, {} on node {}", bad_a, a, bad_b, b);
  }
  return p;
}

// Measures `pairs` (node pairs) at once on every rail; returns their results on every rank.
std::vector<PairResult> measure_round(Comm& comm, FabricTransport& t, const Plan& plan, const Layout& l,
                                      const FabricRound& pairs, bool& corrupt, const Deadline& deadline,
                                      std::vector<std::string>& my_errors, std::int64_t& my_mismatches) {
  const int me = comm.rank();
  const int node = l.node_of[static_cast<std::size_t>(me)], rail = l.rail_of[static_cast<std::size_t>(me)];
  std::vector<double> rec(plan.record_size(), kNone);
  rec.back() = 0;
  meet(comm, deadline, "waiting for the ranks at the start of a round");
  const int partner = partner_in_round(pairs, node);
  if (partner >= 0 && rail < l.rails) {
    const int peer = l.rank_of[static_cast<std::size_t>(partner)][static_cast<std::size_t>(rail)];
    std::string error;
    rec = measure_pair(t, plan, peer, node < partner, corrupt, deadline, error);
    my_mismatches += static_cast<std::int64_t>(rec.back());
    if (!error.empty())
      my_errors.push_back(fmt::format("pair {} - {} (rail {}, peer rank {} on {}): {}", l.hosts[std::size_t(node)],
                                      l.hosts[std::size_t(partner)], rail, peer, l.hosts[std::size_t(partner)], error));
  }
  const auto all = all_gather(comm, rec, deadline, "collecting the figures of a round");
  std::vector<PairResult> out;
  for (const auto& [a, b] : pairs)
    for (int k = 0; k < l.rails; ++k) {
      const auto ra = static_cast<std::size_t>(l.rank_of[std::size_t(a)][std::size_t(k)]);
      const auto rb = static_cast<std::size_t>(l.rank_of[std::size_t(b)][std::size_t(k)]);
      out.push_back(combine(plan, a, b, k, all.data() + ra * plan.record_size(), all.data() + rb * plan.record_size()));
    }
  return out;
}

// The node pairs that fell short of the re-measure rule on any metric, in order.
std::vector<std::pair<int, int>> short_pairs(const Plan& plan, const std::vector<PairResult>& results) {
  std::set<std::pair<int, int>> out;
  auto check = [&](FabricSense sense, auto value_of, std::size_t sizes) {
    for (std::size_t s = 0; s < sizes; ++s) {
      std::vector<PairFigure> figs;
      for (const auto& r : results) {
        if (r.failed) continue;
        for (const double v : value_of(r, s))
          if (std::isfinite(v)) figs.push_back({r.a, r.b, r.rail, v});
      }
      FlagRule rule;
      rule.sense = sense;
      rule.fraction_of_median = plan.remeasure_below;
      const auto f = flag_pairs(figs, rule);
      for (const auto i : f.flagged) out.insert({figs[i].a, figs[i].b});
    }
  };
  check(FabricSense::lower_better, [](const PairResult& r, std::size_t s) { return std::vector<double>{r.latency[s]}; },
        plan.latency_sizes.size());
  check(FabricSense::higher_better,
        [](const PairResult& r, std::size_t s) { return std::vector<double>{r.uni_ab[s], r.uni_ba[s], r.bidir[s]}; },
        plan.bandwidth_sizes.size());
  return {out.begin(), out.end()};
}

json null_matrix(int n) {
  json m = json::array();
  for (int i = 0; i < n; ++i) m.push_back(json(std::vector<std::nullptr_t>(static_cast<std::size_t>(n), nullptr)));
  return m;
}

void set_cell(json& m, int i, int j, double v) {
  if (std::isfinite(v)) m[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = v;
}

// Matrices of every metric, size and rail for one phase, in the order of the pairs' figures.
void add_matrices(json& out, const Plan& plan, const Layout& l, const std::vector<PairResult>& results,
                  const char* phase) {
  for (int k = 0; k < l.rails; ++k) {
    std::vector<json> values;  // by figure index of pair_values()
    std::vector<bool> any;
    std::vector<PairValue> layout;
    for (const auto& r : results) {
      if (r.rail != k || r.failed) continue;
      const auto figs = pair_values(plan, r);
      if (layout.empty()) {
        layout = figs;
        values.assign(figs.size(), null_matrix(l.nodes));
        any.assign(figs.size(), false);
      }
      for (std::size_t i = 0; i < figs.size(); ++i) {
        set_cell(values[i], r.a, r.b, figs[i].ab);
        set_cell(values[i], r.b, r.a, figs[i].ba);
        any[i] = any[i] || std::isfinite(figs[i].ab) || std::isfinite(figs[i].ba);
      }
    }
    for (std::size_t i = 0; i < layout.size(); ++i) {
      if (!any[i]) continue;
      const auto* m = layout[i].metric;
      out.push_back({{"metric", std::string(m->name)}, {"unit", std::string(m->unit)},
                     {"size_bytes", layout[i].size_bytes}, {"rail", k}, {"phase", phase},
                     {"values", std::move(values[i])}});
    }
  }
}

// Job-wide metrics: the distribution over pairs of the concurrent phase.
std::vector<Metric> pair_metrics(const Plan& plan, const std::vector<PairResult>& results) {
  std::vector<Metric> out;
  auto collect = [&](const char* name, const char* unit, std::int64_t size, auto values_of) {
    std::vector<double> v;
    for (const auto& r : results)
      if (!r.failed)
        for (const double x : values_of(r))
          if (std::isfinite(x)) v.push_back(x);
    if (!v.empty()) out.push_back(make_metric(name, unit, std::move(v), {{"size_bytes", size}}));
  };
  for (std::size_t s = 0; s < plan.latency_sizes.size(); ++s) {
    collect("pair_latency", "s", plan.latency_sizes[s], [&](const PairResult& r) { return std::vector{r.latency[s]}; });
    collect("pair_latency_p99", "s", plan.latency_sizes[s],
            [&](const PairResult& r) { return std::vector{r.latency_p99[s]}; });
  }
  for (std::size_t s = 0; s < plan.bandwidth_sizes.size(); ++s) {
    collect("pair_bandwidth_uni", "B/s", plan.bandwidth_sizes[s],
            [&](const PairResult& r) { return std::vector{r.uni_ab[s], r.uni_ba[s]}; });
    collect("pair_bandwidth_bidir", "B/s", plan.bandwidth_sizes[s],
            [&](const PairResult& r) { return std::vector{r.bidir[s]}; });
  }
  return out;
}

// Above full_matrix_up_to nodes: the per-node summaries, fed one round at a time.
struct BoundedFabric {
  FabricSummaryBuilder builder;
  std::vector<std::vector<std::size_t>> figure_of;  // [rail][index in pair_values()] -> figure

  BoundedFabric(const Plan& plan, int nodes, int rails) : builder(nodes, plan.remeasure_below) {
    // The layout of pair_values(), from a pair with no figures.
    PairResult blank;
    blank.latency = blank.latency_p99 = blank.latency_mean = std::vector<double>(plan.latency_sizes.size(), kNone);
    blank.uni_ab = blank.uni_ba = blank.uni_ab_mean = blank.uni_ba_mean = blank.bidir = blank.bidir_mean =
        std::vector<double>(plan.bandwidth_sizes.size(), kNone);
    const auto layout = pair_values(plan, blank);
    for (int k = 0; k < rails; ++k) {
      auto& ids = figure_of.emplace_back();
      for (const auto& v : layout)
        ids.push_back(builder.figure(std::string(v.metric->name), std::string(v.metric->unit), v.size_bytes, k,
                                     short_group(v.metric->name)));
    }
  }

  // The re-measure rule's groups, as short_pairs() pools them: latency alone, one median for
  // both bandwidths per size; the p99 and mean figures are recorded, not judged.
  static std::string short_group(std::string_view metric) {
    if (metric == "latency") return "latency";
    if (metric == "bandwidth_uni" || metric == "bandwidth_bidir") return "bandwidth";
    return "";
  }

  void add(const Plan& plan, const PairResult& r) {
    if (r.failed) return;
    const auto& ids = figure_of[static_cast<std::size_t>(r.rail)];
    const auto figs = pair_values(plan, r);
    for (std::size_t i = 0; i < figs.size(); ++i) {
      builder.add(ids[i], r.a, r.b, figs[i].ab);
      if (figs[i].metric->directed) builder.add(ids[i], r.b, r.a, figs[i].ba);
    }
  }
};

// The bounded form's list entries of the pairs measured again alone.
json alone_pairs(const Plan& plan, const std::vector<PairResult>& alone) {
  json out = empty_fabric_pairs();
  for (const auto& r : alone) {
    if (r.failed) continue;
    for (const auto& v : pair_values(plan, r)) {
      const std::string metric(v.metric->name);
      if (std::isfinite(v.ab)) append_fabric_pair(out, r.a, r.b, r.rail, metric, v.size_bytes, "alone", v.ab);
      if (v.metric->directed && std::isfinite(v.ba))
        append_fabric_pair(out, r.b, r.a, r.rail, metric, v.size_bytes, "alone", v.ba);
    }
  }
  return out;
}

// The case metrics above the size: the same statistics over pairs, no per-pair samples.
std::vector<Metric> pooled_pair_metrics(const Plan& plan, const FabricSummaryBuilder& b) {
  std::vector<Metric> out;
  auto add = [&](const char* name, const char* metric, const char* unit, std::int64_t size) {
    const auto s = b.pooled(metric, size);
    if (s.n == 0) return;
    Metric m;
    m.name = name;
    m.unit = unit;
    m.labels = {{"size_bytes", size}};
    m.stats = s;
    out.push_back(std::move(m));
  };
  for (const auto s : plan.latency_sizes) {
    add("pair_latency", "latency", "s", s);
    add("pair_latency_p99", "latency_p99", "s", s);
  }
  for (const auto s : plan.bandwidth_sizes) {
    add("pair_bandwidth_uni", "bandwidth_uni", "B/s", s);
    add("pair_bandwidth_bidir", "bandwidth_bidir", "B/s", s);
  }
  return out;
}

Plan plan_of(const CaseContext& ctx) {
  const auto& p = ctx.spec.params;
  Plan plan;
  for (const auto& s : p.at("latency_sizes")) plan.latency_sizes.push_back(s.get<std::int64_t>());
  for (const auto& s : p.at("bandwidth_sizes")) plan.bandwidth_sizes.push_back(s.get<std::int64_t>());
  plan.window = p.at("window").get<int>();
  plan.latency_iterations = p.at("latency_iterations").get<int>();
  plan.remeasure_below = p.at("remeasure_below").get<double>();
  plan.warmup = ctx.spec.warmup;
  plan.iterations = ctx.spec.iterations;
  plan.case_seed = ctx.case_seed;
  return plan;
}

std::int64_t largest_message(const Plan& plan) {
  std::int64_t largest = 4;
  for (auto s : plan.latency_sizes) largest = std::max(largest, s);
  for (auto s : plan.bandwidth_sizes) largest = std::max(largest, s);
  return largest;
}

// What one case measured: every round of pairs at once, then the short pairs alone.
struct PairRuns {
  int rounds = 0;
  std::vector<PairResult> concurrent;  // every pair; in the bounded form the failed ones only
  std::vector<PairResult> alone;
  std::vector<std::pair<int, int>> again;  // the pairs measured again alone
  std::vector<std::string> my_errors;
  std::int64_t my_mismatches = 0;
};

PairRuns measure_every_pair(Comm& comm, FabricTransport& t, const Plan& plan, const Layout& l,
                            std::optional<BoundedFabric>& bounded, bool corrupt, const Deadline& deadline) {
  PairRuns out;
  out.rounds = circle_round_count(l.nodes);
  for (int r = 0; r < out.rounds; ++r) {
    auto got = measure_round(comm, t, plan, l, circle_round(l.nodes, r), corrupt, deadline, out.my_errors,
                             out.my_mismatches);
    if (!bounded) {
      out.concurrent.insert(out.concurrent.end(), got.begin(), got.end());
      continue;
    }
    for (auto& pr : got)
      if (pr.failed) out.concurrent.push_back(std::move(pr));
      else bounded->add(plan, pr);
    bounded->builder.end_round();
  }
  // Each pair that fell short, again, with no other pair running: a pair that recovers shared
  // a bottleneck with the others of its round; one that stays short has a bad link.
  if (l.nodes > 2) out.again = bounded ? bounded->builder.short_pairs() : short_pairs(plan, out.concurrent);
  for (const auto& pair : out.again) {
    auto got = measure_round(comm, t, plan, l, FabricRound{pair}, corrupt, deadline, out.my_errors, out.my_mismatches);
    out.alone.insert(out.alone.end(), got.begin(), got.end());
  }
  return out;
}

// The full form: the schedule's rounds and an N x N matrix per metric, size and rail.
void write_full_form(json& fabric, const Plan& plan, const Layout& l, const PairRuns& runs) {
  json rounds_json = json::array();
  for (const auto& r : circle_schedule(l.nodes)) {
    json pairs = json::array();
    for (const auto& [a, b] : r) pairs.push_back({a, b});
    rounds_json.push_back(std::move(pairs));
  }
  fabric["rounds"] = std::move(rounds_json);
  json matrices = json::array();
  add_matrices(matrices, plan, l, runs.concurrent, "concurrent");
  add_matrices(matrices, plan, l, runs.alone, "alone");
  fabric["matrices"] = std::move(matrices);
}

// The "fabric" object rank 0 writes beside the case: layout, the form's figures, failures,
// the pairs measured again and the benchmark's own reading.
json fabric_section(const FabricTransport& t, const Plan& plan, const Layout& l, const PairRuns& runs,
                    std::optional<BoundedFabric>& bounded, int full_up_to) {
  json fabric = {{"transport", t.name()}, {"nodes", l.nodes}, {"hosts", l.hosts}, {"rails", l.rails},
                 {"rail_ranks", l.rank_of}, {"remeasure_below", plan.remeasure_below}};
  if (bounded) {
    fabric["form"] = "summary";
    fabric["full_matrix_up_to"] = full_up_to;
    fabric["schedule"] = {{"name", "circle"}, {"nodes", l.nodes}, {"rounds", runs.rounds}};
    fabric["pairs"] = alone_pairs(plan, runs.alone);
    bounded->builder.write(fabric, runs.again);
  } else {
    write_full_form(fabric, plan, l, runs);
  }
  json failed = json::array();
  for (const auto* list : {&runs.concurrent, &runs.alone})
    for (const auto& r : *list)
      if (r.failed) failed.push_back({{"a", r.a}, {"b", r.b}, {"rail", r.rail}, {"error", r.error}});
  fabric["failed_pairs"] = std::move(failed);
  json remeasured = json::array();
  for (const auto& [a, b] : runs.again) remeasured.push_back({a, b});
  fabric["remeasured"] = std::move(remeasured);
  if (l.nodes == 2) fabric["note"] = "two nodes: one pair, nothing to compare it with, no pair re-measured";
  write_fabric_own_reading(fabric, plan.remeasure_below);
  return fabric;
}

Verification payload_verification(const PairRuns& runs) {
  Verification v;
  v.method = "pattern-words";
  v.status = runs.my_errors.empty() ? "passed" : "failed";
  v.mismatches = runs.my_mismatches;
  v.detail = runs.my_errors.empty() ? "every payload word of every pair this rank took part in matched"
                                    : fmt::format("{}", fmt::join(runs.my_errors, "; "));
  return v;
}

}  // namespace

Support FabricBenchmark::filter(const PlannedCase&) const {
  if (nodes_ < 2)
    return Support::no(fmt::format("the job runs on {} node: a fabric case needs at least 2 nodes to form a pair",
                                   nodes_));
  return Support::yes();
}

RankResult FabricBenchmark::run(const CaseContext& ctx) {
  const Plan plan = plan_of(ctx);
  Comm& comm = ctx.comm;
  if (comm.case_comm() == MPI_COMM_NULL) throw std::runtime_error("the fabric benchmark runs only inside a case");

  ReleaseGuard<FabricTransport> guard{*transport_};

  const Layout l = exchange_layout(comm, ctx.deadline);
  transport_->prepare(comm, largest_message(plan), plan.window);
  // Above full_matrix_up_to nodes no N x N matrix: each round folded into per-node summaries
  // (every rank folds the same gathered figures, so all agree on the pairs to measure again).
  const int full_up_to = ctx.spec.params.value("full_matrix_up_to", kFabricFullMatrixNodes);
  std::optional<BoundedFabric> bounded;
  if (l.nodes > full_up_to) bounded.emplace(plan, l.nodes, l.rails);
  const PairRuns runs = measure_every_pair(comm, *transport_, plan, l, bounded, ctx.corrupt_result, ctx.deadline);
  fabric_ = {{"fabric", fabric_section(*transport_, plan, l, runs, bounded, full_up_to)}};

  RankResult r;
  r.metrics = bounded ? pooled_pair_metrics(plan, bounded->builder) : pair_metrics(plan, runs.concurrent);
  r.verification = payload_verification(runs);
  r.info = transport_->info();
  r.info["rounds"] = runs.rounds;
  r.info["rails"] = l.rails;
  r.info["window"] = plan.window;
  r.info["latency_iterations"] = plan.latency_iterations;
  r.info["pairs_remeasured"] = runs.again.size();
  return r;
}

}  // namespace capbench
