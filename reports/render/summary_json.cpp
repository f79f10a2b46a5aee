// summary.json, schema capbench.summary/1: every figure of the report, machine-readable.
// Values are in SI base units (FLOP/s, OP/s, B/s); fractions are 0..1; absent is null.
#include "capbench/version.hpp"
#include "reports/render/external_report.hpp"
#include "reports/render/report.hpp"

namespace capbench {

namespace {

// GPUs that more than one rank ran on: each rank's figure there is kept out of every sum.
json shared_gpus_json(const Analysis& a) {
  json out = json::array();
  for (const auto& g : a.shared_gpus) out.push_back({{"host", g.host}, {"device", g.device}, {"ranks", g.ranks}});
  return out;
}
json opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json family_json(const FamilyFigures& f) {
  json models = json::array();
  for (const auto& m : f.models)
    models.push_back({{"model", m.model_key}, {"label", m.label}, {"gpus", m.devices}, {"ranks", m.gpus}, {"measured", m.measured},
                      {"median", m.median}, {"min", m.min}, {"max", m.max}, {"sum", m.sum},
                      {"peak_per_gpu", opt(m.peak_per_gpu)}, {"peak_figure", m.peak_figure},
                      {"peak_source", m.peak_source}, {"peak_note", m.peak_note},
                      {"declared_count", m.declared_count ? json(*m.declared_count) : json(nullptr)},
                      {"projected", opt(m.projected)}});
  json out = {{"benchmark", f.benchmark},
              {"precision", f.precision},
              {"unit", f.unit},
              {"cases", f.cases},
              {"gpus_in_cases", f.devices},
              {"ranks_in_cases", f.gpus.size()},
              {"gpus_measured", f.measured},
              {"gpus_kept_out_shared_gpu", f.on_shared_gpus},
              {"measured_sum", f.measured_sum},
              {"slowest", f.measured ? json(f.slowest) : json(nullptr)},
              {"slowest_rank", f.measured ? json(f.slowest_rank) : json(nullptr)},
              {"n_times_slowest", f.n_times_slowest},
              {"gpus_peak_known", f.gpus_peak_known},
              {"peak_of_measured_known", f.peak_sum_known},
              {"efficiency", opt(f.efficiency)},
              {"models", std::move(models)}};
  if (f.benchmark == "gemm") {
    out["projection"] = {{"made", f.projection_made},
                         // null, never 0, where no declared model was measured
                         {"projected", f.projection_made && f.projected_gpus > 0 ? json(f.projected) : json(nullptr)},
                         {"projected_gpus", f.projected_gpus},
                         {"assumption", "each declared GPU performs like the median measured GPU of its model"},
                         {"notes", f.projection_notes}};
    out["fleet_datasheet_peak"] = {{"value", opt(f.fleet_peak)},
                                   {"complete", f.fleet_peak_complete},
                                   {"notes", f.fleet_peak_notes}};
  }
  return out;
}

json collectives_json(const Analysis& a) {
  json collectives = json::array();
  for (const auto& s : a.collectives) {
    json pts = json::array();
    for (const auto& p : s.points)
      pts.push_back({{"size_bytes", p.size_bytes}, {"busbw_min", p.busbw_min}, {"busbw_median", p.busbw_median},
                     {"slowest_rank", p.slowest_rank >= 0 ? json(p.slowest_rank) : json(nullptr)}, {"ranks", p.ranks}});
    collectives.push_back({{"case", s.case_id}, {"operation", s.operation}, {"dtype", s.dtype},
                           {"basis", s.job_wide ? "job" : "per_rank"}, {"basis_text", collective_basis_text(s)},
                           {"metrics_basis", s.basis_note},
                           {"in_place", s.in_place}, {"status", s.status}, {"ranks_ok", s.ranks_ok},
                           {"ranks_total", s.ranks_total}, {"points", std::move(pts)},
                           {"no_bandwidth_reason", s.no_bandwidth_reason.empty() ? json(nullptr) : json(s.no_bandwidth_reason)}});
  }
  return collectives;
}

json outliers_json(const Analysis& a) {
  json outliers = json::array();
  for (const auto& o : a.outliers) {
    const auto& g = a.gpus[static_cast<std::size_t>(o.rank)];
    outliers.push_back({{"family", o.family}, {"model", o.model_label}, {"rank", o.rank}, {"host", g.host},
                        {"bus_id", g.bus_id}, {"serial", g.serial}, {"value", o.value},
                        {"model_median", o.model_median}, {"z", o.z}, {"unit", o.unit}});
  }
  return outliers;
}

// Devices the system declares that capbench did not measure, with their declared figures.
json declared_json(const Analysis& a) {
  json declared = json::array();
  for (const auto& d : a.declared) {
    json figs = json::array();
    for (const auto& f : d.figures)
      figs.push_back({{"precision", f.precision}, {"value_per_device", f.value_base}, {"basis", f.basis},
                      {"source", f.source}, {"as_written", {{"value", f.value}, {"unit", f.unit}}}});
    declared.push_back({{"model", d.model}, {"count", d.count}, {"measurable_by_capbench", d.measurable},
                        {"reason", d.reason}, {"figures", std::move(figs)}, {"note", d.note}});
  }
  return declared;
}

json target_json(const Analysis& a) {
  if (!a.system) return nullptr;
  const auto& t = a.target;
  return {{"value", a.system->target.value_base},
          {"as_written", {{"value", a.system->target.value}, {"unit", a.system->target.unit}}},
          {"precision", t.precision},
          {"basis", t.basis},
          {"unit", t.unit},
          {"source", a.system->target.source},
          {"evaluated", t.evaluated},
          {"reason_not_evaluated", t.reason},
          {"gpus_measured", t.gpus_measured},
          {"gpus_declared_cuda", t.gpus_declared_cuda},
          {"gpus_in_fleet_datasheet_peak", t.gpus_in_fleet_peak},
          {"measured", opt(t.measured)},
          {"projected", opt(t.projected)},
          {"fleet_datasheet_peak", opt(t.fleet_peak)},
          {"peak_of_measured", opt(t.peak_of_measured)},
          {"measured_fraction_of_target", opt(t.measured_fraction)},
          {"projected_fraction_of_target", opt(t.projected_fraction)},
          {"fleet_peak_fraction_of_target", opt(t.fleet_peak_fraction)},
          {"measured_fraction_of_peak", opt(t.measured_of_peak)},
          {"projected_fraction_of_fleet_peak", opt(t.projected_of_fleet_peak)},
          {"notes", t.notes}};
}

json criteria_json(const ReportInputs& in) {
  if (!in.verdict) return nullptr;
  json results = json::array();
  for (const auto& r : in.verdict->results) {
    json fails = json::array();
    for (const auto& f : r.failures)
      fails.push_back({{"rank", f.rank >= 0 ? json(f.rank) : json(nullptr)}, {"host", f.host}, {"bus_id", f.bus_id},
                       {"serial", f.serial}, {"what", f.what}, {"measured", opt(f.measured)},
                       {"threshold", f.threshold}});
    results.push_back({{"id", r.id}, {"kind", r.kind}, {"description", r.description}, {"status", r.status},
                       {"unit", r.unit}, {"measured", opt(r.measured)}, {"threshold", opt(r.threshold)},
                       {"margin", opt(r.margin)}, {"worst_has_no_figure", r.worst_missing}, {"checked", r.checked},
                       {"note", r.note},
                       {"failures", std::move(fails)}});
  }
  return {{"file", in.criteria->file}, {"sha256", in.criteria->sha256}, {"name", in.criteria->name},
          {"accepted", in.verdict->accepted()}, {"passed", in.verdict->passed}, {"failed", in.verdict->failed},
          {"not_evaluated", in.verdict->not_evaluated}, {"results", std::move(results)}};
}

json problems_json(const Analysis& a) {
  json problems = json::array();
  for (const auto& p : a.problems) {
    const auto& g = a.gpus[static_cast<std::size_t>(p.rank)];
    problems.push_back({{"case", p.case_id}, {"rank", p.rank}, {"host", g.host}, {"bus_id", g.bus_id},
                        {"serial", g.serial}, {"status", p.status}, {"verification", p.verification},
                        {"detail", p.detail}});
  }
  return problems;
}

json trace_json(const StatementParts& parts) {
  json trace = json::array();
  for (const auto& item : parts.trace)
    trace.push_back({{"label", item.label}, {"value", item.value}, {"sha256", item.sha256.empty() ? json(nullptr) : json(item.sha256)}});
  return trace;
}
}  // namespace

json render_summary_json(const ReportInputs& in) {
  const Analysis& a = *in.analysis;
  const auto& rf = *a.results;
  json gemm = json::array(), stream = json::array();
  for (const auto& f : a.gemm) gemm.push_back(family_json(f));
  for (const auto& f : a.stream) stream.push_back(family_json(f));
  const auto parts = statement_parts(in);
  json out = {{"schema", kSummarySchema},
          {"generated_at", in.generated_at},
          {"generator", {{"name", "capreport"}, {"version", kVersion}, {"git_commit", kGitCommit}}},
          {"results", {{"file", a.results_path}, {"sha256", a.results_sha256}, {"run_id", rf.run.id},
                       {"run_status", rf.run.status}, {"started_at", rf.run.started_at},
                       {"finished_at", rf.run.finished_at}, {"backend", rf.run.backend}, {"nranks", rf.run.nranks},
                       {"nnodes", rf.run.nnodes},
                       {"tool", {{"version", rf.run.tool_version}, {"git_commit", rf.run.git_commit}}},
                       {"suite", {{"name", rf.suite.name}, {"sha256", rf.suite.sha256}}}}},
          {"system", a.system ? json{{"file", a.system->file}, {"sha256", a.system->sha256}, {"name", a.system->name},
                                     {"note", a.system->note}}
                              : json(nullptr)},
          {"gpu_database", {{"origin", a.db->origin()}, {"sha256", a.db->sha256()}}},
          {"cpu_backend", a.cpu_backend},
          {"gpu_capacity_claimed", !a.cpu_backend},
          {"gemm", std::move(gemm)},
          {"stream", std::move(stream)},
          {"collectives", collectives_json(a)},
          {"outliers", outliers_json(a)},
          {"declared_not_measured", declared_json(a)},
          {"target", target_json(a)},
          {"criteria", criteria_json(in)},
          {"overall", overall_status(in)},
          {"problems", problems_json(a)},
          {"shared_gpus", shared_gpus_json(a)},
          {"statement", render_statement(in)},
          {"statement_quotable", parts.quotable},
          {"traceability", trace_json(parts)}};
  // FP64 for a TOP500 reader and imported external results (reports/render/external_report.cpp).
  if (json external = render_external_summary_json(in); !external.is_null()) out["external"] = std::move(external);
  return out;
}

}  // namespace capbench
