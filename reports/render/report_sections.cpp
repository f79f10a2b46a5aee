// The registry of report sections. A new stage joins with one line here (see
// reports/render/report_section.hpp for the three steps).
#include "reports/render/report_section.hpp"

namespace capbench {

const std::vector<ReportSection>& report_sections() {
  static const std::vector<ReportSection> all = {
      compute_section(),
      memory_section(),
      host_link_section(),
      fabric_section(),
      // storage_report_section(): its stage's file adds it here.
      health_report_section(),
      energy_section(),
      energy_efficiency_section(),
  };
  return all;
}

bool has_benchmark(const ReportResults& rf, const std::string& benchmark) { return !cases_of(rf, benchmark).empty(); }

std::vector<const ReportCase*> cases_of(const ReportResults& rf, const std::string& benchmark) {
  std::vector<const ReportCase*> out;
  for (const auto& c : rf.cases)
    if (c.benchmark == benchmark) out.push_back(&c);
  return out;
}

}  // namespace capbench

#include <fmt/format.h>

#include "reports/render/html_charts.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"
#include "reports/render/wording.hpp"

namespace capbench {

namespace {

// A page stays readable on a large fleet: the results file holds every rank.
constexpr std::size_t kMaxRankRows = 256;

struct RankMetricRow {
  std::string case_text, device, metric, median, spread, check;
  bool figure = false;
};

std::vector<RankMetricRow> rank_metric_rows(const Analysis& a, const std::vector<const ReportCase*>& cases) {
  std::vector<RankMetricRow> rows;
  for (const auto* c : cases)
    for (const auto& r : c->ranks) {
      const auto i = static_cast<std::size_t>(r.rank);
      const std::string device =
          i < a.gpus.size() ? fmt::format("{} rank {}", a.gpus[i].host, r.rank) : fmt::format("rank {}", r.rank);
      const bool verified = r.status == "ok" && r.verification.status == "passed";
      if (!verified || r.metrics.empty()) {
        const std::string why = r.status != "ok"
                                    ? r.status + (r.error.empty() ? "" : ": " + r.error)
                                    : "verification " + r.verification.status +
                                          (r.verification.detail.empty() ? "" : ": " + r.verification.detail);
        rows.push_back({case_label(*c), device, "no figure", "—", "—", why, false});
        continue;
      }
      for (const auto& m : r.metrics)
        rows.push_back({case_label(*c), device, metric_label(m.name), format_si(m.stats.median, m.unit),
                        fmt::format("{} – {}", format_si(m.stats.p05, m.unit), format_si(m.stats.p95, m.unit)),
                        r.verification.method.empty() ? "passed" : "passed (" + r.verification.method + ")", true});
    }
  return rows;
}

}  // namespace

std::string rank_metrics_html(const Analysis& a, const std::vector<const ReportCase*>& cases, const std::string& id) {
  std::string o = fmt::format("<div class=scroll><table id=\"{}\"><tr><th>case</th><th>{}</th><th>figure</th><th "
                              "class=num>median</th><th class=num>5th – 95th percentile</th><th>check</th></tr>",
                              id, device_noun(a));
  const auto rows = rank_metric_rows(a, cases);
  for (std::size_t i = 0; i < rows.size() && i < kMaxRankRows; ++i) {
    const auto& r = rows[i];
    o += fmt::format("<tr{}><td>{}</td><td>{}</td><td>{}</td><td class=num>{}</td><td class=num>{}</td><td>{}</td></tr>",
                     r.figure ? "" : " class=\"no-figure\"", html::esc(r.case_text), html::esc(r.device),
                     html::esc(r.metric), r.median, r.spread, html::esc(r.check));
  }
  if (rows.size() > kMaxRankRows)
    o += fmt::format("<tr><td colspan=6>… and {} more rows (all in the results file)</td></tr>", rows.size() - kMaxRankRows);
  return o + "</table></div>";
}

std::string rank_metrics_markdown(const Analysis& a, const std::vector<const ReportCase*>& cases) {
  std::string o = fmt::format("| case | {} | figure | median | 5th – 95th percentile | check |\n|---|---|---|---|---|---|\n",
                              device_noun(a));
  const auto rows = rank_metric_rows(a, cases);
  for (std::size_t i = 0; i < rows.size() && i < kMaxRankRows; ++i) {
    const auto& r = rows[i];
    o += fmt::format("| {} | {} | {} | {} | {} | {} |\n", md_escape(r.case_text), md_escape(r.device),
                     md_escape(r.metric), r.median, r.spread, md_escape(r.check));
  }
  if (rows.size() > kMaxRankRows) o += fmt::format("\n… and {} more rows (all in the results file)\n", rows.size() - kMaxRankRows);
  return o + "\n";
}

}  // namespace capbench
