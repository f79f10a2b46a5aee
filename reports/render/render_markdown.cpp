// report.md: the report as Markdown, every string from a file escaped.
#include <fmt/format.h>

#include "reports/capacity/fleet_coverage.hpp"
#include "reports/render/external_report.hpp"
#include "reports/render/storage_report.hpp"
#include "reports/render/fabric_report.hpp"
#include "reports/render/report.hpp"
#include "reports/render/report_section.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

namespace {
std::string si(const std::optional<double>& v, const std::string& unit) { return v ? format_si(*v, unit) : "—"; }
std::string criterion_value(const CriterionResult& r, const std::optional<double>& v, bool measured) {
  if (measured && r.worst_missing) return "no verified figure";
  if (!v) return "—";
  if (r.kind == "telemetry") return percent(*v) + " throttled";
  if (r.kind == "verification") return fmt::format("{:g} problem{}", *v, *v == 1 ? "" : "s");
  return format_si(*v, r.unit);
}
std::string pc(const std::optional<double>& v) { return v ? percent(*v) : "—"; }
std::string gpu_ref(const GpuIdentity& g) {
  return fmt::format("{} rank {} bus {} serial {}", md_escape(g.host), g.rank, md_escape(g.bus_id.empty() ? "?" : g.bus_id),
                     md_escape(g.serial.empty() ? "?" : g.serial));
}
std::string coverage_markdown(const Analysis& a) {
  const auto c = fleet_coverage(a);
  if (!c.has_inventory) return "";
  std::string o = "## Which devices this speaks for\n\n";
  auto list = [](const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + md_escape(v[i]);
    return out;
  };
  if (!c.measured_not_declared.empty())
    o += "- **Measured, not in the declared inventory** (so not projected): " + list(c.measured_not_declared) + ".\n";
  for (const auto& g : c.declared_not_measured)
    o += "- **Declared, not measured** (" + md_escape(g.why) + "): " + list(g.models) + ".\n";
  for (const auto& m : c.measured_in_part) o += "- " + md_escape(m) + ".\n";
  if (c.measured_not_declared.empty() && c.declared_not_measured.empty() && c.measured_in_part.empty())
    o += "- Every declared model was measured, and every measured model is declared.\n";
  if (!c.precisions_by_model.empty()) {
    o += "\n**Precisions per model** (what each model cannot run is its hardware, not a gap in the run):\n\n";
    for (const auto& m : c.precisions_by_model) o += "- " + md_escape(m) + ".\n";
  }
  o += "\nDeclared devices that were not measured add to no measured or projected figure.\n\n";
  for (const auto& d : a.declared)
    for (const auto& f : d.figures)
      o += fmt::format("- {} × {}: owner declares {} {:g} {} per device ({}; {}), not measured\n", grouped(d.count),
                       md_escape(d.model), precision_label(f.precision), f.value, md_escape(f.unit), f.basis,
                       md_escape(f.source));
  return o + "\n";
}

std::string target_markdown(const Analysis& a) {
  const auto& t = a.target;
  std::string o = "## Against the target\n\n";
  if (a.system)
    o += fmt::format("Target: **{:g} {} {}**, basis **{}**{}.\n\n", a.system->target.value, md_escape(a.system->target.unit),
                     precision_label(t.precision), t.basis == "peak" ? "datasheet peak" : t.basis,
                     a.system->target.source.empty() ? "" : " (" + md_escape(a.system->target.source) + ")");
  if (!t.evaluated) return o + "Not compared: " + md_escape(t.reason) + ".\n\n";
  const FamilyFigures* f = find_family(a.gemm, t.precision);
  const std::string why_not = f ? not_projected_reason(a, *f) : "not projected";
  const std::string gpus = count_of(t.gpus_measured, "GPU");
  o += "| figure | value | fraction |\n|---|---|---|\n";
  o += fmt::format("| target ({}, {}) | {} | |\n", precision_label(t.precision),
                   t.basis == "peak" ? "datasheet peak" : t.basis, format_si(t.target, t.unit));
  if (t.basis == "sustained") {
    o += fmt::format("| measured sum, {} | {} | {} of target |\n", gpus, si(t.measured, t.unit), pc(t.measured_fraction));
    o += t.projected ? fmt::format("| projected to the declared fleet | {} | {} of target |\n", format_si(*t.projected, t.unit),
                                   pc(t.projected_fraction))
                     : "| projected to the declared fleet | " + why_not + " | |\n";
  } else {
    o += fmt::format("| datasheet peak of {} of the {} (peak known) | {} | {} of target |\n", grouped(t.gpus_in_fleet_peak),
                     count_of(t.gpus_declared_cuda, "declared GPU"), si(t.fleet_peak, t.unit), pc(t.fleet_peak_fraction));
    o += fmt::format("| measured sum, {} (sustained) | {} | {} of {} peak |\n", gpus, si(t.measured, t.unit),
                     pc(t.measured_of_peak), t.gpus_measured == 1 ? "its" : "their");
    o += t.projected ? fmt::format("| projected sustained, declared fleet | {} | {} of fleet peak |\n",
                                   format_si(*t.projected, t.unit), pc(t.projected_of_fleet_peak))
                     : "| projected sustained, declared fleet | " + why_not + " | |\n";
  }
  o += "\n";
  for (const auto& n : t.notes) o += "- " + md_escape(n) + "\n";
  return o + "\n";
}

}  // namespace

std::string render_markdown(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const auto& rf = *a.results;
  std::string o = "# " + md_escape(report_title(a)) + "\n\n";
  o += fmt::format("**{}** · run `{}` · {} backend · {} on {} node{} · run status {} · report made {}\n\n",
                   shown_status(a, overall_status(in)), md_escape(rf.run.id), md_escape(rf.run.backend),
                   count_of(rf.run.nranks, "rank"), rf.run.nnodes, rf.run.nnodes == 1 ? "" : "s", md_escape(rf.run.status),
                   md_escape(in.generated_at));
  if (a.cpu_backend)
    o += "> **CPU rehearsal.** Every figure here comes from CPU cores running the chain from measurement to report; "
         "they measure no GPU and claim no GPU capacity, and criteria met here accept no GPU system.\n\n";
  for (const auto& notice : shared_gpu_notices(a)) o += "> **Ranks shared a GPU.** " + md_escape(notice) + "\n\n";
  const auto st = statement_parts(in);
  o += "## Capacity statement\n\n" + md_escape(st.quotable) + "\n\n### Traceability\n\n";
  for (const auto& t : st.trace)
    o += "- " + md_escape(t.label) + ": " + md_escape(t.value) + (t.sha256.empty() ? "" : " (SHA-256 `" + t.sha256 + "`)") + "\n";
  o += "- methods: docs/methodology.md\n\n";
  if (a.system && !a.system->note.empty()) o += "> **Note in the system description.** " + md_escape(a.system->note) + "\n\n";
  o += target_markdown(a);
  o += coverage_markdown(a);
  o += render_external_markdown(in);  // reports/render/external_report.cpp

  if (in.verdict) {
    o += fmt::format("## Acceptance criteria: {}\n\nCriteria file {} (SHA-256 `{}`): {} passed, {} failed, {} not "
                     "evaluated. A criterion that could not be evaluated is not met.{}\n\n",
                     shown_status(a, overall_status(in)), md_escape(in.criteria->file), in.criteria->sha256,
                     in.verdict->passed, in.verdict->failed, in.verdict->not_evaluated,
                     a.cpu_backend ? " On the CPU backend the criteria check the chain, not a GPU system." : "");
    o += "| criterion | result | worst measured | threshold | margin | checked | note |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : in.verdict->results)
      o += fmt::format("| {}: {} | **{}** | {} | {} | {} | {} | {} |\n", md_escape(r.id), md_escape(device_words(a, r.description)),
                       r.status, criterion_value(r, r.measured, true), criterion_value(r, r.threshold, false),
                       margin_words(r.margin, r.kind == "telemetry"), r.checked, md_escape(device_words(a, r.note)));
    o += "\n";
    for (const auto& r : in.verdict->results) {
      if (r.failures.empty()) continue;
      o += fmt::format("### {} — {} failure(s)\n\n", md_escape(r.id), r.failures.size());
      std::size_t shown = 0;
      for (const auto& f : r.failures) {
        if (++shown > 200) {
          o += fmt::format("- … and {} more (all in summary.json)\n", r.failures.size() - 200);
          break;
        }
        if (f.rank >= 0) o += fmt::format("- {}: {}\n", gpu_ref(a.gpus[static_cast<std::size_t>(f.rank)]), md_escape(device_words(a, f.what)));
        else o += fmt::format("- {}{}\n", f.host.empty() ? "" : md_escape(f.host) + ": ", md_escape(device_words(a, f.what)));
      }
      o += "\n";
    }
  }

  // One section per stage the results hold; a stage not measured has none.
  for (const auto& section : report_sections())
    if (section.present(in)) o += "## " + md_escape(section.title) + "\n\n" + section.markdown(in);
  o += render_fabric_markdown(in);  // the node x node matrix (reports/render/fabric_report.cpp)

  if (!a.gemm.empty() || !a.stream.empty()) {
    o += fmt::format("## Outliers\n\nModified z-score 0.6745·(x − median)/MAD of each {0} within its model and precision, "
                     "flagged beyond ±3.5 (models with at least 3 measured {0}s).\n\n",
                     device_noun(a));
    if (a.outliers.empty()) o += "None.\n\n";
    for (const auto& x : a.outliers)
      o += fmt::format("- {} {}: {} is {} vs model median {} (z = {:.1f})\n", md_escape(x.family), md_escape(x.model_label),
                       gpu_ref(a.gpus[static_cast<std::size_t>(x.rank)]), format_si(x.value, x.unit),
                       format_si(x.model_median, x.unit), x.z);
  }
  o += render_storage_markdown(a);
  if (!a.problems.empty()) {
    o += fmt::format("\n## Problems ({})\n\nFailed, timed-out, missing or unverified rank results; none contributes "
                     "to any figure.\n\n",
                     a.problems.size());
    std::size_t shown = 0;
    for (const auto& p : a.problems) {
      if (++shown > 200) {
        o += fmt::format("- … and {} more (all in summary.json)\n", a.problems.size() - 200);
        break;
      }
      o += fmt::format("- `{}` {}: status {}, verification {}{}\n", md_escape(p.case_id),
                       gpu_ref(a.gpus[static_cast<std::size_t>(p.rank)]), md_escape(p.status), md_escape(p.verification),
                       p.detail.empty() ? "" : " — " + md_escape(p.detail));
    }
  }
  return o;
}

}  // namespace capbench
