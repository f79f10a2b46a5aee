#include "reports/render/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/gpu_sharing.hpp"

namespace capbench {

namespace {

// The metric a case is summarized by, and for collectives the size it is quoted at.
template <class Metrics>
auto headline(const Metrics& metrics, const std::string& benchmark) -> decltype(&*std::begin(metrics)) {
  decltype(&*std::begin(metrics)) best = nullptr;
  for (const auto& m : metrics) {
    if (benchmark == "gemm" && m.name == "throughput") return &m;
    if (benchmark == "stream" && m.name == "triad_bandwidth") return &m;
    if (benchmark == "lu" && m.name == "throughput") return &m;  // per device; its sum is no Rmax (not printed)
    if (benchmark == "collective" && m.name == "busbw") {
      // The largest message: nccl-tests practice is to quote busbw at large sizes.
      if (!best || m.labels.value("size_bytes", 0.0) > best->labels.value("size_bytes", 0.0)) best = &m;
    }
    if (benchmark != "gemm" && benchmark != "stream" && benchmark != "collective" && !best && m.unit == "B/s")
      best = &m;
  }
  return best;
}

// The "sum of ranks" cell: a collective's or LU's figure is per device and has no sum, and ranks
// that shared a GPU each measured a share of it, so their sum is no GPU's figure.
std::string sum_cell(const CaseSummaryRow& row) {
  if (row.benchmark == "collective" || row.benchmark == "lu" || row.job_wide || row.ranks_share_a_gpu) return "-";
  return format_si(row.total, row.unit);
}

// One line per GPU that ranks shared, for under the table.
std::vector<std::string> shared_gpu_notes(const ReportResults& r) {
  std::vector<std::string> notes;
  for (const auto& g : shared_gpus(r.ranks))
    notes.push_back(fmt::format("ranks {} on host {} shared GPU {}: each figure is a share of one GPU, so cases "
                                "they ran in show no sum",
                                fmt::join(g.ranks, ", "), g.host, g.device));
  return notes;
}

}  // namespace

std::vector<CaseSummaryRow> summarize_cases(const ReportResults& r) {
  std::set<int> on_shared_gpu;
  for (const auto& g : shared_gpus(r.ranks)) on_shared_gpu.insert(g.ranks.begin(), g.ranks.end());
  std::vector<CaseSummaryRow> rows;
  for (const auto& c : r.cases) {
    CaseSummaryRow row;
    row.id = c.id;
    row.benchmark = c.benchmark;
    row.status = c.status;
    row.ranks_total = static_cast<int>(c.ranks.size());
    std::vector<double> medians;
    for (const auto& rr : c.ranks) {
      if (rr.status == "ok" && rr.verification.status != "failed") ++row.ranks_ok;
      if (on_shared_gpu.count(rr.rank)) row.ranks_share_a_gpu = true;
    }
    if (c.benchmark == "collective" && c.ranks.size() == 1) {
      row.no_figure_reason = "one rank: no bus bandwidth";
      rows.push_back(std::move(row));
      continue;
    }
    // Job-wide figures (results/2 collectives): one figure for the case, and only when every
    // rank is sound, since each iteration involved them all.
    if (const Metric* m = c.metrics.empty() ? nullptr : headline(c.metrics, c.benchmark)) {
      row.job_wide = true;
      row.metric = m->name;
      if (m->labels.contains("size_bytes"))
        row.metric += fmt::format(" @ {}", format_bytes(m->labels["size_bytes"].get<double>()));
      row.metric += " (job)";
      row.unit = m->unit;
      if (row.ranks_ok == row.ranks_total && row.ranks_total > 0 && m->stats.n > 0) {
        row.has_figures = true;
        row.slowest = row.median = m->stats.median;
      }
      rows.push_back(std::move(row));
      continue;
    }
    for (const auto& rr : c.ranks) {
      const bool good = rr.status == "ok" && rr.verification.status != "failed";
      const MetricDigest* m = good ? headline(rr.metrics, c.benchmark) : nullptr;
      if (!m) continue;  // a wrong answer is never a figure
      row.metric = m->name;
      if (m->labels.contains("size_bytes"))
        row.metric += fmt::format(" @ {}", format_bytes(m->labels["size_bytes"].get<double>()));
      row.unit = m->unit;
      medians.push_back(m->stats.median);
    }
    if (!medians.empty()) {
      row.has_figures = true;
      for (double v : medians) row.total += v;
      row.slowest = *std::min_element(medians.begin(), medians.end());
      row.median = capbench::median(medians);
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string format_bytes(double bytes) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int u = 0;
  while (bytes >= 1024 && u < 4) {
    bytes /= 1024;
    ++u;
  }
  return fmt::format("{:g} {}", bytes, units[u]);
}

std::string format_si(double value, const std::string& unit) {
  if (!std::isfinite(value)) return "n/a";
  if (unit == "s") {
    if (value < 1e-6) return fmt::format("{:.3g} ns", value * 1e9);
    if (value < 1e-3) return fmt::format("{:.3g} us", value * 1e6);
    if (value < 1) return fmt::format("{:.3g} ms", value * 1e3);
    return fmt::format("{:.3g} s", value);
  }
  static const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int p = 0;
  double v = std::fabs(value);
  while (v >= 1000 && p < 6) {
    v /= 1000;
    ++p;
  }
  std::string base = unit;
  // "1.0 TFLOP/s", "2.3 GB/s", "4 MB": the prefix goes before the unit.
  return fmt::format("{:.3g} {}{}", value < 0 ? -v : v, prefixes[p], base);
}

std::string render_summary_text(const ReportResults& r, const std::vector<CaseSummaryRow>& rows) {
  std::string out = fmt::format("capbench results {} — suite {} — backend {} — {} ranks on {} nodes — run {}{}\n",
                                r.run.id, r.suite.name, r.run.backend, r.run.nranks, r.run.nnodes, r.run.status,
                                r.run.status_reason.empty() ? "" : " (" + r.run.status_reason + ")");
  out += fmt::format("{:<46} {:<8} {:>7}  {:<28} {:>14} {:>14} {:>14}\n", "case", "status", "ranks", "metric",
                     "sum of ranks", "slowest rank", "median rank");
  for (const auto& row : rows) {
    const std::string ranks = fmt::format("{}/{}", row.ranks_ok, row.ranks_total);
    if (row.has_figures)
      out += fmt::format("{:<46} {:<8} {:>7}  {:<28} {:>14} {:>14} {:>14}\n", row.id, row.status, ranks, row.metric,
                         sum_cell(row), format_si(row.slowest, row.unit), row.job_wide ? "-" : format_si(row.median, row.unit));
    else
      out += fmt::format("{:<46} {:<8} {:>7}  {:<28}\n", row.id, row.status, ranks,
                         row.no_figure_reason.empty() ? "(no verified figure)" : "(" + row.no_figure_reason + ")");
  }
  for (const auto& note : shared_gpu_notes(r)) out += "note: " + note + "\n";
  return out;
}

std::string render_summary_markdown(const ReportResults& r, const std::vector<CaseSummaryRow>& rows,
                                    const std::string& results_sha256) {
  auto esc = [](const std::string& s) {
    std::string o;
    for (char ch : s) {
      if (ch == '|' || ch == '<' || ch == '>' || ch == '*' || ch == '_' || ch == '`' || ch == '[' || ch == ']')
        o += '\\';
      o += ch;
    }
    return o;
  };
  std::string out = "# capbench results summary\n\n";
  out += fmt::format("- run: `{}` ({}{})\n", esc(r.run.id), esc(r.run.status),
                     r.run.status_reason.empty() ? "" : ": " + esc(r.run.status_reason));
  out += fmt::format("- suite: {} (sha256 `{}`)\n", esc(r.suite.name), r.suite.sha256);
  out += fmt::format("- backend: **{}**, {} ranks on {} nodes, MPI: {}\n", esc(r.run.backend), r.run.nranks,
                     r.run.nnodes, esc(r.run.mpi_library));
  out += fmt::format("- tool: {} {} (commit `{}`)\n", esc(r.run.tool_name), esc(r.run.tool_version),
                     esc(r.run.git_commit));
  out += fmt::format("- results file sha256: `{}`\n", results_sha256);
  out += fmt::format("- started {}, finished {}\n\n", esc(r.run.started_at), esc(r.run.finished_at));
  out += "Figures are medians over timed iterations, per rank; \"sum\" adds the rank medians, \"slowest\" is the "
         "lowest rank median. Failed or unverified ranks contribute no figure. A metric marked (job) is a job-wide "
         "figure (collectives): per timed iteration the slowest rank's time, median over iterations, shown as the "
         "slowest; it needs every rank sound.\n\n";
  out += "| case | status | ranks ok | metric | sum of ranks | slowest rank | median rank |\n";
  out += "|---|---|---|---|---|---|---|\n";
  for (const auto& row : rows) {
    if (row.has_figures)
      out += fmt::format("| {} | {} | {}/{} | {} | {} | {} | {} |\n", esc(row.id), row.status, row.ranks_ok,
                         row.ranks_total, esc(row.metric), sum_cell(row), format_si(row.slowest, row.unit),
                         row.job_wide ? "-" : format_si(row.median, row.unit));
    else
      out += fmt::format("| {} | {} | {}/{} | ({}) | | | |\n", esc(row.id), row.status, row.ranks_ok, row.ranks_total,
                         row.no_figure_reason.empty() ? "no verified figure" : row.no_figure_reason);
  }
  const auto notes = shared_gpu_notes(r);
  if (!notes.empty()) out += "\n";
  for (const auto& note : notes) out += "- Note: " + esc(note) + ".\n";
  return out;
}

}  // namespace capbench
