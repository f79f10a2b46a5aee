#include "reports/capacity/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/gpu_sharing.hpp"
#include "common/precision.hpp"
#include "common/stats.hpp"
#include "reports/system/quantity.hpp"
#include "reports/render/summary.hpp"

namespace capbench {

namespace {

bool rank_verified(const RankDigest& r) { return r.status == "ok" && r.verification.status == "passed"; }

std::string problem_text(const std::string& case_id, const RankDigest& r) {
  if (r.status != "ok") return fmt::format("{}: rank {}{}", case_id, r.status, r.error.empty() ? "" : " (" + r.error + ")");
  if (r.verification.status == "failed")
    return fmt::format("{}: verification failed{}", case_id, r.verification.detail.empty() ? "" : " (" + r.verification.detail + ")");
  return fmt::format("{}: result not verified", case_id);
}

// Ranks the case has no record of at all (a damaged or hand-edited file): they were not measured.
std::vector<int> ranks_absent_from(const ReportCase& c, std::size_t nranks) {
  std::vector<char> present(nranks, 0);
  for (const auto& r : c.ranks)
    if (r.rank >= 0 && static_cast<std::size_t>(r.rank) < nranks) present[static_cast<std::size_t>(r.rank)] = 1;
  std::vector<int> absent;
  for (std::size_t i = 0; i < nranks; ++i)
    if (!present[i]) absent.push_back(static_cast<int>(i));
  return absent;
}

constexpr const char* kAbsentRank = "no result for this rank in the case: it was not measured";

const MetricDigest* find_metric(const RankDigest& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return &m;
  return nullptr;
}

// The GEMM family a case belongs to: its precision, or "fp8_e4m3_fast_accum" for FP8 with
// cuBLASLt's fast accumulation, a lower-accuracy mode never pooled with accurate FP8.
std::string case_family_key(const ReportCase& c) {
  std::string key = c.params.value("precision", "");
  if (c.benchmark == "gemm" && c.params.value("fast_accumulation", false)) key += kFastAccumulationSuffix;
  return key;
}

// Per rank, the best verified median over the family's cases. A rank with a wrong or
// unverified answer in any case of the family contributes nothing to it.
FamilyFigures collect_family(const ReportResults& rf, const std::string& benchmark, const std::string& precision,
                             const std::string& metric, const std::string& unit) {
  FamilyFigures f;
  f.benchmark = benchmark;
  f.precision = precision;
  f.unit = unit;
  const std::size_t n = rf.ranks.size();
  std::vector<char> took_part(n, 0), tainted(n, 0);
  std::vector<GpuFigure> fig(n);
  for (std::size_t i = 0; i < n; ++i) fig[i].rank = static_cast<int>(i);
  for (const auto& c : rf.cases) {
    if (c.benchmark != benchmark || case_family_key(c) != precision) continue;
    f.cases.push_back(c.id);
    for (const int absent : ranks_absent_from(c, n)) {
      const auto i = static_cast<std::size_t>(absent);
      took_part[i] = 1;
      if (!tainted[i]) fig[i].problem = c.id + ": " + kAbsentRank;
      tainted[i] = 1;
    }
    for (const auto& r : c.ranks) {
      const auto i = static_cast<std::size_t>(r.rank);
      if (r.status == "skipped") continue;
      took_part[i] = 1;
      auto& g = fig[i];
      if (!rank_verified(r)) {
        if (!tainted[i]) g.problem = problem_text(c.id, r);
        tainted[i] = 1;
        continue;
      }
      const MetricDigest* m = find_metric(r, metric);
      if (!m || m->stats.n == 0) {
        if (!tainted[i]) g.problem = c.id + ": no " + metric + " figure";
        tainted[i] = 1;
        continue;
      }
      if (!g.value || m->stats.median > *g.value) {
        g.value = m->stats.median;
        g.best_case = c.id;
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (!took_part[i]) continue;
    if (tainted[i]) fig[i].value.reset();
    f.gpus.push_back(std::move(fig[i]));
  }
  return f;
}

// The CPU backend's peak model (bench/cpu/cpu_peak.hpp), as the rank recorded it.
void read_cpu_peak(const json& details, GpuIdentity& g) {
  if (!details.is_object() || !details.contains("peak_model")) return;
  const json& pm = details["peak_model"];
  if (!pm.is_object() || !pm.contains("peak_flops") || !pm["peak_flops"].is_object()) return;
  const json& pf = pm["peak_flops"];
  const json fpc = pm.value("flop_per_cycle_per_core", json::object());
  const int cores = pm.value("cores", 0);
  auto text = [&](const char* p) {
    return fmt::format("{} core{} x {} FLOP/cycle ({}) x {:.2f} GHz, {}", cores, cores == 1 ? "" : "s",
                       fpc.is_object() ? fpc.value(p, 0) : 0, pm.value("vector_isa", std::string("?")),
                       pm.value("clock_hz", 0.0) / 1e9, pm.value("clock_basis_short", std::string("clock basis not recorded")));
  };
  if (pf.contains("fp64") && pf["fp64"].is_number() && pf["fp64"].get<double>() > 0) {
    g.cpu_peak_fp64 = pf["fp64"].get<double>();
    g.cpu_peak_fp64_text = text("fp64");
  }
  if (pf.contains("fp32") && pf["fp32"].is_number() && pf["fp32"].get<double>() > 0) {
    g.cpu_peak_fp32 = pf["fp32"].get<double>();
    g.cpu_peak_fp32_text = text("fp32");
  }
  g.cpu_peak_basis = pm.value("clock_basis", std::string());
}

std::optional<double> cpu_peak(const GpuIdentity& id, const std::string& precision) {
  if (precision == "fp64") return id.cpu_peak_fp64;
  if (precision == "fp32") return id.cpu_peak_fp32;
  return std::nullopt;
}

// Two ranks on one GPU each time a share of it (on the H200, two ranks' STREAM copy medians
// summed to 8.4 TB/s on a card of 4.8), so a figure from a shared GPU is no GPU's figure: it is
// kept out of every sum, median and projection, and the GPU's problem says why.
void keep_out_shared_gpus(FamilyFigures& f, const std::vector<GpuIdentity>& gpus) {
  for (auto& g : f.gpus) {
    const auto& id = gpus[static_cast<std::size_t>(g.rank)];
    if (id.shares_gpu_with.empty() || !g.value) continue;
    g.value.reset();
    g.on_shared_gpu = true;
    g.problem = fmt::format("rank {} shared its GPU ({}) with rank{} {}: its verified figure ({}) is a share of one "
                            "GPU, not a GPU's figure, so it counts for nothing",
                            g.rank, id.uuid.empty() ? id.bus_id : id.uuid, id.shares_gpu_with.size() == 1 ? "" : "s",
                            fmt::join(id.shares_gpu_with, ", "), g.best_case);
    g.best_case.clear();
    ++f.on_shared_gpus;
  }
}

// How many GPUs the ranks at these indices of f.gpus ran on.
int distinct_devices(const FamilyFigures& f, const std::vector<std::size_t>& idx, const std::vector<GpuIdentity>& gpus) {
  std::vector<int> ranks;
  ranks.reserve(idx.size());
  for (const auto i : idx) ranks.push_back(f.gpus[i].rank);
  return distinct_gpus(gpus, ranks);
}

void summarize_family(FamilyFigures& f, const std::vector<GpuIdentity>& gpus) {
  std::map<std::string, std::vector<std::size_t>> by_model;  // model key -> indices into f.gpus
  std::vector<std::size_t> all(f.gpus.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  f.devices = distinct_devices(f, all, gpus);
  for (std::size_t i = 0; i < f.gpus.size(); ++i) {
    auto& g = f.gpus[i];
    const auto& id = gpus[static_cast<std::size_t>(g.rank)];
    by_model[id.model_key].push_back(i);
    if (id.model) {
      if (f.benchmark == "gemm") g.peak = GpuDatabase::gemm_peak(*id.model, f.precision).per_gpu;
      else g.peak = GpuDatabase::memory_bandwidth(*id.model);
    } else if (f.benchmark == "gemm") {
      g.peak = cpu_peak(id, f.precision);
    }
    if (!g.value) continue;
    ++f.measured;
    f.measured_sum += *g.value;
    if (f.slowest_rank < 0 || *g.value < f.slowest) {
      f.slowest = *g.value;
      f.slowest_rank = g.rank;
    }
    if (g.peak) {
      ++f.gpus_peak_known;
      f.peak_sum_known += *g.peak;
      f.measured_sum_known += *g.value;
    }
  }
  f.n_times_slowest = f.measured * f.slowest;
  if (f.gpus_peak_known > 0 && f.peak_sum_known > 0) f.efficiency = f.measured_sum_known / f.peak_sum_known;

  for (auto& [key, idx] : by_model) {
    ModelRow row;
    row.model_key = key;
    const auto& first = gpus[static_cast<std::size_t>(f.gpus[idx.front()].rank)];
    row.label = first.model_label;
    row.gpus = static_cast<int>(idx.size());
    row.devices = distinct_devices(f, idx, gpus);
    if (first.model) {
      if (f.benchmark == "gemm") {
        const auto pk = GpuDatabase::gemm_peak(*first.model, f.precision);
        row.peak_per_gpu = pk.per_gpu;
        row.peak_figure = pk.figure;
        row.peak_source = pk.source;
        row.peak_note = pk.note;
      } else {
        row.peak_per_gpu = GpuDatabase::memory_bandwidth(*first.model);
        row.peak_figure = "memory_bandwidth_tb_s";
        row.peak_source = first.model->memory_bandwidth_tb_s.source;
      }
    } else if (f.benchmark == "gemm" && cpu_peak(first, f.precision)) {
      row.peak_per_gpu = cpu_peak(first, f.precision);
      row.peak_figure = "CPU peak model: " + (f.precision == "fp64" ? first.cpu_peak_fp64_text : first.cpu_peak_fp32_text);
      row.peak_source = first.cpu_peak_basis;
    } else {
      row.peak_note = first.kind == "cpu" ? "peak unknown: the run recorded no CPU peak model"
                                          : "peak unknown: the GPU is not in the database";
    }
    std::vector<double> values;
    std::vector<std::size_t> measured_idx;
    for (auto i : idx)
      if (f.gpus[i].value) {
        values.push_back(*f.gpus[i].value);
        measured_idx.push_back(i);
      }
    row.measured = static_cast<int>(values.size());
    if (!values.empty()) {
      row.median = median(values);
      row.min = *std::min_element(values.begin(), values.end());
      row.max = *std::max_element(values.begin(), values.end());
      for (double v : values) row.sum += v;
      for (auto i : measured_idx) f.gpus[i].model_median = row.median;
      if (static_cast<int>(values.size()) >= kOutlierMinGpus) {
        const auto z = modified_z_scores(values);
        for (std::size_t k = 0; k < measured_idx.size(); ++k) {
          auto& g = f.gpus[measured_idx[k]];
          g.z = z[k];
          g.outlier = std::fabs(z[k]) > kOutlierZ;
        }
      }
    }
    f.models.push_back(std::move(row));
  }
}

void project(FamilyFigures& f, const SystemConfig& sys) {
  f.projection_made = true;
  double fleet_peak = 0;
  bool complete = true;
  for (const auto& item : sys.inventory) {
    if (!item.measurable_by_capbench) continue;
    ModelRow* row = nullptr;
    for (auto& r : f.models)
      if (r.model_key == item.model) row = &r;
    const auto pk = GpuDatabase::gemm_peak(*item.gpu, f.precision);
    if (pk.per_gpu) {
      fleet_peak += *pk.per_gpu * double(item.count);
      f.fleet_peak_gpus += item.count;
    } else {
      complete = false;
      f.fleet_peak_notes.push_back(fmt::format("{} x {}: datasheet peak unknown ({})", item.count, item.gpu->label,
                                               pk.note.empty() ? "no figure" : pk.note));
    }
    if (row && row->measured > 0) {
      row->declared_count = item.count;
      row->projected = row->median * double(item.count);
      f.projected += *row->projected;
      f.projected_gpus += item.count;
    } else {
      f.projection_notes.push_back(fmt::format("{} x {} declared: not measured in {} in this run, not projected",
                                               item.count, item.gpu->label, f.precision));
    }
  }
  for (const auto& r : f.models) {
    if (r.declared_count || r.measured == 0) continue;
    f.projection_notes.push_back(fmt::format("{} GPU(s) of model {} were measured but are not in the declared "
                                             "inventory: not projected",
                                             r.measured, r.label));
  }
  f.fleet_peak = fleet_peak;
  f.fleet_peak_complete = complete;
}

// Per size, the job-wide busbw of a results/2 case (case.metrics), or the ranks' own busbw
// medians of a results/1 case. A collective is only as good as every rank: with any rank
// failed or unverified there is no figure, whichever the basis.
// Why a collective case can have no bus bandwidth whatever it measured: with one rank, or with
// every rank on the same GPU, nothing crosses a link between devices, and the "bandwidth"
// nccl-tests' formula gives is only the call's time (zero, or an in-place copy's 10^5 GB/s).
std::string single_device_reason(const ReportResults& rf, const ReportCase& c) {
  if (c.ranks.size() == 1)
    return "one rank: a collective on one rank moves no data between devices, so it has no bus bandwidth; "
           "the case checks the call's correctness only";
  std::set<std::string> devices;
  for (const auto& r : c.ranks) {
    const auto i = static_cast<std::size_t>(r.rank);
    if (i >= rf.ranks.size() || rf.ranks[i].device.kind != "cuda") return "";
    devices.insert(gpu_device_key(rf.ranks[i]));
  }
  if (devices.size() == 1 && !c.ranks.empty())
    return fmt::format("all {} ranks share one GPU: no data crosses a link between devices, so the case has no "
                       "bus bandwidth",
                       c.ranks.size());
  return "";
}

std::vector<CollectiveSeries> collect_collectives(const ReportResults& rf) {
  std::vector<CollectiveSeries> out;
  for (const auto& c : rf.cases) {
    if (c.benchmark != "collective") continue;
    CollectiveSeries s;
    s.case_id = c.id;
    s.status = c.status;
    s.operation = c.params.value("operation", "");
    s.dtype = c.params.value("dtype", "");
    s.in_place = c.params.value("in_place", false);
    s.ranks_total = static_cast<int>(c.ranks.size());
    for (const auto& r : c.ranks)
      if (rank_verified(r)) ++s.ranks_ok;
    s.no_bandwidth_reason = single_device_reason(rf, c);
    const bool all_verified = s.ranks_ok == s.ranks_total && s.ranks_total > 0 && s.no_bandwidth_reason.empty();
    s.job_wide = !c.metrics.empty();
    if (s.job_wide) {
      if (c.info.contains("metrics_basis") && c.info["metrics_basis"].is_string())
        s.basis_note = c.info["metrics_basis"].get<std::string>();
      if (all_verified) {
        std::map<double, double> by_size;  // size -> job median busbw
        for (const auto& m : c.metrics)
          if (m.name == "busbw" && m.stats.n > 0) by_size[m.labels.value("size_bytes", 0.0)] = m.stats.median;
        for (const auto& [size, busbw] : by_size) {
          CollectivePoint p;
          p.size_bytes = size;
          p.busbw_min = busbw;
          p.busbw_median = busbw;
          p.slowest_rank = -1;
          p.ranks = s.ranks_total;
          s.points.push_back(p);
        }
      }
      out.push_back(std::move(s));
      continue;
    }
    std::map<double, std::vector<std::pair<double, int>>> by_size;  // size -> (median busbw, rank)
    for (const auto& r : c.ranks) {
      if (!rank_verified(r)) continue;
      for (const auto& m : r.metrics)
        if (m.name == "busbw" && m.stats.n > 0)
          by_size[m.labels.value("size_bytes", 0.0)].push_back({m.stats.median, r.rank});
    }
    if (all_verified) {
      for (auto& [size, v] : by_size) {
        CollectivePoint p;
        p.size_bytes = size;
        p.ranks = static_cast<int>(v.size());
        auto slow = std::min_element(v.begin(), v.end());
        p.busbw_min = slow->first;
        p.slowest_rank = slow->second;
        std::vector<double> vals;
        for (auto& x : v) vals.push_back(x.first);
        p.busbw_median = median(vals);
        s.points.push_back(p);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

void compare_with_target(Analysis& a) {
  auto& t = a.target;
  if (!a.system) {
    t.reason = "no system description was given (--system), so there is no target to compare with";
    return;
  }
  const auto& tg = a.system->target;
  t.precision = tg.precision;
  t.basis = tg.basis;
  t.unit = throughput_unit(tg.precision);
  t.target = tg.value_base;
  for (const auto& item : a.system->inventory)
    if (item.measurable_by_capbench) t.gpus_declared_cuda += item.count;
  if (a.cpu_backend) {
    t.reason = "this run used the CPU backend: it measured CPU cores, not GPUs, and claims no GPU capacity";
    return;
  }
  const FamilyFigures* f = find_family(a.gemm, tg.precision);
  if (!f || f->measured == 0) {
    t.reason = fmt::format("this run has no verified GEMM figure in {}, the target's precision; figures in other "
                           "precisions are never compared with it",
                           tg.precision);
    return;
  }
  t.evaluated = true;
  t.gpus_measured = f->measured;
  t.measured = f->measured_sum;
  if (f->projection_made && f->projected_gpus > 0) t.projected = f->projected;
  if (f->fleet_peak) t.fleet_peak = f->fleet_peak;
  t.gpus_in_fleet_peak = f->fleet_peak_gpus;
  if (f->gpus_peak_known > 0) t.peak_of_measured = f->peak_sum_known;
  if (tg.basis == "sustained") {
    t.measured_fraction = f->measured_sum / tg.value_base;
    if (t.projected) t.projected_fraction = *t.projected / tg.value_base;
    t.notes.push_back("The target is a sustained figure: it is compared with the measured sum and the projection.");
  } else {
    if (f->fleet_peak) t.fleet_peak_fraction = *f->fleet_peak / tg.value_base;
    t.measured_of_peak = f->efficiency;
    if (f->fleet_peak && *f->fleet_peak > 0 && t.projected) t.projected_of_fleet_peak = *t.projected / *f->fleet_peak;
    t.notes.push_back("The target is a peak figure: it is compared with the datasheet peak of the declared GPUs, "
                      "never with measured throughput; the measured figures are given as a fraction of peak.");
    if (!f->fleet_peak_complete) t.notes.push_back("The datasheet peak leaves out GPUs whose peak is unknown.");
  }
}

}  // namespace

int distinct_gpus(const std::vector<GpuIdentity>& gpus, const std::vector<int>& ranks) {
  // A GPU is named by the lowest rank on it, whichever of its ranks are listed.
  std::set<int> seen;
  for (const int r : ranks) {
    const auto& id = gpus[static_cast<std::size_t>(r)];
    seen.insert(id.shares_gpu_with.empty()
                    ? id.rank
                    : std::min(id.rank, *std::min_element(id.shares_gpu_with.begin(), id.shares_gpu_with.end())));
  }
  return static_cast<int>(seen.size());
}

int distinct_gpus(const std::vector<GpuIdentity>& gpus) {
  std::vector<int> all;
  all.reserve(gpus.size());
  for (const auto& id : gpus) all.push_back(id.rank);
  return distinct_gpus(gpus, all);
}

std::string collective_basis_text(const CollectiveSeries& s) {
  if (s.job_wide)
    return "job-wide: per timed iteration the slowest rank's time sets the job's busbw; the figure is the median "
           "over iterations";
  return "per rank (results/1): each rank's median over iterations; the figure is the lowest of those, with its rank";
}

const FamilyFigures* find_family(const std::vector<FamilyFigures>& v, const std::string& precision) {
  for (const auto& f : v)
    if (f.precision == precision) return &f;
  return nullptr;
}

namespace {

// Each rank's device, matched against the GPU database.
GpuIdentity identify(const RankIdentity& k, const GpuDatabase& db) {
  GpuIdentity g;
  g.rank = k.rank;
  g.node_index = k.node_index;
  g.host = k.host;
  g.bus_id = k.device.pci_bus_id;
  g.serial = k.device.serial;
  g.uuid = k.device.uuid;
  g.name = k.device.name;
  g.pci_device_id = k.device.pci_device_id;
  g.kind = k.device.kind;
  g.model = db.match(k.device);
  if (g.model) {
    g.model_key = g.model->key;
    g.model_label = g.model->label;
  } else {
    g.model_key = "unknown:" + k.device.name;
    g.model_label = k.device.kind == "cuda" ? k.device.name + " (not in the GPU database: peak unknown)"
                                            : k.device.name + (k.device.kind == "cpu" ? " (CPU)" : " (" + k.device.kind + ")");
  }
  read_cpu_peak(k.device.details, g);
  return g;
}

// The run's devices, the models among them, and which ranks shared a GPU.
void identify_gpus(const ReportResults& rf, const GpuDatabase& db, Analysis& a) {
  std::map<std::string, int> model_counts;
  for (const auto& k : rf.ranks) {
    a.gpus.push_back(identify(k, db));
    ++model_counts[a.gpus.back().model_label];
  }
  for (const auto& [label, n] : model_counts) a.models_in_run.push_back(fmt::format("{} x {}", n, label));
  a.shared_gpus = shared_gpus(rf.ranks);
  for (const auto& shared : a.shared_gpus)
    for (const int r : shared.ranks)
      for (const int other : shared.ranks)
        if (other != r && static_cast<std::size_t>(r) < a.gpus.size())
          a.gpus[static_cast<std::size_t>(r)].shares_gpu_with.push_back(other);
}

// One family per GEMM precision (FP8 with fast accumulation a family of its own, never pooled
// with accurate accumulation), projected onto the system where the run measured GPUs.
void collect_gemm_families(const ReportResults& rf, const SystemConfig* system, Analysis& a) {
  for (const auto& p : kPrecisions) {
    for (const bool fast : {false, true}) {
      if (fast && p.precision != Precision::fp8_e4m3) continue;
      const std::string key = std::string(p.key) + (fast ? kFastAccumulationSuffix : "");
      auto f = collect_family(rf, "gemm", key, "throughput", p.integer ? "OP/s" : "FLOP/s");
      if (f.gpus.empty()) continue;
      keep_out_shared_gpus(f, a.gpus);
      summarize_family(f, a.gpus);
      if (system && !a.cpu_backend) project(f, *system);
      a.gemm.push_back(std::move(f));
    }
  }
}

void collect_stream_families(const ReportResults& rf, Analysis& a) {
  for (const std::string key : {"fp64", "fp32"}) {
    auto f = collect_family(rf, "stream", key, "triad_bandwidth", "B/s");
    if (f.gpus.empty()) continue;
    keep_out_shared_gpus(f, a.gpus);
    summarize_family(f, a.gpus);
    a.stream.push_back(std::move(f));
  }
}

// Every GPU that stood out from the others of its model, in any family.
void list_outliers(Analysis& a) {
  for (const auto* fams : {&a.gemm, &a.stream}) {
    for (const auto& f : *fams) {
      for (const auto& g : f.gpus) {
        if (!g.outlier) continue;
        Outlier o;
        o.family = (f.benchmark == "gemm" ? "GEMM " : "STREAM triad ") + f.precision;
        o.model_label = a.gpus[static_cast<std::size_t>(g.rank)].model_label;
        o.rank = g.rank;
        o.value = *g.value;
        o.model_median = *g.model_median;
        o.z = g.z;
        o.unit = f.unit;
        a.outliers.push_back(o);
      }
    }
  }
}

// The system's models this run did not measure, with their declared figures and why.
void list_declared(const SystemConfig& system, Analysis& a) {
  for (const auto& item : system.inventory) {
    bool measured = false;
    if (item.measurable_by_capbench && !a.cpu_backend)
      for (const auto& g : a.gpus)
        if (g.model == item.gpu) measured = true;
    if (measured) continue;
    DeclaredRow d;
    d.model = item.gpu ? item.gpu->label : item.model;
    d.count = item.count;
    d.measurable = item.measurable_by_capbench;
    d.reason = !item.measurable_by_capbench ? "not a CUDA device, so capbench cannot measure it"
               : a.cpu_backend             ? "not measured: this run used the CPU backend"
                                           : "measurable, but no GPU of this model took part in this run";
    d.figures = item.declared;
    d.note = item.note;
    a.declared.push_back(std::move(d));
  }
}

// Every rank of every case that is absent, failed or computed a wrong answer.
std::vector<RunProblem> list_problems(const ReportResults& rf) {
  std::vector<RunProblem> out;
  for (const auto& c : rf.cases) {
    for (const int absent : ranks_absent_from(c, rf.ranks.size())) {
      RunProblem p;
      p.case_id = c.id;
      p.rank = absent;
      p.status = "missing";
      p.verification = "not_run";
      p.detail = kAbsentRank;
      out.push_back(std::move(p));
    }
    for (const auto& r : c.ranks) {
      if (r.status == "skipped") continue;
      if (r.status == "ok" && r.verification.status == "passed") continue;
      RunProblem p;
      p.case_id = c.id;
      p.rank = r.rank;
      p.status = r.status;
      p.verification = r.verification.status;
      p.detail = r.status != "ok" ? r.error : r.verification.detail;
      out.push_back(std::move(p));
    }
  }
  return out;
}

}  // namespace

Analysis analyze(const ReportResults& rf, const std::string& results_path, const std::string& results_sha256,
                 const GpuDatabase& db, const SystemConfig* system) {
  Analysis a;
  a.results = &rf;
  a.results_path = results_path;
  a.results_sha256 = results_sha256;
  a.db = &db;
  a.system = system;
  a.cpu_backend = rf.run.backend != "cuda";
  identify_gpus(rf, db, a);
  collect_gemm_families(rf, system, a);
  collect_stream_families(rf, a);
  list_outliers(a);
  a.collectives = collect_collectives(rf);
  if (system) list_declared(*system, a);
  compare_with_target(a);
  a.problems = list_problems(rf);
  return a;
}

Analysis analyze(const ResultsFile& rf, const std::string& results_path, const std::string& results_sha256,
                 const GpuDatabase& db, const SystemConfig* system) {
  auto digest = std::make_shared<const ReportResults>(rf);
  Analysis a = analyze(*digest, results_path, results_sha256, db, system);
  a.owned_results = std::move(digest);
  return a;
}

}  // namespace capbench
