#include "reports/render/storage_report.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "reports/render/text_escape.hpp"

namespace capbench {

namespace {

std::string si(double v, const std::string& unit) {
  const char* prefixes[] = {"", "k", "M", "G", "T", "P", "E"};
  int p = 0;
  while (std::fabs(v) >= 1000 && p < 6) {
    v /= 1000;
    ++p;
  }
  return fmt::format("{:.3g} {}{}", v, prefixes[p], unit);
}

std::string opt(const std::optional<double>& v, const std::string& unit) { return v ? si(*v, unit) : "—"; }

const Metric* case_metric(const ReportCase& c, const std::string& name) {
  for (const auto& m : c.metrics)
    if (m.name == name) return &m;
  return nullptr;
}

std::string phase_of(const ReportCase& c) {
  const auto pos = c.id.find("storage/");
  return pos == std::string::npos ? c.id : c.id.substr(pos + 8);
}

std::string first_problem(const ReportCase& c) {
  for (const auto& r : c.ranks)
    if (r.status != "ok" && !r.error.empty()) return fmt::format("rank {}: {}", r.rank, r.error);
  for (const auto& r : c.ranks)
    if (r.info.contains("figures_withheld")) return r.info["figures_withheld"].get<std::string>();
  return {};
}

double geomean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += std::log(x);
  return std::exp(s / double(v.size()));
}

void io500_style(StorageFigures* f) {
  auto find = [&](const std::string& phase) -> const StoragePhaseFigure* {
    for (const auto& p : f->phases)
      if (p.group.empty() && p.phase == phase && p.aggregate && *p.aggregate > 0) return &p;
    return nullptr;
  };
  std::vector<double> bw, md;
  std::vector<std::string> missing;
  for (const char* ph : {"easy_write", "easy_read", "hard_write/posix", "hard_read/posix"}) {
    if (const auto* p = find(ph)) bw.push_back(*p->aggregate / 1073741824.0);
    else missing.push_back(ph);
  }
  std::vector<std::string> md_used;
  for (const char* mode : {"private", "shared"}) {
    std::vector<double> rates;
    for (const char* op : {"create", "stat", "read", "delete"})
      if (const auto* p = find(fmt::format("md_{}/{}", op, mode))) rates.push_back(*p->aggregate / 1000.0);
    if (rates.size() == 4) {
      md.insert(md.end(), rates.begin(), rates.end());
      md_used.push_back(mode);
    }
  }
  if (md.empty()) missing.push_back("all four metadata phases of one directory mode");
  if (!missing.empty()) {
    f->io500_basis = "not computed: no verified figure for " + fmt::format("{}", fmt::join(missing, ", "));
    return;
  }
  f->io500_bw_gib_s = geomean(bw);
  f->io500_md_kiops = geomean(md);
  f->io500_score = std::sqrt(*f->io500_bw_gib_s * *f->io500_md_kiops);
  f->io500_basis = fmt::format(
      "IO500-style, not an IO500 submission: geometric mean of easy/hard write/read in GiB/s, geometric mean of the "
      "metadata rates ({} directory) in kIOPS, and the square root of their product; phases, sizes and rules are "
      "capbench's, not IO500's (no find phase, no 300 s minimum)",
      fmt::join(md_used, " and "));
}

std::string capacity_line(const StorageCapacityObserved& c) {
  return fmt::format("{} ({}): usable {} as the file system reports it (statvfs total), {} available to users, {} "
                     "free; {:.0f} inodes, {:.0f} free",
                     c.path, c.fs_type, si(c.total_bytes, "B"), si(c.available_bytes, "B"), si(c.free_bytes, "B"),
                     c.total_inodes, c.free_inodes);
}

// The declared capacity beside the observed one, in words; raw is never compared as usable.
std::string declared_line(const StorageDeclared& d, const StorageFigures& f) {
  std::string s = fmt::format("{}{}: declared {:g} {} ({} capacity{})", d.name, d.path.empty() ? "" : " at " + d.path,
                              d.value, d.unit, d.basis, d.basis_assumed ? "; the basis is an assumption" : "");
  const StorageCapacityObserved* obs = nullptr;
  for (const auto& c : f.capacity)
    if (d.path.empty() || c.path == d.path || c.path.rfind(d.path, 0) == 0) obs = obs ? obs : &c;
  if (!obs) return s + "; no capacity of that path was observed in this run";
  s += fmt::format("; observed usable {} at {}", si(obs->total_bytes, "B"), obs->path);
  if (d.basis == "usable")
    s += fmt::format(", {:.1f} % of the declared usable capacity", 100.0 * obs->total_bytes / d.value_bytes);
  else
    s += "; a raw capacity includes redundancy and formatting overhead, so it is not compared with the usable "
         "capacity observed";
  return s;
}

}  // namespace

bool has_storage(const ReportResults& rf) {
  for (const auto& c : rf.cases)
    if (c.benchmark == "storage") return true;
  return false;
}

StorageFigures analyze_storage(const ReportResults& rf) {
  StorageFigures f;
  f.nodes = std::max(1, rf.run.nnodes);
  for (const auto& c : rf.cases) {
    if (c.benchmark != "storage") continue;
    const std::string group = c.params.value("group", std::string());
    if (c.params.value("phase", std::string()) == "capacity") {
      for (const auto& r : c.ranks) {
        if (r.status != "ok" || !r.info.contains("capacity")) continue;
        const auto& j = r.info["capacity"];
        StorageCapacityObserved o;
        o.group = group;
        o.path = j.value("path", std::string());
        o.fs_type = j.value("fs_type", std::string());
        o.host = r.info.value("host", std::string());
        o.total_bytes = j.value("total_bytes", 0.0);
        o.available_bytes = j.value("available_bytes", 0.0);
        o.free_bytes = j.value("free_bytes", 0.0);
        o.total_inodes = j.value("total_inodes", 0.0);
        o.free_inodes = j.value("free_inodes", 0.0);
        f.capacity.push_back(std::move(o));
        break;  // rank 0's view; every rank's is in the results file
      }
      continue;
    }
    StoragePhaseFigure p;
    p.case_id = c.id;
    p.group = group;
    p.phase = phase_of(c);
    p.status = c.status;
    p.params = c.params;
    const bool md = c.params.value("phase", std::string()) == "metadata";
    p.unit = md ? "OP/s" : "B/s";
    if (c.status == "passed") {
      if (const Metric* m = case_metric(c, md ? "rate" : "bandwidth")) {
        p.aggregate = m->stats.median;
        p.per_node = m->stats.median / f.nodes;
      }
      if (const Metric* m = case_metric(c, md ? "rank_rate" : "rank_bandwidth")) {
        p.rank_min = m->stats.min;
        p.rank_median = m->stats.median;
      }
      if (const Metric* m = case_metric(c, "stonewall_bandwidth")) p.stonewall = m->stats.median;
    }
    p.note = first_problem(c);
    if (p.note.empty() && !c.ranks.empty() && c.ranks.front().info.contains("read_may_be_cached"))
      p.note = c.ranks.front().info["read_may_be_cached"].get<std::string>();
    f.phases.push_back(std::move(p));
  }
  io500_style(&f);
  return f;
}

std::string render_storage_markdown(const Analysis& a) {
  if (!a.results || !has_storage(*a.results)) return {};
  const auto f = analyze_storage(*a.results);
  std::string o = "## Storage\n\nIOR-style bandwidth (aggregate: every rank's bytes over the slowest rank's time, "
                  "median over repetitions) and mdtest-style metadata rates; every byte read was checked against its "
                  "pattern. Storage figures are kept apart from compute.\n\n";
  for (const auto& c : f.capacity) o += "- Capacity: " + md_escape(capacity_line(c)) + "\n";
  if (a.system)
    for (const auto& d : a.system->storage) o += "- Declared: " + md_escape(declared_line(d, f)) + "\n";
  o += fmt::format("\n| phase | status | aggregate | per node ({} nodes) | rank min | rank median | stonewall | note "
                   "|\n|---|---|---|---|---|---|---|---|\n",
                   f.nodes);
  for (const auto& p : f.phases)
    o += fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} |\n", md_escape(p.case_id), p.status,
                     opt(p.aggregate, p.unit), opt(p.per_node, p.unit), opt(p.rank_min, p.unit),
                     opt(p.rank_median, p.unit), opt(p.stonewall, p.unit), md_escape(p.note));
  if (f.io500_score)
    o += fmt::format("\n**IO500-style score {:.3g}** (bandwidth {:.3g} GiB/s, metadata {:.3g} kIOPS). {}.\n",
                     *f.io500_score, *f.io500_bw_gib_s, *f.io500_md_kiops, md_escape(f.io500_basis));
  else
    o += "\nIO500-style score (not an IO500 submission): " + md_escape(f.io500_basis) + ".\n";
  return o + "\n";
}

std::string render_storage_html(const Analysis& a) {
  if (!a.results || !has_storage(*a.results)) return {};
  const auto f = analyze_storage(*a.results);
  std::string o = "<h2 id=\"storage\">Storage</h2><p class=\"note\">IOR-style bandwidth (aggregate: every rank's "
                  "bytes over the slowest rank's time, median over repetitions) and mdtest-style metadata rates; "
                  "every byte read was checked against its pattern. Storage figures are kept apart from "
                  "compute.</p><ul id=\"storage-capacity\">";
  for (const auto& c : f.capacity) o += "<li>Capacity: " + html_escape(capacity_line(c)) + "</li>";
  if (a.system)
    for (const auto& d : a.system->storage) o += "<li>Declared: " + html_escape(declared_line(d, f)) + "</li>";
  o += fmt::format("</ul><table id=\"storage-phases\"><tr><th>phase</th><th>status</th><th>aggregate</th><th>per node "
                   "({} nodes)</th><th>rank min</th><th>rank median</th><th>stonewall</th><th>note</th></tr>",
                   f.nodes);
  for (const auto& p : f.phases)
    o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                     html_escape(p.case_id), html_escape(p.status), opt(p.aggregate, p.unit), opt(p.per_node, p.unit),
                     opt(p.rank_min, p.unit), opt(p.rank_median, p.unit), opt(p.stonewall, p.unit),
                     html_escape(p.note));
  o += "</table>";
  if (f.io500_score)
    o += fmt::format("<p id=\"storage-io500\"><b>IO500-style score {:.3g}</b> (bandwidth {:.3g} GiB/s, metadata {:.3g} "
                     "kIOPS). {}.</p>",
                     *f.io500_score, *f.io500_bw_gib_s, *f.io500_md_kiops, html_escape(f.io500_basis));
  else
    o += "<p id=\"storage-io500\">IO500-style score (not an IO500 submission): " + html_escape(f.io500_basis) + ".</p>";
  return o;
}

std::string storage_statement(const Analysis& a) {
  if (!a.results || !has_storage(*a.results)) return {};
  const auto f = analyze_storage(*a.results);
  std::string s = " Storage, apart from compute:";
  for (const auto& c : f.capacity)
    s += fmt::format(" at {} ({}) the file system reports {} usable and {} available;", c.path, c.fs_type,
                     si(c.total_bytes, "B"), si(c.available_bytes, "B"));
  if (a.system)
    for (const auto& d : a.system->storage)
      s += fmt::format(" {} declares {:g} {} of {} capacity{};", d.name, d.value, d.unit, d.basis,
                       d.basis_assumed ? " (basis assumed)" : "");
  std::vector<std::string> bw;
  for (const auto& p : f.phases)
    if (p.aggregate && p.group.empty() && p.unit == "B/s") bw.push_back(fmt::format("{} {}", p.phase, si(*p.aggregate, "B/s")));
  s += bw.empty() ? " no verified storage bandwidth." : fmt::format(" measured aggregate {}.", fmt::join(bw, ", "));
  return s;
}

void evaluate_storage_criteria(const std::vector<StorageCriterion>& criteria, const Analysis& a, Verdict* v) {
  const StorageFigures f = a.results ? analyze_storage(*a.results) : StorageFigures{};
  for (const auto& c : criteria) {
    CriterionResult r;
    r.id = c.id;
    r.kind = "storage_" + c.kind;
    r.threshold = c.min;
    if (c.kind == "capacity") {
      r.unit = "B";
      r.description = fmt::format("usable capacity (statvfs total of each storage path) at least {}", si(c.min, "B"));
      for (const auto& o : f.capacity) {
        ++r.checked;
        if (!r.measured || o.total_bytes < *r.measured) r.measured = o.total_bytes;
        if (o.total_bytes < c.min) {
          CriterionFailure fl;
          fl.host = o.host;
          fl.what = fmt::format("{} reports {} usable", o.path, si(o.total_bytes, "B"));
          fl.measured = o.total_bytes;
          fl.threshold = c.min;
          r.failures.push_back(std::move(fl));
        }
      }
    } else {
      r.unit = c.kind == "bandwidth" ? "B/s" : "OP/s";
      r.description = fmt::format("storage {} aggregate at least {}", c.phase, si(c.min, r.unit));
      for (const auto& p : f.phases) {
        if (p.phase != c.phase) continue;
        ++r.checked;
        if (!p.aggregate) {
          CriterionFailure fl;
          fl.what = fmt::format("{}: no verified figure ({}){}", p.case_id, p.status, p.note.empty() ? "" : ": " + p.note);
          fl.threshold = c.min;
          r.failures.push_back(std::move(fl));
          r.worst_missing = true;
          continue;
        }
        if (!r.measured || *p.aggregate < *r.measured) r.measured = *p.aggregate;
        if (*p.aggregate < c.min) {
          CriterionFailure fl;
          fl.what = fmt::format("{}: {}", p.case_id, si(*p.aggregate, r.unit));
          fl.measured = *p.aggregate;
          fl.threshold = c.min;
          r.failures.push_back(std::move(fl));
        }
      }
    }
    if (r.measured && c.min > 0) r.margin = (*r.measured - c.min) / c.min;
    r.status = r.checked == 0 ? "NOT_EVALUATED" : r.failures.empty() ? "PASS" : "FAIL";
    if (r.checked == 0) r.note = "nothing in the results file matched this criterion";
    v->results.push_back(std::move(r));
  }
}

}  // namespace capbench
