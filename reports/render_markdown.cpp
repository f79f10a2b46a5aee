// report.md: the report as Markdown, every string from a file escaped.
#include <fmt/format.h>

#include "capbench/version.hpp"
#include "reports/fabric_report.hpp"
#include "reports/report.hpp"
#include "reports/summary.hpp"
#include "reports/text_escape.hpp"

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
}  // namespace

std::string render_markdown(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const auto& rf = *a.results;
  std::string o = fmt::format("# Capacity report{}\n\n", a.system ? ": " + md_escape(a.system->name) : "");
  o += fmt::format("**{}** · run `{}` · {} backend · {} ranks on {} node(s) · run status {} · report made {}\n\n",
                   overall_status(in), md_escape(rf.run.id), md_escape(rf.run.backend), rf.run.nranks, rf.run.nnodes,
                   md_escape(rf.run.status), md_escape(in.generated_at));
  if (a.cpu_backend)
    o += "> **CPU backend.** These figures come from CPU cores running the functional check; they measure no GPU "
         "and claim no GPU capacity.\n\n";
  o += "## Capacity statement\n\n" + md_escape(render_statement(in)) + "\n\n";
  if (a.system && !a.system->note.empty()) o += "> **Note in the system description.** " + md_escape(a.system->note) + "\n\n";

  o += "## Against the target\n\n";
  const auto& t = a.target;
  if (a.system)
    o += fmt::format("Target: **{:g} {} {}**, basis **{}**{}.\n\n", a.system->target.value, md_escape(a.system->target.unit),
                     t.precision, t.basis, a.system->target.source.empty() ? "" : " (" + md_escape(a.system->target.source) + ")");
  if (!t.evaluated) {
    o += "Not compared: " + md_escape(t.reason) + ".\n\n";
  } else {
    o += "| figure | value | fraction |\n|---|---|---|\n";
    o += fmt::format("| target ({}, {}) | {} | |\n", t.precision, t.basis, format_si(t.target, t.unit));
    if (t.basis == "sustained") {
      o += fmt::format("| measured sum, {} GPUs | {} | {} of target |\n", t.gpus_measured, si(t.measured, t.unit), pc(t.measured_fraction));
      o += fmt::format("| projected to the declared fleet | {} | {} of target |\n", si(t.projected, t.unit), pc(t.projected_fraction));
    } else {
      o += fmt::format("| datasheet peak of {} of the {} declared GPUs (peak known) | {} | {} of target |\n",
                       t.gpus_in_fleet_peak, t.gpus_declared_cuda, si(t.fleet_peak, t.unit), pc(t.fleet_peak_fraction));
      o += fmt::format("| measured sum, {} GPUs (sustained) | {} | {} of their peak |\n", t.gpus_measured, si(t.measured, t.unit), pc(t.measured_of_peak));
      o += fmt::format("| projected sustained, declared fleet | {} | {} of fleet peak |\n", si(t.projected, t.unit), pc(t.projected_of_fleet_peak));
    }
    o += "\n";
    for (const auto& n : t.notes) o += "- " + md_escape(n) + "\n";
    o += "\n";
  }

  o += "## Measured capacity per precision\n\nPer GPU: the median over timed iterations of its best verified GEMM "
       "shape in that precision. Sum: over GPUs with a verified figure. Precisions are never added together.\n\n";
  o += "| precision | GPUs measured / in run | sum of GPUs | N × slowest | peak of measured | efficiency | projected fleet | fleet datasheet peak |\n|---|---|---|---|---|---|---|---|\n";
  for (const auto& f : a.gemm)
    o += fmt::format("| {} | {} / {} | {} | {} | {}{} | {} | {} | {} |\n", f.precision, f.measured, f.gpus.size(),
                     format_si(f.measured_sum, f.unit), format_si(f.n_times_slowest, f.unit),
                     f.gpus_peak_known ? format_si(f.peak_sum_known, f.unit) : "unknown",
                     f.gpus_peak_known < f.measured ? fmt::format(" ({} of {} GPUs known)", f.gpus_peak_known, f.measured) : "",
                     pc(f.efficiency), f.projection_made ? format_si(f.projected, f.unit) : "—",
                     si(f.fleet_peak, f.unit));
  o += "\n### Per model\n\n| family | model | GPUs | median per GPU | min | max | datasheet peak per GPU | median / peak | declared | projected |\n|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto* fams : {&a.gemm, &a.stream})
    for (const auto& f : *fams)
      for (const auto& m : f.models)
        o += fmt::format("| {} | {} | {}/{} | {} | {} | {} | {}{} | {} | {} | {} |\n", md_escape(family_title(f)),
                         md_escape(m.label), m.measured, m.gpus, m.measured ? format_si(m.median, f.unit) : "—",
                         m.measured ? format_si(m.min, f.unit) : "—", m.measured ? format_si(m.max, f.unit) : "—",
                         m.peak_per_gpu ? format_si(*m.peak_per_gpu, f.unit) : "unknown",
                         m.peak_figure.empty() ? "" : " (" + m.peak_figure + ")",
                         m.peak_per_gpu && m.measured ? percent(m.median / *m.peak_per_gpu) : "—",
                         m.declared_count ? std::to_string(*m.declared_count) : "—", si(m.projected, f.unit));
  for (const auto& f : a.gemm)
    for (const auto& n : f.projection_notes) o += fmt::format("- {}: {}\n", f.precision, md_escape(n));
  o += "\n";

  if (!a.declared.empty()) {
    o += "## Declared, not measured\n\nOwner-declared figures; capbench did not measure them and adds them to no "
         "figure above.\n\n| model | count | why not measured | declared figures per device |\n|---|---|---|---|\n";
    for (const auto& d : a.declared) {
      std::string figs;
      for (const auto& f : d.figures)
        figs += fmt::format("{}{} {:g} {} ({}; {})", figs.empty() ? "" : "; ", f.precision, f.value, md_escape(f.unit),
                            f.basis, md_escape(f.source));
      o += fmt::format("| {} | {} | {} | {} |\n", md_escape(d.model), d.count, md_escape(d.reason),
                       figs.empty() ? "none declared" : figs);
    }
    o += "\n";
  }

  if (in.verdict) {
    o += fmt::format("## Acceptance criteria: {}\n\nCriteria file {} (SHA-256 `{}`): {} passed, {} failed, {} not "
                     "evaluated. A criterion that could not be evaluated is not met.\n\n",
                     overall_status(in), md_escape(in.criteria->file), in.criteria->sha256, in.verdict->passed,
                     in.verdict->failed, in.verdict->not_evaluated);
    o += "| criterion | result | worst measured | threshold | margin | checked | note |\n|---|---|---|---|---|---|---|\n";
    for (const auto& r : in.verdict->results)
      o += fmt::format("| {}: {} | **{}** | {} | {} | {} | {} | {} |\n", md_escape(r.id), md_escape(r.description),
                       r.status, criterion_value(r, r.measured, true), criterion_value(r, r.threshold, false),
                       pc(r.margin), r.checked, md_escape(r.note));
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
        if (f.rank >= 0) o += fmt::format("- {}: {}\n", gpu_ref(a.gpus[static_cast<std::size_t>(f.rank)]), md_escape(f.what));
        else o += fmt::format("- {}{}\n", f.host.empty() ? "" : md_escape(f.host) + ": ", md_escape(f.what));
      }
      o += "\n";
    }
  }

  o += render_fabric_markdown(in);
  o += "## Outliers\n\nModified z-score 0.6745·(x − median)/MAD of each GPU within its model and precision, "
       "flagged beyond ±3.5 (models with at least 3 measured GPUs).\n\n";
  if (a.outliers.empty()) o += "None.\n\n";
  for (const auto& x : a.outliers)
    o += fmt::format("- {} {}: {} is {} vs model median {} (z = {:.1f})\n", md_escape(x.family), md_escape(x.model_label),
                     gpu_ref(a.gpus[static_cast<std::size_t>(x.rank)]), format_si(x.value, x.unit),
                     format_si(x.model_median, x.unit), x.z);
  o += "\n## Collectives\n\nBus bandwidth (nccl-tests convention: size / time × factor), per message size; each "
       "case says how its figure was formed.\n\n";
  for (const auto& s : a.collectives) {
    o += fmt::format("- `{}` ({}; {}/{} ranks verified; {}): ", md_escape(s.case_id), md_escape(s.status), s.ranks_ok,
                     s.ranks_total, md_escape(collective_basis_text(s)));
    if (s.points.empty()) o += "no figure";
    for (std::size_t i = 0; i < s.points.size(); ++i) {
      const auto& p = s.points[i];
      o += fmt::format("{}{} → {}", i ? ", " : "", format_bytes(p.size_bytes), format_si(p.busbw_min, "B/s"));
      if (p.slowest_rank >= 0) o += fmt::format(" (rank {})", p.slowest_rank);
    }
    o += "\n";
  }
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
  o += "\n## Provenance\n\n";
  o += fmt::format("- results file: {} (SHA-256 `{}`)\n", md_escape(a.results_path), a.results_sha256);
  o += fmt::format("- measured by: {} {} (commit `{}`), MPI {}\n", md_escape(rf.run.tool_name), md_escape(rf.run.tool_version),
                   md_escape(rf.run.git_commit), md_escape(rf.run.mpi_library));
  o += fmt::format("- run: started {}, finished {}, status {}{}\n", md_escape(rf.run.started_at), md_escape(rf.run.finished_at),
                   md_escape(rf.run.status), rf.run.status_reason.empty() ? "" : " (" + md_escape(rf.run.status_reason) + ")");
  o += fmt::format("- suite: {} (SHA-256 `{}`)\n", md_escape(rf.suite.name), md_escape(rf.suite.sha256));
  if (a.system) o += fmt::format("- system description: {} (SHA-256 `{}`)\n", md_escape(a.system->file), a.system->sha256);
  o += fmt::format("- GPU database: {} (SHA-256 `{}`)\n", md_escape(a.db->origin()), a.db->sha256());
  o += fmt::format("- report: capreport {} (commit `{}`), {}\n", kVersion, kGitCommit, md_escape(in.generated_at));
  o += "- methods: docs/methodology.md\n";
  return o;
}

}  // namespace capbench
