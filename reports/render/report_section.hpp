#pragma once
// One report section per stage of the suite (compute, memory, host link, fabric, storage,
// health, energy). report.html and report.md print, in the registry's order, every section
// whose stage is in the results, and nothing at all for one that is not: no empty heading,
// no zero figure. Health and energy efficiency are the exceptions, always shown: that the
// results carry no health stage or no energy reading is itself what a reader must see.
//
// Adding a stage's section (e.g. storage):
//   1. Write reports/render/storage_report.cpp defining
//        ReportSection storage_report_section() { return {"storage", "Storage", present, html, markdown}; }
//      where present() says whether the results hold the stage (usually: a case of its
//      benchmark), and html()/markdown() return the section's body without its heading (the
//      renderers add "<h2>" / "## " with the title and wrap the HTML in
//      <section id="section-storage" data-stage="storage">).
//   2. Declare it below and add one line to report_sections() in reports/render/report_sections.cpp.
//   3. Add the file to capbench_capacity in reports/CMakeLists.txt.
// Use reports/render/wording.hpp for every label, count and ratio, reports/render/html_charts.hpp for
// escaping and charts, and html::esc / md_escape for every string from a file.
#include <functional>
#include <string>
#include <vector>

#include "reports/render/report.hpp"

namespace capbench {

struct ReportSection {
  std::string key;    // the stage: "compute", "memory", "host_link", "fabric", "energy", ...
  std::string title;  // the heading
  std::function<bool(const ReportInputs&)> present;
  std::function<std::string(const ReportInputs&)> html;      // body of <section>, escaped
  std::function<std::string(const ReportInputs&)> markdown;  // body under "## title", escaped
};

// Every section, in report order.
const std::vector<ReportSection>& report_sections();

// The sections of the stages capreport knows (reports/section_*.cpp).
ReportSection compute_section();    // GEMM per precision, per model, per device
ReportSection memory_section();     // STREAM and device copy
ReportSection host_link_section();  // host <-> device transfers
ReportSection fabric_section();     // collectives and peer-to-peer copies
ReportSection energy_section();     // power, clocks and throttling sampled during the cases
ReportSection health_report_section();      // the health stage's checks (reports/render/health_report.cpp)
ReportSection energy_efficiency_section();  // GFLOPS/W from board energy (reports/render/energy_report.cpp)

// Helpers for sections.
bool has_benchmark(const ReportResults& rf, const std::string& benchmark);
std::vector<const ReportCase*> cases_of(const ReportResults& rf, const std::string& benchmark);

}  // namespace capbench

namespace capbench {

// A table of every rank of the given cases, one row per rank and metric: the median, its
// 5th-95th percentile spread over timed iterations, and the verification; a rank without a
// verified figure shows why, never a number.
std::string rank_metrics_html(const Analysis& a, const std::vector<const ReportCase*>& cases, const std::string& id);
std::string rank_metrics_markdown(const Analysis& a, const std::vector<const ReportCase*>& cases);

}  // namespace capbench
