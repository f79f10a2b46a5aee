#include "reports/render/health_report.hpp"

#include <fmt/format.h>

#include "reports/render/report_section.hpp"
#include "reports/render/text_escape.hpp"

namespace capbench {

namespace {

constexpr std::size_t kShown = 200;

std::string headline(const HealthRecord& h) {
  return fmt::format("{} checks before and during the run: {} passed, {} failed, {} could not be checked (gate: {}{}).",
                     h.checks.size(), int(h.checks.size()) - h.failed() - h.unknown(), h.failed(), h.unknown(), h.gate,
                     h.stopped ? ", the run stopped before measuring" : "");
}

}  // namespace

std::string health_section_markdown(const ReportResults& rf) {
  std::string o;
  if (!rf.health) return o + "Not recorded: these results carry no health stage.\n\n";
  const HealthRecord& h = *rf.health;
  o += headline(h) + "\n\n";
  std::size_t shown = 0;
  for (const auto& c : h.checks) {
    if (c.status == "pass") continue;
    if (++shown > kShown) {
      o += "- … and more (all in the results file's health.checks)\n";
      break;
    }
    o += fmt::format("- **{}** {} on {}{}{}: {} (expected {})\n", c.status == "fail" ? "FAIL" : "UNKNOWN",
                     md_escape(c.check), md_escape(c.host), c.gpu.empty() ? "" : " ", md_escape(c.gpu),
                     md_escape(c.value), md_escape(c.expected));
  }
  return o + "\n";
}

std::string health_section_html(const ReportResults& rf) {
  std::string o;
  if (!rf.health) return o + "<p>Not recorded: these results carry no health stage.</p>";
  const HealthRecord& h = *rf.health;
  o += "<p>" + html_escape(headline(h)) + "</p>";
  if (h.failed() + h.unknown() == 0) return o;
  o += "<table id=\"health-problems\"><tr><th>status</th><th>check</th><th>host</th><th>GPU</th><th>value</th>"
       "<th>expected</th></tr>";
  std::size_t shown = 0;
  for (const auto& c : h.checks) {
    if (c.status == "pass") continue;
    if (++shown > kShown) break;
    o += fmt::format("<tr class=\"{}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                     c.status == "fail" ? "fail" : "unknown", c.status == "fail" ? "FAIL" : "UNKNOWN",
                     html_escape(c.check), html_escape(c.host), html_escape(c.gpu), html_escape(c.value),
                     html_escape(c.expected));
  }
  return o + "</table>";
}

ReportSection health_report_section() {
  // Always shown: results without a health stage say so.
  return {"health", "Health", [](const ReportInputs&) { return true; },
          [](const ReportInputs& in) { return health_section_html(*in.analysis->results); },
          [](const ReportInputs& in) { return health_section_markdown(*in.analysis->results); }};
}

}  // namespace capbench
