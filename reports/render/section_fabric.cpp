// Fabric: collectives (bus bandwidth per message size) and peer-to-peer copies. A case that
// moves nothing between devices (one rank, or every rank on one GPU) has no figure, and the
// section says why once, naming those cases.
#include <algorithm>
#include <map>

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

// Cases without a bandwidth figure by their nature, grouped by the reason.
std::vector<std::pair<string, std::vector<string>>> no_bandwidth_groups(const Analysis& a) {
  std::vector<std::pair<string, std::vector<string>>> groups;
  for (const auto& s : a.collectives) {
    if (s.no_bandwidth_reason.empty()) continue;
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == s.no_bandwidth_reason; });
    if (it == groups.end()) it = groups.insert(groups.end(), {s.no_bandwidth_reason, {}});
    it->second.push_back(collective_label(s) + (s.status == "skipped" ? " (skipped)" : ""));
  }
  return groups;
}

// Why a case with devices to cross has no figure: failed or unverified ranks.
string missing_figure(const CollectiveSeries& s) {
  if (s.status == "skipped") return "skipped";
  return fmt::format("no figure: {} of {} ranks verified, and a collective is only as good as every rank", s.ranks_ok,
                     s.ranks_total);
}

string bases_text(const Analysis& a) {
  std::vector<string> bases;
  for (const auto& c : a.collectives) {
    if (!c.no_bandwidth_reason.empty()) continue;
    const string b = collective_basis_text(c);
    if (std::find(bases.begin(), bases.end(), b) == bases.end()) bases.push_back(b);
  }
  string out;
  for (const auto& b : bases) out += " Figures " + b + ".";
  return out;
}

string fabric_html(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  string o;
  if (!a.collectives.empty()) {
    o += "<h3>Collective bus bandwidth</h3><p class=\"note\">nccl-tests convention: busbw = size / time × factor, per "
         "message size." + esc(bases_text(a)) + "</p>";
    bool any_points = false;
    for (const auto& s : a.collectives) any_points = any_points || !s.points.empty();
    if (any_points) o += html::collective_chart(a.collectives);
    for (const auto& [why, cases] : no_bandwidth_groups(a)) {
      o += "<div class=\"card no-bandwidth\"><b>No bandwidth figure.</b> " + esc(sentence_case(why)) + ". Cases: ";
      for (std::size_t i = 0; i < cases.size(); ++i) o += (i ? "; " : "") + esc(cases[i]);
      o += ".</div>";
    }
    string missing;
    for (const auto& s : a.collectives)
      if (s.no_bandwidth_reason.empty() && s.points.empty())
        missing += "<li>" + esc(collective_label(s)) + ": " + esc(missing_figure(s)) + "</li>";
    if (!missing.empty()) o += "<ul class=\"fail\">" + missing + "</ul>";
  }
  const auto p2p = cases_of(*a.results, "p2p");
  if (!p2p.empty()) o += "<h3>Peer-to-peer copies</h3>" + rank_metrics_html(a, p2p, "p2p");
  return o;
}

string fabric_markdown(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  string o;
  if (!a.collectives.empty()) {
    o += "### Collective bus bandwidth\n\nnccl-tests convention: busbw = size / time × factor, per message size." +
         md_escape(bases_text(a)) + "\n\n";
    for (const auto& s : a.collectives) {
      if (!s.no_bandwidth_reason.empty()) continue;
      o += fmt::format("- {} ({}; {}/{} ranks verified): ", md_escape(collective_label(s)), md_escape(s.status), s.ranks_ok,
                       s.ranks_total);
      if (s.points.empty()) o += md_escape(missing_figure(s));
      for (std::size_t i = 0; i < s.points.size(); ++i) {
        const auto& p = s.points[i];
        o += fmt::format("{}{} → {}", i ? ", " : "", format_bytes(p.size_bytes), format_si(p.busbw_min, "B/s"));
        if (p.slowest_rank >= 0) o += fmt::format(" (rank {})", p.slowest_rank);
      }
      o += "\n";
    }
    for (const auto& [why, cases] : no_bandwidth_groups(a)) {
      o += "\n**No bandwidth figure.** " + md_escape(sentence_case(why)) + ". Cases: ";
      for (std::size_t i = 0; i < cases.size(); ++i) o += (i ? "; " : "") + md_escape(cases[i]);
      o += ".\n";
    }
    o += "\n";
  }
  const auto p2p = cases_of(*a.results, "p2p");
  if (!p2p.empty()) o += "### Peer-to-peer copies\n\n" + rank_metrics_markdown(a, p2p);
  return o;
}

}  // namespace

ReportSection fabric_section() {
  return {"fabric", "Fabric: collectives and peer copies",
          [](const ReportInputs& in) {
            return !in.analysis->collectives.empty() || has_benchmark(*in.analysis->results, "p2p");
          },
          fabric_html, fabric_markdown};
}

}  // namespace capbench
