// Compute: dense matrix multiply per precision, per model and per device.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "reports/capacity/fleet_coverage.hpp"
#include "reports/render/html_charts.hpp"
#include "reports/render/report_section.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

namespace {

using html::esc;
using std::string;

// The projected figure of a family, or "not projected" (never a zero); the reason is said
// once under the table.
string projected_cell(const Analysis& a, const FamilyFigures& f) {
  return not_projected_reason(a, f).empty() ? format_si(f.projected, f.unit) : "not projected";
}

// Each reason a precision has no projection, once, with the precisions it applies to.
std::vector<string> not_projected_notes(const Analysis& a) {
  std::vector<std::pair<string, string>> by_reason;
  for (const auto& f : a.gemm) {
    const string why = not_projected_reason(a, f);
    if (why.empty()) continue;
    auto it = std::find_if(by_reason.begin(), by_reason.end(), [&](const auto& p) { return p.first == why; });
    if (it == by_reason.end()) it = by_reason.insert(by_reason.end(), {why, ""});
    it->second += (it->second.empty() ? "" : ", ") + precision_label(f.precision);
  }
  std::vector<string> out;
  for (const auto& [why, precisions] : by_reason) {
    out.push_back(fmt::format("{} ({}).", sentence_case(why), precisions));
  }
  return out;
}

// A sum over measured GPUs, or "—" where none was measured (never a zero).
string measured_cell(const FamilyFigures& f, double value) { return f.measured ? format_si(value, f.unit) : "—"; }

string peak_cell(const ModelRow& m, const string& unit) {
  return m.peak_per_gpu ? format_si(*m.peak_per_gpu, unit) : "unknown";
}

// A model's projection: the figure, or why it has none.
string model_projection(const Analysis& a, const ModelRow& m, const string& unit) {
  if (m.projected) return format_si(*m.projected, unit);
  if (a.cpu_backend || !a.system) return "not projected";
  return "not projected";
}

string declared_cell(const Analysis& a, const ModelRow& m) {
  if (m.declared_count) return grouped(*m.declared_count);
  return a.system && !a.cpu_backend ? "not declared" : "—";
}

const char* kMethod =
    "Per {0}: the median over timed iterations of its best verified GEMM shape in that precision. Sums are over "
    "{0}s with a verified figure; a failed or unverified {0} adds nothing. Precisions are never added together.";

string compute_html(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const string D = device_noun(a);
  string o = "<p class=\"note\">" + fmt::format(fmt::runtime(kMethod), D) + "</p>";
  o += fmt::format("<div class=scroll><table id=\"capacity\"><tr><th>precision</th><th class=num>{0}s<br>measured / "
                   "run</th><th class=num>measured<br>sum of {0}s</th><th class=num>N × slowest<br>{0}</th><th "
                   "class=num>datasheet peak<br>of measured {0}s</th><th class=num>efficiency<br>(sum / peak)</th><th "
                   "class=num>projected<br>declared fleet</th><th class=num>datasheet peak<br>declared fleet</th></tr>",
                   D);
  for (const auto& f : a.gemm)
    o += fmt::format("<tr data-precision=\"{}\" data-measured-sum=\"{:.6g}\" data-n-times-slowest=\"{:.6g}\"><td>{}</td>"
                     "<td class=num>{} / {}</td><td class=num><b>{}</b></td><td class=num>{}</td><td class=num>{}{}</td>"
                     "<td class=num>{}</td><td class=\"num projected\">{}</td><td class=num>{}</td></tr>",
                     esc(f.precision), f.measured_sum, f.n_times_slowest, esc(precision_label(f.precision)), f.measured,
                     device_tally(f.devices, static_cast<std::int64_t>(f.gpus.size())), measured_cell(f, f.measured_sum), measured_cell(f, f.n_times_slowest),
                     f.gpus_peak_known ? format_si(f.peak_sum_known, f.unit) : f.measured ? "unknown" : "—",
                     f.gpus_peak_known < f.measured
                         ? fmt::format("<br><span class=note>{} of {} known</span>", f.gpus_peak_known, device_count(a, f.measured))
                         : "",
                     html::pc(f.efficiency), esc(projected_cell(a, f)),
                     a.cpu_backend ? "—" : html::si(f.fleet_peak, f.unit));
  o += "</table></div>";
  for (const auto& n : not_projected_notes(a)) o += "<p class=\"note not-projected\">" + esc(n) + "</p>";
  o += fmt::format("<h3>Per model</h3><div class=scroll><table id=\"models\"><tr><th>figure</th><th>model</th><th "
                   "class=num>{0}s</th><th class=num>median<br>per {0}</th><th class=num>min</th><th class=num>max</th>"
                   "<th class=num>datasheet peak<br>per {0}</th><th class=num>median<br>/ peak</th><th "
                   "class=num>declared<br>count</th><th class=num>projected<br>(median × count)</th></tr>",
                   D);
  for (const auto& f : a.gemm)
    for (const auto& m : f.models)
      o += fmt::format("<tr><td>GEMM {}</td><td>{}</td><td class=num>{}/{}</td><td class=num>{}</td><td class=num>{}</td>"
                       "<td class=num>{}</td><td class=num title=\"{}\">{}{}</td><td class=num>{}</td><td "
                       "class=num>{}</td><td class=num>{}</td></tr>",
                       esc(precision_label(f.precision)), esc(m.label), m.measured, device_tally(m.devices, m.gpus),
                       m.measured ? format_si(m.median, f.unit) : "—", m.measured ? format_si(m.min, f.unit) : "—",
                       m.measured ? format_si(m.max, f.unit) : "—",
                       esc(m.peak_source.empty() ? m.peak_note : m.peak_source), peak_cell(m, f.unit),
                       m.peak_figure.empty() ? "" : "<br><span class=note>" + esc(peak_figure_label(m.peak_figure)) + "</span>",
                       m.peak_per_gpu && m.measured ? percent(m.median / *m.peak_per_gpu) : "—",
                       declared_cell(a, m), esc(model_projection(a, m, f.unit)));
  o += "</table></div>";
  if (!a.cpu_backend)
    o += "<p class=\"note\">Projection: each declared GPU of a model is assumed to perform like the median measured "
         "GPU of that model in this run. FP64 GEMM is held to the FP64 tensor-core peak where the GPU has one "
         "(cuBLAS runs DGEMM on them).</p>";
  o += "<h3>Per " + D + "</h3>";
  for (const auto& f : a.gemm) {
    std::vector<const CriterionResult*> crits;
    if (in.verdict)
      for (const auto& r : in.verdict->results)
        if (r.kind == "per_gpu" && r.benchmark == f.benchmark && r.precision == f.precision) crits.push_back(&r);
    o += "<h4>" + esc(family_title(f)) + "</h4>" + html::gpu_chart(f, a, crits);
  }
  return o;
}

string compute_markdown(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const string D = device_noun(a);
  string o = fmt::format(fmt::runtime(kMethod), D) + "\n\n";
  o += fmt::format("| precision | {0}s measured / in run | sum of {0}s | N × slowest | peak of measured | efficiency | "
                   "projected fleet | fleet datasheet peak |\n|---|---|---|---|---|---|---|---|\n",
                   D);
  for (const auto& f : a.gemm)
    o += fmt::format("| {} | {} / {} | {} | {} | {}{} | {} | {} | {} |\n", precision_label(f.precision), f.measured,
                     device_tally(f.devices, static_cast<std::int64_t>(f.gpus.size())), measured_cell(f, f.measured_sum), measured_cell(f, f.n_times_slowest),
                     f.gpus_peak_known ? format_si(f.peak_sum_known, f.unit) : f.measured ? "unknown" : "—",
                     f.gpus_peak_known < f.measured ? fmt::format(" ({} of {} known)", f.gpus_peak_known, device_count(a, f.measured)) : "",
                     html::pc(f.efficiency), md_escape(projected_cell(a, f)),
                     a.cpu_backend ? "—" : html::si(f.fleet_peak, f.unit));
  o += "\n";
  for (const auto& n : not_projected_notes(a)) o += md_escape(n) + "\n\n";
  o += fmt::format("### Per model\n\n| figure | model | {0}s | median per {0} | min | max | datasheet peak per {0} | "
                   "median / peak | declared | projected |\n|---|---|---|---|---|---|---|---|---|---|\n",
                   D);
  for (const auto& f : a.gemm)
    for (const auto& m : f.models)
      o += fmt::format("| GEMM {} | {} | {}/{} | {} | {} | {} | {}{} | {} | {} | {} |\n", precision_label(f.precision),
                       md_escape(m.label), m.measured, device_tally(m.devices, m.gpus), m.measured ? format_si(m.median, f.unit) : "—",
                       m.measured ? format_si(m.min, f.unit) : "—", m.measured ? format_si(m.max, f.unit) : "—",
                       peak_cell(m, f.unit), m.peak_figure.empty() ? "" : " (" + peak_figure_label(m.peak_figure) + ")",
                       m.peak_per_gpu && m.measured ? percent(m.median / *m.peak_per_gpu) : "—", declared_cell(a, m),
                       md_escape(model_projection(a, m, f.unit)));
  return o + "\n";
}

}  // namespace

ReportSection compute_section() {
  return {"compute", "Compute: dense matrix multiply",
          [](const ReportInputs& in) { return !in.analysis->gemm.empty(); }, compute_html, compute_markdown};
}

}  // namespace capbench
