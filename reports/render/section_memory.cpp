// Memory: STREAM triad per model and per device, and the device memory copy.
#include <fmt/format.h>

#include "reports/render/html_charts.hpp"
#include "reports/render/report_section.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

namespace {

using html::esc;
using std::string;

const char* kCounting = "STREAM counting: the bytes of the three arrays the triad reads and writes, per {0}; the median "
                        "of timed iterations of a verified run. The bound is the datasheet memory bandwidth.";

string memory_html(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const string D = device_noun(a);
  string o;
  if (!a.stream.empty()) {
    o += "<p class=\"note\">" + fmt::format(fmt::runtime(kCounting), D) + "</p>";
    o += fmt::format("<div class=scroll><table id=\"memory-models\"><tr><th>figure</th><th>model</th><th class=num>{0}s</th>"
                     "<th class=num>median<br>per {0}</th><th class=num>min</th><th class=num>max</th><th "
                     "class=num>datasheet bound<br>per {0}</th><th class=num>median<br>/ bound</th></tr>",
                     D);
    for (const auto& f : a.stream)
      for (const auto& m : f.models)
        o += fmt::format("<tr><td>STREAM triad {}</td><td>{}</td><td class=num>{}/{}</td><td class=num>{}</td><td "
                         "class=num>{}</td><td class=num>{}</td><td class=num title=\"{}\">{}{}</td><td class=num>{}</td></tr>",
                         esc(precision_label(f.precision)), esc(m.label), m.measured, device_tally(m.devices, m.gpus),
                         m.measured ? format_si(m.median, f.unit) : "—", m.measured ? format_si(m.min, f.unit) : "—",
                         m.measured ? format_si(m.max, f.unit) : "—", esc(m.peak_source),
                         m.peak_per_gpu ? format_si(*m.peak_per_gpu, f.unit) : "unknown",
                         m.peak_figure.empty() ? "" : "<br><span class=note>" + esc(peak_figure_label(m.peak_figure)) + "</span>",
                         m.peak_per_gpu && m.measured ? percent(m.median / *m.peak_per_gpu) : "—");
    o += "</table></div>";
    for (const auto& f : a.stream) {
      std::vector<const CriterionResult*> crits;
      if (in.verdict)
        for (const auto& r : in.verdict->results)
          if (r.kind == "per_gpu" && r.benchmark == f.benchmark && r.precision == f.precision) crits.push_back(&r);
      o += "<h3>" + esc(family_title(f)) + " per " + D + "</h3>" + html::gpu_chart(f, a, crits);
    }
  }
  const auto copies = cases_of(*a.results, "device_copy");
  if (!copies.empty())
    o += "<h3>Device memory copy</h3><p class=\"note\">Bytes read plus bytes written per second, pattern-checked."
         "</p>" + rank_metrics_html(a, copies, "device-copy");
  return o;
}

string memory_markdown(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const string D = device_noun(a);
  string o;
  if (!a.stream.empty()) {
    o += fmt::format(fmt::runtime(kCounting), D) + "\n\n";
    o += fmt::format("| figure | model | {0}s | median per {0} | min | max | datasheet bound per {0} | median / bound |\n"
                     "|---|---|---|---|---|---|---|---|\n",
                     D);
    for (const auto& f : a.stream)
      for (const auto& m : f.models)
        o += fmt::format("| STREAM triad {} | {} | {}/{} | {} | {} | {} | {}{} | {} |\n", precision_label(f.precision),
                         md_escape(m.label), m.measured, device_tally(m.devices, m.gpus), m.measured ? format_si(m.median, f.unit) : "—",
                         m.measured ? format_si(m.min, f.unit) : "—", m.measured ? format_si(m.max, f.unit) : "—",
                         m.peak_per_gpu ? format_si(*m.peak_per_gpu, f.unit) : "unknown",
                         m.peak_figure.empty() ? "" : " (" + peak_figure_label(m.peak_figure) + ")",
                         m.peak_per_gpu && m.measured ? percent(m.median / *m.peak_per_gpu) : "—");
    o += "\n";
  }
  const auto copies = cases_of(*a.results, "device_copy");
  if (!copies.empty())
    o += "### Device memory copy\n\nBytes read plus bytes written per second, pattern-checked.\n\n" +
         rank_metrics_markdown(a, copies);
  return o;
}

}  // namespace

ReportSection memory_section() {
  return {"memory", "Memory bandwidth",
          [](const ReportInputs& in) {
            return !in.analysis->stream.empty() || has_benchmark(*in.analysis->results, "device_copy");
          },
          memory_html, memory_markdown};
}

}  // namespace capbench
