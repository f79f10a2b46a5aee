// The capacity statement and small helpers every renderer shares.
#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "capbench/version.hpp"
#include "common/precision.hpp"
#include "reports/render/external_report.hpp"
#include "reports/render/report.hpp"
#include "reports/render/storage_report.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

std::string percent(double fraction) { return fmt::format("{:.1f} %", fraction * 100.0); }

std::string family_title(const FamilyFigures& f) {
  if (f.benchmark == "stream") return "STREAM triad " + precision_label(f.precision);
  if (f.precision == std::string("fp8_e4m3") + kFastAccumulationSuffix)
    return "GEMM FP8 (E4M3) with fast accumulation (FP8 E4M3 in, cuBLASLt's reduced-precision tensor-core sums, BF16 "
           "out)";
  const auto p = precision_from_key(f.precision);
  return fmt::format("GEMM {} ({})", precision_label(f.precision), p ? std::string(precision_info(*p).description) : "");
}

std::vector<std::string> shared_gpu_notices(const Analysis& a) {
  std::vector<std::string> out;
  for (const auto& g : a.shared_gpus)
    out.push_back(fmt::format("Ranks {} on host {} shared GPU {}: each of their figures is a share of that GPU, not a "
                              "GPU's figure, so none is in any sum, model median, projection or criterion here "
                              "(per-rank tables show them, marked by rank). Launch one rank per GPU.",
                              fmt::join(g.ranks, ", "), g.host, g.device));
  return out;
}

std::string overall_status(const ReportInputs& in) {
  if (!in.verdict) return "NO CRITERIA GIVEN";
  return in.verdict->accepted() ? "ACCEPTED" : "NOT ACCEPTED";
}

namespace {

std::string date_of(const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) : iso; }

// The family the statement speaks of: the target's precision, else the first measured one.
const FamilyFigures* headline_family(const Analysis& a) {
  if (a.target.evaluated)
    if (const auto* f = find_family(a.gemm, a.target.precision)) return f;
  for (const auto& f : a.gemm)
    if (f.measured > 0) return &f;
  return nullptr;
}

// "1 GPU (NVIDIA H200 SXM 141GB)", "8 GPUs of 2 models" (the models are in the report's tables),
// "2 ranks sharing 1 GPU (...)" where the n are every rank of the run and some share a device:
// a rank is not a GPU. A measured figure's n never holds a rank on a shared GPU (kept out).
std::string devices_phrase(const Analysis& a, std::int64_t n) {
  std::map<std::string, int> counts;
  for (const auto& g : a.gpus) ++counts[g.model_label];
  const std::int64_t distinct = distinct_gpus(a.gpus);
  const auto ranks = static_cast<std::int64_t>(a.gpus.size());
  const std::string who = !a.cpu_backend && n == ranks && distinct < ranks
                              ? fmt::format("{} sharing {}", count_of(n, "rank"), device_count(a, distinct))
                              : device_count(a, n);
  if (counts.size() != 1) return fmt::format("{} of {} models", who, counts.size());
  return fmt::format("{} ({})", who, counts.begin()->first);
}

int measured_in_inventory(const Analysis& a, const FamilyFigures& f) {
  int n = 0;
  if (!a.system) return 0;
  for (const auto& g : f.gpus) {
    if (!g.value) continue;
    const auto& id = a.gpus[static_cast<std::size_t>(g.rank)];
    for (const auto& item : a.system->inventory)
      if (item.measurable_by_capbench && id.model && item.gpu == id.model) {
        ++n;
        break;
      }
  }
  return n;
}

// How many of the declared devices the measured ones are.
std::string declared_sentence(const Analysis& a, const FamilyFigures& f) {
  if (!a.system) return "";
  const auto declared = a.target.gpus_declared_cuda;
  const int in_inventory = measured_in_inventory(a, f);
  if (declared == 0) return " The inventory declares no GPU capbench can measure.";
  if (in_inventory == 0)
    return fmt::format(" None of the {} declared is of {}.", count_of(declared, "GPU"),
                       f.measured == 1 ? "its model" : "their models");
  if (in_inventory == f.measured)
    return fmt::format(" They are {} of the {} declared.", grouped(in_inventory), count_of(declared, "GPU"));
  return fmt::format(" {} of them are of declared models, among {} declared.", grouped(in_inventory),
                     count_of(declared, "GPU"));
}

std::string target_sentence(const Analysis& a, const FamilyFigures* f) {
  const auto& t = a.target;
  if (a.system && !t.evaluated && !a.cpu_backend && !find_family(a.gemm, t.precision))
    return fmt::format(" No comparison with a target is made: the target is in {0}, and no {0} figure was verified.",
                       precision_label(t.precision));
  if (!t.evaluated || !f) return " No comparison with a target is made: " + t.reason + ".";
  const std::string target = fmt::format("{} {}", format_si(t.target, t.unit), precision_label(t.precision));
  const std::string whose = "The target";
  if (t.basis == "sustained")
    return fmt::format(" {}, {}, is sustained; the measured sum is {} of it{}.", whose, target,
                       percent(*t.measured_fraction),
                       t.projected_fraction ? " and the projection to the declared fleet " + percent(*t.projected_fraction)
                                            : std::string());
  return fmt::format(" {}, {}, is a datasheet peak; the declared GPUs' datasheet peak, {}, is {} of it.", whose, target, t.fleet_peak ? format_si(*t.fleet_peak, t.unit) : "unknown",
                     t.fleet_peak_fraction ? percent(*t.fleet_peak_fraction) : "n/a");
}

// The one caveat that matters most, in this order: results that count for nothing, a fleet
// nothing could be projected to, a partial projection, a system description of assumptions.
std::string caveat_sentence(const Analysis& a, const FamilyFigures& f) {
  if (f.on_shared_gpus > 0)
    return fmt::format(" Caveat: {} shared a GPU with another rank; a figure from a shared GPU is a share of it, not a "
                       "GPU's figure, so {} left out (launch one rank per GPU).",
                       count_of(f.on_shared_gpus, "rank"), f.on_shared_gpus == 1 ? "it is" : "theirs are");
  const auto failed = static_cast<std::int64_t>(f.gpus.size()) - f.measured;
  if (failed > 0)
    return fmt::format(" Caveat: {} of the {} in the run had no verified {} figure and count for nothing.",
                       grouped(failed), device_count(a, static_cast<std::int64_t>(f.gpus.size())),
                       precision_label(f.precision));
  if (!a.system) return " Caveat: with no system description there is no declared fleet to speak for.";
  const auto declared = a.target.gpus_declared_cuda;
  if (f.projected_gpus == 0)
    return " Caveat: no declared model was measured: nothing is projected to the fleet.";
  if (f.projected_gpus < declared)
    return fmt::format(" Caveat: only {} of {} declared GPUs are projected, each as its model's median.",
                       grouped(f.projected_gpus), grouped(declared));
  if (!a.system->note.empty()) return " Caveat: the system description marks its figures as assumptions.";
  return " Caveat: the projection assumes each declared GPU performs like the median measured GPU of its model.";
}

std::string quotable_cpu(const Analysis& a) {
  const auto& rf = *a.results;
  return fmt::format(
      "CPU rehearsal of the capacity chain: on {}, capbench ran its benchmarks on the CPU backend ({} on {} "
      "node{}{}). These are CPU figures that check the chain from measurement to report; they measure no GPU and "
      "state no GPU capacity, and nothing here may be quoted as the capacity of a GPU system.",
      date_of(rf.run.started_at), device_count(a, rf.run.nranks), rf.run.nnodes, rf.run.nnodes == 1 ? "" : "s",
      a.system ? ", for " + a.system->name : "");
}

std::string quotable_gpu(const Analysis& a) {
  const auto& rf = *a.results;
  const FamilyFigures* f = headline_family(a);
  const bool any_shared = std::any_of(a.gpus.begin(), a.gpus.end(), [](const GpuIdentity& g) { return !g.shares_gpu_with.empty(); });
  if (!f && any_shared)
    return fmt::format("On {}, capbench ran on {}. A figure from a shared GPU is a share of it, not a GPU's figure, "
                       "so no capacity is stated; launch one rank per GPU.",
                       date_of(rf.run.started_at), devices_phrase(a, static_cast<std::int64_t>(a.gpus.size())));
  if (!f)
    return fmt::format("On {}, capbench ran on {}, and no dense matrix multiply gave a verified figure, so no "
                       "capacity is stated.",
                       date_of(rf.run.started_at), devices_phrase(a, static_cast<std::int64_t>(a.gpus.size())));
  std::string s = fmt::format(
      "On {}, capbench measured {} of {} dense matrix multiply on {}: sustained, {} of verified timed runs{}.",
      date_of(rf.run.started_at), format_si(f->measured_sum, f->unit), precision_label(f->precision),
      devices_phrase(a, f->measured), f->measured == 1 ? "the median" : "summed per-GPU medians",
      f->efficiency ? ", " + percent(*f->efficiency) + " of " + (f->measured == 1 ? "its" : "their") + " datasheet peak"
                    : "");
  s += declared_sentence(a, *f);
  s += target_sentence(a, f);
  s += caveat_sentence(a, *f);
  return s;
}

std::string declared_inventory(const SystemConfig& sys) {
  std::string out;
  for (const auto& item : sys.inventory)
    out += fmt::format("{}{} {}{}", out.empty() ? "" : ", ", grouped(item.count), item.gpu ? item.gpu->label : item.model,
                       item.measurable_by_capbench ? "" : " (not a CUDA device)");
  return out;
}

}  // namespace

StatementParts statement_parts(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const auto& rf = *a.results;
  StatementParts p;
  p.quotable = a.cpu_backend ? quotable_cpu(a) : quotable_gpu(a);
  p.trace.push_back({"measured by", fmt::format("{} {}, commit {}", rf.run.tool_name.empty() ? "capbench" : rf.run.tool_name,
                                                rf.run.tool_version, rf.run.git_commit), ""});
  p.trace.push_back({"results file", a.results_path, a.results_sha256});
  p.trace.push_back({"run", fmt::format("{}, {} → {}, status {}", rf.run.id, rf.run.started_at, rf.run.finished_at,
                                        rf.run.status), ""});
  p.trace.push_back({"suite", rf.suite.name, rf.suite.sha256});
  if (a.system) {
    p.trace.push_back({"system description", a.system->file, a.system->sha256});
    p.trace.push_back({"target", fmt::format("{:g} {} {}, basis {}{}", a.system->target.value, a.system->target.unit,
                                             precision_label(a.system->target.precision),
                                             a.system->target.basis == "peak" ? "datasheet peak" : a.system->target.basis,
                                             a.system->target.source.empty() ? "" : " (" + a.system->target.source + ")"),
                       ""});
    p.trace.push_back({"declared inventory", declared_inventory(*a.system), ""});
    if (!a.system->note.empty()) p.trace.push_back({"note in the system description", a.system->note, ""});
  }
  if (in.criteria) p.trace.push_back({"criteria", in.criteria->file, in.criteria->sha256});
  p.trace.push_back({"GPU database", a.db ? a.db->origin() : "", a.db ? a.db->sha256() : ""});
  p.trace.push_back({"report", fmt::format("capreport {} (commit {}), {}", kVersion, kGitCommit, in.generated_at), ""});
  return p;
}

std::string trace_line(const TraceItem& t) {
  return t.label + ": " + t.value + (t.sha256.empty() ? "" : " (SHA-256 " + t.sha256 + ")");
}

std::string render_statement(const ReportInputs& in) {
  const auto p = statement_parts(in);
  // Imported FP64 figures (HPL's Rmax), beside and never summed with capbench's own.
  // Storage (the capacity claim's other half) and imported FP64 figures (HPL's Rmax) follow,
  // each with its own basis, never summed with compute.
  std::string s = p.quotable + storage_statement(*in.analysis) + render_external_statement(in) + "\n\nTraceability:";
  for (const auto& t : p.trace) s += "\n- " + trace_line(t);
  return s;
}

}  // namespace capbench
