// FP64 for a TOP500 reader, and the imported external results (reports/render/external_report.hpp).
#include "reports/render/external_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "common/stats.hpp"
#include "reports/render/summary.hpp"
#include "reports/render/text_escape.hpp"

namespace capbench {

namespace {

const ExternalFigure* figure(const ExternalResult& r, const std::string& name) {
  for (const auto& f : r.figures)
    if (f.name == name) return &f;
  return nullptr;
}

std::int64_t param(const ExternalResult& r, const char* key) {
  return r.parameters.contains(key) && r.parameters[key].is_number() ? r.parameters[key].get<std::int64_t>() : 0;
}

std::vector<LuCaseFigures> lu_figures(const ReportResults& rf) {
  std::vector<LuCaseFigures> out;
  for (const auto& c : rf.cases) {
    if (c.benchmark != "lu") continue;
    LuCaseFigures f;
    f.case_id = c.id;
    std::vector<double> medians;
    for (const auto& r : c.ranks) {
      if (r.status == "skipped") continue;
      ++f.ranks;
      f.worst_residual = std::max(f.worst_residual, r.verification.max_error);
      if (r.status != "ok" || r.verification.status != "passed") continue;
      for (const auto& m : r.metrics)
        if (m.name == "throughput") medians.push_back(m.stats.median);
      if (medians.size() == 1) {
        f.n = r.info.value("n", std::int64_t(0));
        f.memory_fraction = r.info.value("memory_fraction_used", 0.0);
      }
    }
    f.verified = int(medians.size());
    if (!medians.empty()) {
      f.median = summarize(medians).median;
      f.min = *std::min_element(medians.begin(), medians.end());
      f.max = *std::max_element(medians.begin(), medians.end());
    }
    if (f.ranks > 0) out.push_back(f);
  }
  return out;
}

std::string pct(const std::optional<double>& v) { return v ? percent(*v) : "n/a"; }

// Rpeak is the declared fleet's; an HPL run on part of it is said to be so.
std::string scope_note(const Top500View& v) {
  if (!v.rmax_result || !v.rpeak) return "";
  const std::int64_t processes = param(*v.rmax_result, "P") * param(*v.rmax_result, "Q");
  if (processes == v.rpeak_gpus) return "";
  return fmt::format("HPL ran as P×Q = {} processes; Rpeak is that of the {} declared GPUs whose peak is known. Where "
                     "HPL ran on part of the fleet, Rmax / Rpeak understates that part's efficiency",
                     processes, v.rpeak_gpus);
}

std::string check_text(const ExternalResult& r) {
  if (r.checks.empty()) return r.status;
  const auto& c = r.checks.front();
  std::string s = c.status == "passed" ? "PASSED" : "FAILED";
  if (c.value) s += fmt::format(" ({:.3g}{})", *c.value, c.threshold ? fmt::format(", threshold {:g}", *c.threshold) : "");
  return s;
}

bool has_anything(const ReportInputs& in, const Top500View& v) {
  return (in.imported && !in.imported->results.empty()) || !v.lu.empty();
}

}  // namespace

Top500View make_top500_view(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  Top500View v;
  if (in.imported)
    for (const auto& r : in.imported->results) {
      if (r.tool != "hpl") continue;
      if (r.status == "failed") {
        v.failed_hpl.push_back(&r);
        continue;
      }
      const ExternalFigure* f = figure(r, "rmax");
      if (r.status == "passed" && f && f->value > v.rmax) {
        v.rmax = f->value;
        v.rmax_result = &r;
      }
    }
  if (a.system) {
    double peak = 0;
    bool complete = true;
    for (const auto& item : a.system->inventory) {
      if (!item.measurable_by_capbench || !item.gpu) continue;
      const GemmPeak p = GpuDatabase::gemm_peak(*item.gpu, "fp64");
      if (!p.per_gpu) {
        complete = false;
        continue;
      }
      peak += *p.per_gpu * double(item.count);
      v.rpeak_gpus += item.count;
      if (v.rpeak_figure.empty()) v.rpeak_figure = p.figure;
    }
    if (v.rpeak_gpus > 0) v.rpeak = peak;
    v.rpeak_complete = complete;
  }
  if (v.rmax_result && v.rpeak && *v.rpeak > 0) v.rmax_over_rpeak = v.rmax / *v.rpeak;
  v.lu = lu_figures(*a.results);
  if (const FamilyFigures* f = find_family(a.gemm, "fp64"); f && f->measured > 0) {
    v.dgemm_sum = f->measured_sum;
    v.dgemm_gpus = f->measured;
  }
  return v;
}

std::string external_headline(const ExternalResult& r) {
  if (r.status == "failed") return "no figure: its own check failed";
  if (r.tool == "hpl" || r.tool == "hpl-mxp") {
    const ExternalFigure* f = figure(r, r.tool == "hpl" ? "rmax" : "mxp_rmax");
    return fmt::format("{} {} (N {}, NB {}, P×Q {}×{}, {:g} s)", r.tool == "hpl" ? "Rmax" : "mixed-precision rate",
                       f ? format_si(f->value, "FLOP/s") : "?", param(r, "N"), param(r, "NB"), param(r, "P"),
                       param(r, "Q"), r.parameters.value("time_s", 0.0));
  }
  if (r.tool == "hpcg") {
    const ExternalFigure* f = figure(r, "hpcg_rating");
    return "HPCG rating " + (f ? format_si(f->value, "FLOP/s") : "?");
  }
  if (r.tool == "nccl-tests") {
    const ExternalFigure* best = nullptr;
    for (const auto& f : r.figures)
      if (f.name == "busbw" && (!best || f.labels.value("size_bytes", 0.0) > best->labels.value("size_bytes", 0.0) ||
                                (f.labels.value("size_bytes", 0.0) == best->labels.value("size_bytes", 0.0) && f.value > best->value)))
        best = &f;
    return best ? fmt::format("busbw {} at {} ({})", format_si(best->value, "B/s"),
                              format_bytes(best->labels.value("size_bytes", 0.0)), best->labels.value("placement", ""))
                : "no busbw figure";
  }
  std::string s;
  for (const auto& f : r.figures) {
    const bool wanted = (r.tool == "ior" && f.name == "bw_max") || (r.tool == "io500" && f.name.rfind("score_", 0) == 0);
    if (!wanted) continue;
    const std::string what = r.tool == "ior" ? f.labels.value("operation", "") + " max" : f.name.substr(6);
    s += fmt::format("{}{} {}", s.empty() ? "" : ", ", what, f.unit == "score" ? fmt::format("{:g}", f.value) : format_si(f.value, f.unit));
  }
  return s.empty() ? "no figure" : s;
}

std::string render_external_markdown(const ReportInputs& in) {
  const Top500View v = make_top500_view(in);
  if (!has_anything(in, v)) return "";
  const Analysis& a = *in.analysis;
  std::string o = "## FP64 for a TOP500 reader\n\nEach figure on its own line, from its own source; none is added to "
                  "another. Rmax is HPL's, measured by an external tool; capbench's LU is HPL-like on one device "
                  "per rank and is not Rmax.\n\n| figure | value | source |\n|---|---|---|\n";
  if (a.system)
    o += fmt::format("| target ({}, {}) | {:g} {} | system description |\n", md_escape(a.system->target.precision),
                     md_escape(a.system->target.basis), a.system->target.value, md_escape(a.system->target.unit));
  if (v.rmax_result) {
    const auto& r = *v.rmax_result;
    o += fmt::format("| Rmax (HPL, residual {}) | {} | {} {}, `{}` SHA-256 `{}`, N {}, P×Q {}×{} |\n", check_text(r),
                     format_si(v.rmax, "FLOP/s"), md_escape(r.tool_name), md_escape(r.tool_version),
                     md_escape(r.source_path), r.source_sha256, param(r, "N"), param(r, "P"), param(r, "Q"));
  } else {
    o += "| Rmax (HPL) | not available | no passed HPL result imported |\n";
  }
  o += fmt::format("| Rpeak: FP64 datasheet peak of the declared fleet | {} | {} |\n",
                   v.rpeak ? format_si(*v.rpeak, "FLOP/s") : "not available",
                   v.rpeak ? fmt::format("{} declared GPUs, figure {}{}", v.rpeak_gpus, v.rpeak_figure,
                                         v.rpeak_complete ? "" : "; GPUs whose peak is unknown are left out")
                           : "needs --system with a declared inventory");
  o += fmt::format("| Rmax / Rpeak | {} | {} |\n", pct(v.rmax_over_rpeak), md_escape(scope_note(v)));
  if (v.dgemm_sum)
    o += fmt::format("| capbench DGEMM, sum of per-GPU medians | {} | this run, {} GPUs |\n",
                     format_si(*v.dgemm_sum, "FLOP/s"), v.dgemm_gpus);
  for (const auto& l : v.lu)
    o += fmt::format("| capbench LU `{}` (HPL-like, one device, not Rmax), median per device | {} | this run, {} of {} "
                     "ranks verified, n {}, {} of memory, min {} max {}, worst scaled residual {:.3g} |\n",
                     md_escape(l.case_id), l.verified ? format_si(l.median, "FLOP/s") : "no verified figure",
                     l.verified, l.ranks, l.n, percent(l.memory_fraction), format_si(l.min, "FLOP/s"),
                     format_si(l.max, "FLOP/s"), l.worst_residual);
  o += "\n";
  for (const auto* r : v.failed_hpl)
    o += fmt::format("- **HPL FAILED its residual check**: `{}` (SHA-256 `{}`), {}.\n",
                     md_escape(r->source_path), r->source_sha256, md_escape(r->detail));
  if (in.imported && !in.imported->results.empty()) {
    o += fmt::format("\n### Imported external results\n\nFrom `{}`; basis: {}.\n\n| tool | version | status | figures | "
                     "source (SHA-256) |\n|---|---|---|---|---|\n",
                     md_escape(in.imported->file), kExternalBasis);
    for (const auto& r : in.imported->results)
      o += fmt::format("| {} | {} | {} | {} | `{}` #{} `{}` |\n", md_escape(r.tool_name), md_escape(r.tool_version),
                       r.status == "failed" ? "**FAILED**" : r.status, md_escape(external_headline(r)),
                       md_escape(r.source_path), r.index_in_source, r.source_sha256);
  }
  return o + "\n";
}

std::string render_external_html(const ReportInputs& in) {
  const Top500View v = make_top500_view(in);
  if (!has_anything(in, v)) return "";
  const Analysis& a = *in.analysis;
  auto row = [](const std::string& f, const std::string& val, const std::string& src) {
    return "<tr><td>" + f + "</td><td>" + val + "</td><td>" + src + "</td></tr>";
  };
  std::string o = "<h2>FP64 for a TOP500 reader</h2><p class=\"note\">Each figure from its own source; none is added "
                  "to another. Rmax is HPL's, measured by an external tool; capbench's LU is HPL-like on one device "
                  "per rank and is not Rmax.</p><table id=\"top500\"><tr><th>figure</th><th>value</th><th>source</th></tr>";
  if (a.system)
    o += row(fmt::format("target ({}, {})", html_escape(a.system->target.precision), html_escape(a.system->target.basis)),
             fmt::format("{:g} {}", a.system->target.value, html_escape(a.system->target.unit)), "system description");
  if (v.rmax_result) {
    const auto& r = *v.rmax_result;
    o += row("Rmax (HPL, residual " + html_escape(check_text(r)) + ")", "<b>" + format_si(v.rmax, "FLOP/s") + "</b>",
             fmt::format("{} {}, <code>{}</code> SHA-256 <code>{}</code>, N {}, P×Q {}×{}", html_escape(r.tool_name),
                         html_escape(r.tool_version), html_escape(r.source_path), r.source_sha256, param(r, "N"),
                         param(r, "P"), param(r, "Q")));
  } else {
    o += row("Rmax (HPL)", "not available", "no passed HPL result imported");
  }
  o += row("Rpeak: FP64 datasheet peak of the declared fleet", v.rpeak ? format_si(*v.rpeak, "FLOP/s") : "not available",
           v.rpeak ? fmt::format("{} declared GPUs, figure {}{}", v.rpeak_gpus, html_escape(v.rpeak_figure),
                                 v.rpeak_complete ? "" : "; GPUs whose peak is unknown are left out")
                   : "needs --system with a declared inventory");
  o += row("Rmax / Rpeak", "<b>" + pct(v.rmax_over_rpeak) + "</b>", html_escape(scope_note(v)));
  if (v.dgemm_sum)
    o += row("capbench DGEMM, sum of per-GPU medians", format_si(*v.dgemm_sum, "FLOP/s"),
             fmt::format("this run, {} GPUs", v.dgemm_gpus));
  for (const auto& l : v.lu)
    o += row("capbench LU <code>" + html_escape(l.case_id) + "</code> (HPL-like, one device, not Rmax), median per device",
             l.verified ? format_si(l.median, "FLOP/s") : "no verified figure",
             fmt::format("this run, {} of {} ranks verified, n {}, {} of memory, worst scaled residual {:.3g}",
                         l.verified, l.ranks, l.n, percent(l.memory_fraction), l.worst_residual));
  o += "</table>";
  for (const auto* r : v.failed_hpl)
    o += fmt::format("<div class=\"card\" id=\"hpl-failed\"><b>HPL FAILED its residual check</b>: <code>{}</code> "
                     "(SHA-256 <code>{}</code>), {}.</div>",
                     html_escape(r->source_path), r->source_sha256, html_escape(r->detail));
  if (in.imported && !in.imported->results.empty()) {
    o += fmt::format("<h3>Imported external results</h3><p class=\"note\">From <code>{}</code>; basis: {}.</p>"
                     "<table id=\"imported\"><tr><th>tool</th><th>version</th><th>status</th><th>figures</th>"
                     "<th>source (SHA-256)</th></tr>",
                     html_escape(in.imported->file), kExternalBasis);
    for (const auto& r : in.imported->results)
      o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code> #{} <code>{}</code></td></tr>",
                       html_escape(r.tool_name), html_escape(r.tool_version),
                       r.status == "failed" ? "<b>FAILED</b>" : html_escape(r.status),
                       html_escape(external_headline(r)), html_escape(r.source_path), r.index_in_source,
                       r.source_sha256);
    o += "</table>";
  }
  return o;
}

std::string render_external_statement(const ReportInputs& in) {
  const Top500View v = make_top500_view(in);
  std::string s;
  for (const auto& l : v.lu)
    if (l.verified > 0)
      s += fmt::format(" capbench's own LU with partial pivoting (HPL-like, one device, not Rmax) reached a median of "
                       "{} per rank on {} verified ranks at n {} ({} of memory).",
                       format_si(l.median, "FLOP/s"), l.verified, l.n, percent(l.memory_fraction));
  if (!in.imported || in.imported->results.empty()) return s;
  s += fmt::format(" Imported from {} and measured by an external tool, not by capbench, and added to none of "
                   "capbench's figures:",
                   in.imported->file);
  if (v.rmax_result) {
    const auto& r = *v.rmax_result;
    s += fmt::format(" HPL ({} {}) Rmax {} at N {} on P×Q {}×{} processes, residual check PASSED (file {}, SHA-256 {})",
                     r.tool_name, r.tool_version, format_si(v.rmax, "FLOP/s"), param(r, "N"), param(r, "P"),
                     param(r, "Q"), r.source_path, r.source_sha256);
    if (v.rmax_over_rpeak)
      s += fmt::format("; against the declared fleet's FP64 datasheet peak (Rpeak) of {} ({} GPUs{}) that is {}",
                       format_si(*v.rpeak, "FLOP/s"), v.rpeak_gpus,
                       v.rpeak_complete ? "" : ", GPUs of unknown peak left out", percent(*v.rmax_over_rpeak));
    if (const std::string note = scope_note(v); !note.empty()) s += " (" + note + ")";
    s += ".";
  }
  for (const auto* r : v.failed_hpl)
    s += fmt::format(" The HPL output {} (SHA-256 {}) FAILED its residual check and gives no figure.", r->source_path,
                     r->source_sha256);
  for (const auto& r : in.imported->results) {
    if (r.tool == "hpl") continue;
    s += fmt::format(" {} {}: {}{} (file {}, SHA-256 {}).", r.tool_name, r.tool_version,
                     r.status == "failed" ? "FAILED its own check, " : "", external_headline(r), r.source_path,
                     r.source_sha256);
  }
  return s;
}

json render_external_summary_json(const ReportInputs& in) {
  const Top500View v = make_top500_view(in);
  if (!has_anything(in, v)) return nullptr;
  json j = {{"basis", kExternalBasis}};
  j["rmax"] = v.rmax_result ? json{{"value", v.rmax}, {"unit", "FLOP/s"}, {"source_sha256", v.rmax_result->source_sha256},
                                   {"source_path", v.rmax_result->source_path}, {"N", param(*v.rmax_result, "N")}}
                            : json(nullptr);
  j["rpeak"] = v.rpeak ? json{{"value", *v.rpeak}, {"unit", "FLOP/s"}, {"gpus", v.rpeak_gpus}, {"complete", v.rpeak_complete}}
                       : json(nullptr);
  j["rmax_over_rpeak"] = v.rmax_over_rpeak ? json(*v.rmax_over_rpeak) : json(nullptr);
  json failed = json::array();
  for (const auto* r : v.failed_hpl) failed.push_back({{"source_path", r->source_path}, {"source_sha256", r->source_sha256}, {"detail", r->detail}});
  j["hpl_failed"] = failed;
  json lu = json::array();
  for (const auto& l : v.lu)
    lu.push_back({{"case", l.case_id}, {"basis", "HPL-like, one device, not Rmax"}, {"n", l.n}, {"ranks", l.ranks},
                  {"verified", l.verified}, {"median", l.median}, {"min", l.min}, {"max", l.max},
                  {"memory_fraction", l.memory_fraction}, {"unit", "FLOP/s"}});
  j["lu"] = lu;
  j["imported"] = in.imported ? imported_to_json(*in.imported)["results"] : json::array();
  return j;
}

}  // namespace capbench
