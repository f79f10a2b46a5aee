// The capacity statement and small helpers every renderer shares.
#include <fmt/format.h>

#include "capbench/version.hpp"
#include "common/precision.hpp"
#include "reports/report.hpp"
#include "reports/storage_report.hpp"
#include "reports/summary.hpp"

namespace capbench {

std::string percent(double fraction) { return fmt::format("{:.1f} %", fraction * 100.0); }

std::string format_bytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return fmt::format("{:g} {}", bytes, units[u]);
}

std::string family_title(const FamilyFigures& f) {
  if (f.benchmark == "stream") return "STREAM triad " + f.precision;
  const auto p = precision_from_key(f.precision);
  return fmt::format("GEMM {} ({})", f.precision, p ? std::string(precision_info(*p).description) : "");
}

std::string overall_status(const ReportInputs& in) {
  if (!in.verdict) return "NO CRITERIA GIVEN";
  return in.verdict->accepted() ? "ACCEPTED" : "NOT ACCEPTED";
}

namespace {
std::string date_of(const std::string& iso) { return iso.size() >= 10 ? iso.substr(0, 10) : iso; }
}  // namespace

std::string render_statement(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const auto& rf = *a.results;
  const std::string tool = fmt::format("capbench {} (commit {})", rf.run.tool_version, rf.run.git_commit);
  const std::string where = a.system ? " at " + a.system->name : "";
  std::string s;
  if (a.cpu_backend) {
    s = fmt::format(
        "On {}, {} ran on the CPU backend ({} ranks on {} node(s){}). These are CPU figures from a functional check "
        "of the tool; they measure no GPU and state no GPU capacity, and nothing in this report may be quoted as the "
        "capacity of a GPU system.",
        date_of(rf.run.started_at), tool, rf.run.nranks, rf.run.nnodes, where);
  } else {
    std::string models;
    for (const auto& m : a.models_in_run) models += (models.empty() ? "" : ", ") + m;
    s = fmt::format("On {}, {} measured {} GPUs ({}){} with verified dense GEMMs.", date_of(rf.run.started_at), tool,
                    a.gpus.size(), models, where);
    const auto& t = a.target;
    const FamilyFigures* f = t.evaluated ? find_family(a.gemm, t.precision) : nullptr;
    if (f) {
      s += fmt::format(" In {} the sum of the per-GPU measured medians was {} on {} GPUs (the slowest GPU times {} "
                       "gives {}).",
                       t.precision, format_si(f->measured_sum, f->unit), f->measured, f->measured,
                       format_si(f->n_times_slowest, f->unit));
      std::string projected_models, unprojected;
      if (a.system) {
        for (const auto& item : a.system->inventory) {
          if (!item.measurable_by_capbench) continue;
          bool in_projection = false;
          for (const auto& m : f->models)
            if (m.model_key == item.model && m.projected) in_projection = true;
          auto& list = in_projection ? projected_models : unprojected;
          list += fmt::format("{}{} {}", list.empty() ? "" : ", ", item.count, item.gpu->label);
        }
      }
      if (f->projection_made && !projected_models.empty())
        s += fmt::format(" Projected to the declared {} (each declared GPU assumed to perform like the median "
                         "measured GPU of its model), that is {}{}.",
                         projected_models, format_si(f->projected, f->unit),
                         unprojected.empty() ? "" : "; the declared " + unprojected + " were not measured in " +
                                                        t.precision + " and are not projected");
      if (t.basis == "sustained") {
        s += fmt::format(" Against the target of {} {} {} (basis: sustained), the measured sum is {} and the "
                         "projection {}.",
                         fmt::format("{:g}", a.system->target.value), a.system->target.unit, t.precision,
                         percent(*t.measured_fraction), t.projected_fraction ? percent(*t.projected_fraction) : "not available");
      } else {
        s += fmt::format(" The target of {:g} {} {} is a datasheet peak: the datasheet {} is "
                         "{}, {} of the target{}; measured throughput reached {} of the datasheet peak of the GPUs "
                         "measured.",
                         a.system->target.value, a.system->target.unit, t.precision,
                         fmt::format("{} peak of the {} declared GPUs whose peak is known", t.precision,
                                     t.gpus_in_fleet_peak),
                         t.fleet_peak ? format_si(*t.fleet_peak, f->unit) : "unknown",
                         t.fleet_peak_fraction ? percent(*t.fleet_peak_fraction) : "n/a",
                         f->fleet_peak_complete ? "" : " (GPUs whose datasheet peak is unknown are left out of it)",
                         t.measured_of_peak ? percent(*t.measured_of_peak) : "an unknown fraction");
      }
    } else {
      std::string measured;
      for (const auto& g : a.gemm)
        if (g.measured > 0)
          measured += fmt::format("{}{} in {} on {} GPUs", measured.empty() ? "" : "; ", format_si(g.measured_sum, g.unit),
                                  g.precision, g.measured);
      s += fmt::format(" Sums of per-GPU measured medians: {} (precisions are never added together).",
                       measured.empty() ? "no verified figure" : measured);
      s += " No comparison with a target is made: " + t.reason + ".";
    }
    std::string not_measured;
    for (const auto& d : a.declared)
      not_measured += fmt::format("{}{} {}: {}", not_measured.empty() ? "" : "; ", d.count, d.model, d.reason);
    if (!not_measured.empty()) s += " Declared but not measured, and in no measured figure above: " + not_measured + ".";
    if (a.system)
      s += fmt::format(" The target, its precision and basis, and the declared counts are those of the system "
                       "description {} (SHA-256 {}){}.",
                       a.system->file, a.system->sha256,
                       a.system->note.empty() ? "" : ", whose note marks what in it is assumed");
  }
  s += storage_statement(a);
  s += fmt::format(" Source data: results file {} (SHA-256 {}), run {}, suite {} (SHA-256 {}).", a.results_path,
                   a.results_sha256, rf.run.id, rf.suite.name, rf.suite.sha256);
  s += fmt::format(" Report made by capreport {} on {}.", kVersion, in.generated_at);
  return s;
}

}  // namespace capbench
