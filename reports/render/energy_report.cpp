#include "reports/render/energy_report.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include <fmt/format.h>

#include "reports/render/report_section.hpp"
#include "reports/render/text_escape.hpp"

namespace capbench {

namespace {

// NVML updates the energy counter every few tens of milliseconds: a shorter window is mostly
// the counter's step.
constexpr double kShortWindow_s = 1.0;

double median_of(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string unit_for(const std::string& work_unit) {
  return work_unit == "FLOP" ? "GFLOPS/W" : work_unit == "OP" ? "GOPS/W" : "GB/s per W";
}

const char* kCaveat =
    "NVML's total-energy counter, read at the start and end of every timed window of a case; efficiency is the work "
    "done in those windows over the joules they took (1 GFLOPS/W = 1e9 FLOP per joule). The counter is updated by the "
    "driver at its own interval (tens of milliseconds), so a window under 1 s is marked short and its figure is "
    "uncertain by that step; the board sensor's own accuracy applies. Not a Green500 measurement (no whole-system "
    "power). Shown apart from measured throughput and never combined with it.";

}  // namespace

std::vector<EfficiencyRow> energy_efficiency(const ReportResults& rf) {
  using Key = std::tuple<std::string, std::string, std::string, std::string>;  // model, bench, precision, unit
  std::map<Key, std::pair<std::vector<double>, std::vector<double>>> groups;
  for (const auto& c : rf.cases) {
    if (c.benchmark != "gemm" && c.benchmark != "stream") continue;
    const std::string precision = c.params.value("precision", std::string());
    for (const auto& rr : c.ranks) {
      if (rr.status != "ok" || rr.verification.status == "failed") continue;
      if (!rr.telemetry || !rr.telemetry->energy || !rr.telemetry->energy->work_per_joule) continue;
      if (rr.rank < 0 || std::size_t(rr.rank) >= rf.ranks.size()) continue;
      const auto& e = *rr.telemetry->energy;
      auto& g = groups[{rf.ranks[std::size_t(rr.rank)].device.name, c.benchmark, precision, unit_for(e.work_unit)}];
      g.first.push_back(*e.work_per_joule / 1e9);
      g.second.push_back(e.window_s);
    }
  }
  std::vector<EfficiencyRow> out;
  for (const auto& [k, v] : groups) {
    EfficiencyRow r;
    std::tie(r.model, r.benchmark, r.precision, r.unit) = k;
    r.gpus = int(v.first.size());
    r.median = median_of(v.first);
    r.min = *std::min_element(v.first.begin(), v.first.end());
    r.max = *std::max_element(v.first.begin(), v.first.end());
    r.median_window_s = median_of(v.second);
    out.push_back(std::move(r));
  }
  return out;
}

std::string energy_section_markdown(const ReportResults& rf) {
  std::string o;
  const auto rows = energy_efficiency(rf);
  if (rows.empty())
    return o + "Not measured: no verified GEMM or STREAM result carries a board energy reading "
               "(telemetry.energy), so no efficiency figure is given.\n\n";
  o += std::string(kCaveat) + "\n\n";
  o += "| model | benchmark | precision | efficiency | GPUs | median | min | max | timed window (median) |\n"
       "|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    o += fmt::format("| {} | {} | {} | {} | {} | {:.3g} | {:.3g} | {:.3g} | {:.2f} s{} |\n", md_escape(r.model),
                     r.benchmark, md_escape(r.precision), r.unit, r.gpus, r.median, r.min, r.max, r.median_window_s,
                     r.median_window_s < kShortWindow_s ? " (short)" : "");
  return o + "\n";
}

std::string energy_section_html(const ReportResults& rf) {
  std::string o;
  const auto rows = energy_efficiency(rf);
  if (rows.empty())
    return o + "<p id=\"energy-not-measured\">Not measured: no verified GEMM or STREAM result carries a board energy "
               "reading (telemetry.energy), so no efficiency figure is given.</p>";
  o += "<p class=\"note\">" + html_escape(kCaveat) + "</p>";
  o += "<table id=\"energy-table\"><tr><th>model</th><th>benchmark</th><th>precision</th><th>efficiency</th>"
       "<th>GPUs</th><th>median</th><th>min</th><th>max</th><th>timed window (median)</th></tr>";
  for (const auto& r : rows)
    o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.3g}</td><td>{:.3g}</td>"
                     "<td>{:.3g}</td><td>{:.2f} s{}</td></tr>",
                     html_escape(r.model), r.benchmark, html_escape(r.precision), html_escape(r.unit), r.gpus,
                     r.median, r.min, r.max, r.median_window_s, r.median_window_s < kShortWindow_s ? " (short)" : "");
  return o + "</table>";
}

ReportSection energy_efficiency_section() {
  // Always shown: where energy was not measured the section says so, and gives no figure.
  return {"energy_efficiency", fmt::format("Energy efficiency ({})", kEnergyLabel),
          [](const ReportInputs&) { return true; },
          [](const ReportInputs& in) { return energy_section_html(*in.analysis->results); },
          [](const ReportInputs& in) { return energy_section_markdown(*in.analysis->results); }};
}

}  // namespace capbench
