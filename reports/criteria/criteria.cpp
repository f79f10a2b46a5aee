#include "reports/render/storage_report.hpp"
#include "reports/criteria/criteria.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "common/precision.hpp"
#include "common/sha256.hpp"
#include "reports/render/fabric_report.hpp"
#include "reports/render/report.hpp"
#include "reports/system/quantity.hpp"
#include "reports/render/summary.hpp"

namespace capbench {

namespace {

std::string read_benchmark_precision(const ConfigNode& n, std::string& precision) {
  const auto bench = n.at("benchmark").as_enum({"gemm", "stream"});
  const auto p = n.at("precision");
  precision = bench == "gemm" ? p.as_enum({"fp64", "fp32", "tf32", "fp16", "bf16", "fp8_e4m3", "int8"})
                              : p.as_enum({"fp64", "fp32"});
  return bench;
}

std::string family_unit(const std::string& bench, const std::string& precision) {
  return bench == "stream" ? "B/s" : throughput_unit(precision);
}

CriterionFailure gpu_failure(const GpuIdentity& g, std::string what, std::optional<double> measured, double threshold) {
  return {g.rank, g.host, g.bus_id, g.serial, std::move(what), measured, threshold};
}

// Keeps the worst (smallest relative margin) case of a criterion.
void consider(CriterionResult& r, std::optional<double> measured, double threshold) {
  if (r.worst_missing) return;  // nothing is worse than no figure
  if (!measured) {
    r.worst_missing = true;
    r.measured.reset();
    r.margin.reset();
    r.threshold = threshold;
    return;
  }
  const double margin = threshold > 0 ? (*measured - threshold) / threshold : 0.0;
  if (!r.margin || margin < *r.margin) {
    r.margin = margin;
    r.measured = measured;
    r.threshold = threshold;
  }
}

void finish(CriterionResult& r) {
  if (r.status.empty()) r.status = r.failures.empty() ? "PASS" : "FAIL";
  if (r.status == "PASS" && r.checked == 0) {
    r.status = "NOT_EVALUATED";
    if (r.note.empty()) r.note = "nothing in the results file matched this criterion";
  }
}

}  // namespace

CriteriaConfig load_criteria(const std::string& path) {
  std::string text;
  const json j = load_jsonc_file(path, &text);
  ConfigNode root(j, path);
  root.allow_only({"schema", "name", "description", "per_gpu", "per_node", "collectives", "system", "verification",
                   "telemetry", "health", "storage", "fabric"});
  const auto schema = root.at("schema");
  if (schema.as_string() != "capbench.criteria/1") schema.fail("\"capbench.criteria/1\"");
  CriteriaConfig c;
  c.file = path;
  c.sha256 = sha256_hex(text);
  c.name = root.at("name").as_string();
  if (auto d = root.find("description")) c.description = d->as_string();
  if (auto list = root.find("per_gpu")) {
    for (const auto& n : list->items()) {
      n.allow_only({"id", "benchmark", "precision", "models", "min_fraction_of_model_median", "min_fraction_of_peak",
                    "min"});
      PerGpuCriterion p;
      p.id = n.at("id").as_string();
      p.benchmark = read_benchmark_precision(n, p.precision);
      if (auto m = n.find("models"))
        for (const auto& k : m->items()) p.models.push_back(k.as_string());
      if (auto v = n.find("min_fraction_of_model_median")) p.min_fraction_of_model_median = v->as_fraction();
      if (auto v = n.find("min_fraction_of_peak")) p.min_fraction_of_peak = v->as_fraction();
      if (auto v = n.find("min")) p.min_value = read_quantity(*v, family_unit(p.benchmark, p.precision));
      if (!p.min_fraction_of_model_median && !p.min_fraction_of_peak && !p.min_value)
        n.fail("at least one of min_fraction_of_model_median, min_fraction_of_peak, min");
      c.per_gpu.push_back(std::move(p));
    }
  }
  if (auto list = root.find("per_node")) {
    for (const auto& n : list->items()) {
      n.allow_only({"id", "benchmark", "precision", "min_sum"});
      PerNodeCriterion p;
      p.id = n.at("id").as_string();
      p.benchmark = read_benchmark_precision(n, p.precision);
      p.min_sum = read_quantity(n.at("min_sum"), family_unit(p.benchmark, p.precision));
      c.per_node.push_back(std::move(p));
    }
  }
  if (auto list = root.find("collectives")) {
    for (const auto& n : list->items()) {
      n.allow_only({"id", "operation", "dtype", "in_place", "min_size", "min_busbw"});
      CollectiveCriterion p;
      p.id = n.at("id").as_string();
      p.operation = n.at("operation").as_enum({"all_reduce", "all_gather", "reduce_scatter", "broadcast", "alltoall"});
      if (auto d = n.find("dtype")) p.dtype = d->as_enum({"fp32", "fp64"});
      if (auto ip = n.find("in_place")) p.in_place = ip->as_bool();
      p.min_size_bytes = read_quantity(n.at("min_size"), "B");
      p.min_busbw = read_quantity(n.at("min_busbw"), "B/s");
      c.collectives.push_back(std::move(p));
    }
  }
  if (auto list = root.find("system")) {
    for (const auto& n : list->items()) {
      n.allow_only({"id", "figure", "precision", "min", "min_fraction_of_target"});
      SystemCriterion p;
      p.id = n.at("id").as_string();
      p.figure = n.at("figure").as_enum({"measured", "projected", "n_times_slowest"});
      if (auto v = n.find("precision")) p.precision = v->as_enum({"fp64", "fp32", "tf32", "fp16", "bf16", "fp8_e4m3", "int8"});
      if (auto v = n.find("min")) {
        if (p.precision.empty()) n.fail("a \"precision\" beside an absolute \"min\"");
        p.min_value = read_quantity(*v, throughput_unit(p.precision));
      }
      if (auto v = n.find("min_fraction_of_target")) p.min_fraction_of_target = v->as_positive_number();
      if (!p.min_value == !p.min_fraction_of_target) n.fail("exactly one of \"min\" and \"min_fraction_of_target\"");
      c.system.push_back(std::move(p));
    }
  }
  if (auto v = root.find("verification")) {
    v->allow_only({"all_passed"});
    c.verification_all_passed = v->at("all_passed").as_bool();
  }
  if (auto t = root.find("telemetry")) {
    t->allow_only({"max_throttled_fraction"});
    c.max_throttled_fraction = t->at("max_throttled_fraction").as_fraction();
  }
  if (auto h = root.find("health")) c.health = health_criterion_from(*h);
  if (auto st = root.find("storage")) c.storage = read_storage_criteria(*st);
  if (auto f = root.find("fabric")) c.fabric = read_fabric_criteria(*f);
  return c;
}

namespace {

const FamilyFigures* family_of(const Analysis& a, const std::string& bench, const std::string& precision) {
  return find_family(bench == "gemm" ? a.gemm : a.stream, precision);
}

std::string family_name(const std::string& bench, const std::string& precision) {
  return bench == "gemm" ? "GEMM " + precision : "STREAM triad " + precision;
}

void per_gpu_threshold(Verdict& v, const Analysis& a, const PerGpuCriterion& c, const std::string& kind) {
  CriterionResult r;
  r.kind = "per_gpu";
  r.benchmark = c.benchmark;
  r.precision = c.precision;
  const auto unit = family_unit(c.benchmark, c.precision);
  r.unit = unit;
  const FamilyFigures* f = family_of(a, c.benchmark, c.precision);
  std::string models_text = c.models.empty() ? "every GPU" : "GPUs of model";
  for (const auto& m : c.models) models_text += " " + m;
  if (kind == "median") {
    r.id = c.id + "/model-median";
    r.description = fmt::format("{}: {} at least {:.0f} % of its model's median", family_name(c.benchmark, c.precision),
                                models_text, *c.min_fraction_of_model_median * 100);
  } else if (kind == "peak") {
    r.id = c.id + "/peak";
    r.description = fmt::format("{}: {} at least {:.0f} % of its datasheet {}", family_name(c.benchmark, c.precision),
                                models_text, *c.min_fraction_of_peak * 100,
                                c.benchmark == "gemm" ? "peak" : "memory bandwidth");
  } else {
    r.id = c.id + "/min";
    r.description = fmt::format("{}: {} at least {}", family_name(c.benchmark, c.precision), models_text,
                                format_si(*c.min_value, unit));
  }
  if (!f) {
    r.status = "NOT_EVALUATED";
    r.note = fmt::format("the run has no {} case", family_name(c.benchmark, c.precision));
    v.results.push_back(std::move(r));
    return;
  }
  std::map<std::string, double> model_thresholds;
  std::size_t unevaluable = 0;
  for (const auto& g : f->gpus) {
    const auto& id = a.gpus[static_cast<std::size_t>(g.rank)];
    if (!c.models.empty() && std::find(c.models.begin(), c.models.end(), id.model_key) == c.models.end()) continue;
    ++r.checked;
    std::optional<double> threshold;
    std::string why_none;
    if (kind == "median") {
      for (const auto& m : f->models)
        if (m.model_key == id.model_key && m.measured > 0) threshold = *c.min_fraction_of_model_median * m.median;
    } else if (kind == "peak") {
      if (g.peak) threshold = *c.min_fraction_of_peak * *g.peak;
      else why_none = "peak unknown for this GPU: the criterion cannot be checked";
    } else {
      threshold = *c.min_value;
    }
    if (threshold) model_thresholds[id.model_key] = *threshold;
    if (!g.value) {
      r.failures.push_back(gpu_failure(id, (g.on_shared_gpu ? "kept out: " : "no verified figure: ") + g.problem, std::nullopt, threshold.value_or(0)));
      consider(r, std::nullopt, threshold.value_or(0));
      continue;
    }
    if (!threshold) {
      ++unevaluable;
      r.failures.push_back(gpu_failure(id, why_none, g.value, 0));
      continue;
    }
    consider(r, g.value, *threshold);
    if (*g.value < *threshold)
      r.failures.push_back(gpu_failure(id, fmt::format("{} < {} (best case {})", format_si(*g.value, unit),
                                                       format_si(*threshold, unit), g.best_case),
                                       g.value, *threshold));
  }
  r.model_thresholds.assign(model_thresholds.begin(), model_thresholds.end());
  if (unevaluable > 0 && unevaluable == r.failures.size()) {
    r.status = "NOT_EVALUATED";
    r.note = fmt::format("{} GPU(s) have no known peak: they cannot be held to a fraction of it", unevaluable);
  }
  finish(r);
  v.results.push_back(std::move(r));
}

void per_node(Verdict& v, const Analysis& a, const PerNodeCriterion& c) {
  CriterionResult r;
  r.id = c.id;
  r.kind = "per_node";
  r.unit = family_unit(c.benchmark, c.precision);
  r.description = fmt::format("{}: every node's sum over its GPUs at least {}", family_name(c.benchmark, c.precision),
                              format_si(c.min_sum, r.unit));
  const FamilyFigures* f = family_of(a, c.benchmark, c.precision);
  if (!f) {
    r.status = "NOT_EVALUATED";
    r.note = fmt::format("the run has no {} case", family_name(c.benchmark, c.precision));
    v.results.push_back(std::move(r));
    return;
  }
  struct Node {
    double sum = 0;
    int missing = 0, kept_out = 0;
    std::string missing_gpus, kept_out_ranks;
  };
  std::map<std::string, Node> nodes;
  for (const auto& g : f->gpus) {
    const auto& id = a.gpus[static_cast<std::size_t>(g.rank)];
    auto& n = nodes[id.host];
    if (g.value) {
      n.sum += *g.value;
    } else if (g.on_shared_gpu) {
      ++n.kept_out;
      n.kept_out_ranks += fmt::format("{}{}", n.kept_out_ranks.empty() ? "" : ", ", id.rank);
    } else {
      ++n.missing;
      n.missing_gpus += fmt::format("{}rank {} bus {} serial {}", n.missing_gpus.empty() ? "" : "; ", id.rank,
                                    id.bus_id, id.serial);
    }
  }
  for (const auto& [host, n] : nodes) {
    ++r.checked;
    consider(r, n.sum, c.min_sum);
    if (n.sum < c.min_sum || n.missing > 0 || n.kept_out > 0) {
      CriterionFailure fl;
      fl.host = host;
      fl.measured = n.sum;
      fl.threshold = c.min_sum;
      fl.what = fmt::format("node sum {} vs {}", format_si(n.sum, r.unit), format_si(c.min_sum, r.unit));
      if (n.missing) fl.what += fmt::format("; {} GPU(s) without a verified figure: {}", n.missing, n.missing_gpus);
      if (n.kept_out)
        fl.what += fmt::format("; kept out, sharing a GPU with another rank: rank{} {}", n.kept_out == 1 ? "" : "s",
                               n.kept_out_ranks);
      r.failures.push_back(std::move(fl));
    }
  }
  finish(r);
  v.results.push_back(std::move(r));
}

void collective(Verdict& v, const Analysis& a, const CollectiveCriterion& c) {
  CriterionResult r;
  r.id = c.id;
  r.kind = "collective";
  r.unit = "B/s";
  r.description = fmt::format("{}{}: bus bandwidth of the job (slowest rank) at least {} at every size >= {}", c.operation,
                              c.dtype.empty() ? "" : " " + c.dtype, format_si(c.min_busbw, "B/s"),
                              format_bytes(c.min_size_bytes));
  for (const auto& s : a.collectives) {
    if (s.operation != c.operation || (!c.dtype.empty() && s.dtype != c.dtype)) continue;
    if (c.in_place && *c.in_place != s.in_place) continue;
    if (s.ranks_ok != s.ranks_total || s.ranks_total == 0) {
      ++r.checked;
      CriterionFailure fl;
      fl.what = fmt::format("{}: {} of {} ranks failed or were not verified: no figure", s.case_id,
                            s.ranks_total - s.ranks_ok, s.ranks_total);
      fl.threshold = c.min_busbw;
      r.failures.push_back(std::move(fl));
      consider(r, std::nullopt, c.min_busbw);
      continue;
    }
    for (const auto& p : s.points) {
      if (p.size_bytes < c.min_size_bytes) continue;
      ++r.checked;
      consider(r, p.busbw_min, c.min_busbw);
      if (p.busbw_min < c.min_busbw) {
        if (p.slowest_rank >= 0 && static_cast<std::size_t>(p.slowest_rank) < a.gpus.size()) {
          const auto& id = a.gpus[static_cast<std::size_t>(p.slowest_rank)];
          r.failures.push_back(gpu_failure(id,
                                           fmt::format("{} at {}: busbw {} (slowest rank)", s.case_id,
                                                       format_bytes(p.size_bytes), format_si(p.busbw_min, "B/s")),
                                           p.busbw_min, c.min_busbw));
        } else {
          // A job-wide figure: each iteration waited for whichever rank was slowest, so no one GPU is named.
          CriterionFailure fl;
          fl.what = fmt::format("{} at {}: busbw {} (job-wide, slowest rank per iteration)", s.case_id,
                                format_bytes(p.size_bytes), format_si(p.busbw_min, "B/s"));
          fl.measured = p.busbw_min;
          fl.threshold = c.min_busbw;
          r.failures.push_back(std::move(fl));
        }
      }
    }
  }
  if (r.checked == 0) r.note = "no collective case of this kind reached the minimum size";
  finish(r);
  v.results.push_back(std::move(r));
}

void system_criterion(Verdict& v, const Analysis& a, const SystemCriterion& c) {
  CriterionResult r;
  r.id = c.id;
  r.kind = "system";
  std::string precision = c.precision;
  if (precision.empty() && a.system) precision = a.system->target.precision;
  r.unit = throughput_unit(precision);
  const std::string figure_name = c.figure == "measured"    ? "measured sum over GPUs"
                                  : c.figure == "projected" ? "projection to the declared fleet"
                                                            : "N x slowest GPU";
  auto fail_eval = [&](std::string why) {
    r.status = "NOT_EVALUATED";
    r.note = std::move(why);
    v.results.push_back(std::move(r));
  };
  double threshold = 0;
  if (c.min_value) {
    threshold = *c.min_value;
    r.description = fmt::format("{} in {} at least {}", figure_name, precision, format_si(threshold, r.unit));
  } else {
    r.description = fmt::format("{} in {} at least {:.0f} % of the target", figure_name,
                                precision.empty() ? "the target's precision" : precision, *c.min_fraction_of_target * 100);
    if (!a.system) return fail_eval("no system description (--system): there is no target");
    const auto& t = a.system->target;
    if (precision != t.precision)
      return fail_eval(fmt::format("the target is in {}; a {} figure is never compared with it", t.precision, precision));
    if (t.basis != "sustained")
      return fail_eval("the target is a datasheet peak; a measured (sustained) figure is never compared with a peak");
    threshold = *c.min_fraction_of_target * t.value_base;
  }
  if (a.cpu_backend) return fail_eval("CPU backend: no GPU capacity is claimed");
  const FamilyFigures* f = find_family(a.gemm, precision);
  if (!f || f->measured == 0) return fail_eval(fmt::format("the run has no verified GEMM figure in {}", precision));
  double value = c.figure == "measured" ? f->measured_sum : c.figure == "projected" ? f->projected : f->n_times_slowest;
  if (c.figure == "projected" && !f->projection_made)
    return fail_eval("a projection needs the system description's declared inventory (--system)");
  r.checked = 1;
  consider(r, value, threshold);
  if (value < threshold) {
    CriterionFailure fl;
    fl.measured = value;
    fl.threshold = threshold;
    fl.what = fmt::format("{} is {} < {}", figure_name, format_si(value, r.unit), format_si(threshold, r.unit));
    r.failures.push_back(std::move(fl));
  }
  finish(r);
  v.results.push_back(std::move(r));
}

void verification(Verdict& v, const Analysis& a) {
  CriterionResult r;
  r.id = "verification";
  r.kind = "verification";
  r.unit = "1";
  r.description = "every case's result verified on every GPU, and the run complete";
  const auto& rf = *a.results;
  if (rf.run.status != "complete") {
    CriterionFailure fl;
    fl.what = fmt::format("run status {}{}", rf.run.status, rf.run.status_reason.empty() ? "" : ": " + rf.run.status_reason);
    r.failures.push_back(std::move(fl));
  }
  const std::size_t n = a.gpus.size();
  std::vector<char> present(n);
  for (const auto& c : rf.cases) {
    if (c.status == "skipped") continue;
    std::fill(present.begin(), present.end(), 0);
    for (const auto& rr : c.ranks) {
      present[static_cast<std::size_t>(rr.rank)] = 1;
      if (rr.status == "skipped") continue;
      ++r.checked;
      if (rr.status == "ok" && rr.verification.status == "passed") continue;
      const auto& id = a.gpus[static_cast<std::size_t>(rr.rank)];
      std::string what = rr.status != "ok"
                             ? fmt::format("{}: rank {}{}", c.id, rr.status, rr.error.empty() ? "" : ": " + rr.error)
                             : fmt::format("{}: verification {}{}", c.id, rr.verification.status,
                                           rr.verification.detail.empty() ? "" : ": " + rr.verification.detail);
      r.failures.push_back(gpu_failure(id, std::move(what), std::nullopt, 0));
    }
    for (std::size_t i = 0; i < n; ++i)
      if (!present[i]) r.failures.push_back(gpu_failure(a.gpus[i], c.id + ": no result from this rank", std::nullopt, 0));
  }
  r.measured = static_cast<double>(r.failures.size());
  r.threshold = 0;
  r.note = fmt::format("{} rank results checked, {} problems", r.checked, r.failures.size());
  finish(r);
  v.results.push_back(std::move(r));
}

void telemetry(Verdict& v, const Analysis& a, double max_fraction) {
  CriterionResult r;
  r.id = "telemetry";
  r.kind = "telemetry";
  r.unit = "1";
  r.description = fmt::format("every GPU throttled under {:.1f} % of the time in every GEMM and STREAM case",
                              max_fraction * 100);
  const auto& rf = *a.results;
  std::vector<double> worst(a.gpus.size(), -1.0);
  std::vector<char> lacking(a.gpus.size(), 0);
  bool any = false;
  for (const auto& c : rf.cases) {
    if (c.benchmark != "gemm" && c.benchmark != "stream") continue;
    for (const auto& rr : c.ranks) {
      if (rr.status != "ok") continue;
      const auto i = static_cast<std::size_t>(rr.rank);
      // Results/1 kept this in info.telemetry; the reader moves it into the typed field.
      if (!rr.telemetry || !rr.telemetry->available || !rr.telemetry->throttled_fraction) {
        lacking[i] = 1;
        continue;
      }
      any = true;
      worst[i] = std::max(worst[i], *rr.telemetry->throttled_fraction);
    }
  }
  if (!any) {
    r.status = "NOT_EVALUATED";
    r.note = "the results carry no telemetry with a throttled fraction (ranks' telemetry.throttled_fraction); "
             "throttling was not observed, so this criterion is not met";
    v.results.push_back(std::move(r));
    return;
  }
  bool lacks = false;
  for (std::size_t i = 0; i < worst.size(); ++i) {
    const auto& id = a.gpus[i];
    if (lacking[i]) {
      lacks = true;
      r.failures.push_back(gpu_failure(id, "no telemetry for at least one case", std::nullopt, max_fraction));
      continue;
    }
    if (worst[i] < 0) continue;
    ++r.checked;
    consider(r, worst[i], max_fraction);
    // Lower is better here: the margin is how far under the ceiling the worst GPU stayed.
    if (worst[i] > max_fraction)
      r.failures.push_back(gpu_failure(id, fmt::format("throttled {:.1f} % of the time", worst[i] * 100), worst[i],
                                       max_fraction));
  }
  // "consider" keeps the smallest (measured - threshold); for a ceiling the worst is the largest.
  double w = -1;
  for (double x : worst) w = std::max(w, x);
  r.measured = w;
  r.threshold = max_fraction;
  r.margin = max_fraction > 0 ? (max_fraction - w) / max_fraction : 0.0;
  bool over = false;
  for (const auto& f : r.failures)
    if (f.measured) over = true;
  if (over) r.status = "FAIL";
  else if (lacks) {
    r.status = "NOT_EVALUATED";
    r.note = "some GPUs have no telemetry for some cases";
  }
  finish(r);
  v.results.push_back(std::move(r));
}

}  // namespace

Verdict evaluate_criteria(const CriteriaConfig& c, const Analysis& a) {
  Verdict v;
  for (const auto& p : c.per_gpu) {
    if (p.min_fraction_of_model_median) per_gpu_threshold(v, a, p, "median");
    if (p.min_fraction_of_peak) per_gpu_threshold(v, a, p, "peak");
    if (p.min_value) per_gpu_threshold(v, a, p, "min");
  }
  for (const auto& p : c.per_node) per_node(v, a, p);
  for (const auto& p : c.collectives) collective(v, a, p);
  for (const auto& p : c.system) system_criterion(v, a, p);
  if (c.verification_all_passed) verification(v, a);
  if (c.max_throttled_fraction) telemetry(v, a, *c.max_throttled_fraction);
  if (c.health) v.results.push_back(evaluate_health(*c.health, *a.results));
  evaluate_storage_criteria(c.storage, a, &v);
  for (const auto& f : c.fabric) v.results.push_back(evaluate_fabric_criterion(f, a));
  for (const auto& r : v.results) {
    if (r.status == "PASS") ++v.passed;
    else if (r.status == "FAIL") ++v.failed;
    else ++v.not_evaluated;
  }
  return v;
}

}  // namespace capbench
