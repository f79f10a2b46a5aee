#include "common/results.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

namespace capbench {

std::string derive_case_status(const std::vector<RankResult>& ranks) {
  if (ranks.empty()) return "failed";
  bool all_skipped = true, all_good = true;
  for (const auto& r : ranks) {
    if (r.status != "skipped") all_skipped = false;
    if (r.status != "ok" || r.verification.status == "failed") all_good = false;
  }
  if (all_skipped) return "skipped";
  return all_good ? "passed" : "failed";
}

namespace {

json stats_to_json(const Summary& s) {
  return {{"n", s.n},       {"median", s.median}, {"mean", s.mean}, {"stddev", s.stddev}, {"min", s.min},
          {"max", s.max},   {"mad", s.mad},       {"p05", s.p05},   {"p95", s.p95}};
}

json verification_to_json(const Verification& v) {
  return {{"status", v.status},       {"method", v.method},       {"detail", v.detail},
          {"max_error", v.max_error}, {"tolerance", v.tolerance}, {"mismatches", v.mismatches}};
}

json device_to_json(const DeviceIdentity& d) {
  return {{"kind", d.kind}, {"name", d.name}, {"pci_bus_id", d.pci_bus_id}, {"pci_device_id", d.pci_device_id},
          {"uuid", d.uuid}, {"serial", d.serial}, {"details", d.details}};
}

// --- strict reading -------------------------------------------------------------------

double finite_non_negative(const ConfigNode& n) {
  const double v = n.as_number();
  if (v < 0) n.fail("a finite number >= 0");
  return v;
}

Summary stats_from(const ConfigNode& n) {
  n.expect_object();
  Summary s;
  s.n = static_cast<std::size_t>(n.at("n").as_non_negative_int());
  s.median = finite_non_negative(n.at("median"));
  s.mean = finite_non_negative(n.at("mean"));
  s.stddev = finite_non_negative(n.at("stddev"));
  s.min = finite_non_negative(n.at("min"));
  s.max = finite_non_negative(n.at("max"));
  s.mad = finite_non_negative(n.at("mad"));
  s.p05 = finite_non_negative(n.at("p05"));
  s.p95 = finite_non_negative(n.at("p95"));
  if (s.min > s.max) n.at("min").fail("min <= max");
  return s;
}

Metric metric_from(const ConfigNode& n) {
  n.allow_only({"name", "unit", "labels", "samples", "stats"});
  Metric m;
  m.name = n.at("name").as_string();
  m.unit = n.at("unit").as_enum({"FLOP/s", "OP/s", "B/s", "s", "1"});
  if (auto l = n.find("labels")) {
    l->expect_object();
    m.labels = l->raw();
  }
  if (auto s = n.find("samples"))
    for (const auto& v : s->items()) m.samples.push_back(finite_non_negative(v));
  m.stats = stats_from(n.at("stats"));
  return m;
}

Verification verification_from(const ConfigNode& n) {
  n.allow_only({"status", "method", "detail", "max_error", "tolerance", "mismatches"});
  Verification v;
  v.status = n.at("status").as_enum({"passed", "failed", "not_run"});
  if (auto x = n.find("method")) v.method = x->as_string();
  if (auto x = n.find("detail")) v.detail = x->as_string();
  if (auto x = n.find("max_error")) v.max_error = x->raw().is_null() ? INFINITY : finite_non_negative(*x);
  if (auto x = n.find("tolerance")) v.tolerance = finite_non_negative(*x);
  if (auto x = n.find("mismatches")) v.mismatches = x->as_non_negative_int();
  return v;
}

RankResult rank_result_from(const ConfigNode& n) {
  n.allow_only({"rank", "status", "error", "verification", "metrics", "info", "wall_s"});
  RankResult r;
  r.rank = static_cast<int>(n.at("rank").as_non_negative_int());
  r.status = n.at("status").as_enum({"ok", "failed", "skipped", "timeout", "missing"});
  if (auto e = n.find("error")) r.error = e->as_string();
  r.verification = verification_from(n.at("verification"));
  for (const auto& m : n.at("metrics").items()) r.metrics.push_back(metric_from(m));
  if (auto i = n.find("info")) {
    i->expect_object();
    r.info = i->raw();
  }
  if (auto w = n.find("wall_s")) r.wall_s = finite_non_negative(*w);
  return r;
}

std::string optional_string(const ConfigNode& n, std::string_view key) {
  auto v = n.find(key);
  return v ? v->as_string() : std::string();
}

}  // namespace

json metric_to_json(const Metric& m) {
  return {{"name", m.name}, {"unit", m.unit}, {"labels", m.labels}, {"samples", m.samples},
          {"stats", stats_to_json(m.stats)}};
}

json rank_result_to_json(const RankResult& r) {
  json metrics = json::array();
  for (const auto& m : r.metrics) metrics.push_back(metric_to_json(m));
  return {{"rank", r.rank},
          {"status", r.status},
          {"error", r.error},
          {"verification", verification_to_json(r.verification)},
          {"metrics", std::move(metrics)},
          {"info", r.info},
          {"wall_s", r.wall_s}};
}

RankResult rank_result_from_json(const json& j, const std::string& file, const std::string& path) {
  return rank_result_from(ConfigNode(&j, std::make_shared<const std::string>(file), path));
}

json case_to_json(const CaseResult& c) {
  json ranks = json::array();
  for (const auto& r : c.ranks) ranks.push_back(rank_result_to_json(r));
  return {{"index", c.index},
          {"id", c.id},
          {"benchmark", c.benchmark},
          {"params", c.params},
          {"warmup", c.warmup},
          {"iterations", c.iterations},
          {"timeout_s", c.timeout_s},
          {"started_at", c.started_at},
          {"finished_at", c.finished_at},
          {"wall_s", c.wall_s},
          {"status", c.status.empty() ? derive_case_status(c.ranks) : c.status},
          {"ranks", std::move(ranks)}};
}

json results_to_json(const ResultsFile& r) {
  json ranks = json::array();
  for (const auto& k : r.ranks)
    ranks.push_back({{"rank", k.rank},
                     {"local_rank", k.local_rank},
                     {"node_index", k.node_index},
                     {"host", k.host},
                     {"device", device_to_json(k.device)}});
  json cases = json::array();
  for (const auto& c : r.cases) cases.push_back(case_to_json(c));
  const auto& u = r.run;
  return {{"schema", r.schema},
          {"run",
           {{"id", u.id},
            {"started_at", u.started_at},
            {"finished_at", u.finished_at},
            {"status", u.status},
            {"status_reason", u.status_reason},
            {"tool", {{"name", u.tool_name}, {"version", u.tool_version}, {"git_commit", u.git_commit}}},
            {"command_line", u.command_line},
            {"backend", u.backend},
            {"nranks", u.nranks},
            {"nnodes", u.nnodes},
            {"mpi_library", u.mpi_library},
            {"environment", u.environment}}},
          {"suite", {{"name", r.suite.name}, {"path", r.suite.path}, {"sha256", r.suite.sha256},
                     {"content", r.suite.content}}},
          {"ranks", std::move(ranks)},
          {"cases", std::move(cases)}};
}

ResultsFile results_from_json(const json& j, const std::string& file) {
  ConfigNode root(j, file);
  root.expect_object();
  ResultsFile out;
  const auto schema = root.at("schema");
  out.schema = schema.as_string();
  if (out.schema != kResultsSchema)
    schema.fail(fmt::format("\"{}\" (this capbench reads no other results schema)", kResultsSchema));

  const auto run = root.at("run");
  auto& u = out.run;
  u.id = run.at("id").as_string();
  u.started_at = run.at("started_at").as_string();
  u.finished_at = optional_string(run, "finished_at");
  u.status = run.at("status").as_enum({"running", "complete", "incomplete"});
  u.status_reason = optional_string(run, "status_reason");
  const auto tool = run.at("tool");
  u.tool_name = tool.at("name").as_string();
  u.tool_version = tool.at("version").as_string();
  u.git_commit = tool.at("git_commit").as_string();
  if (auto cl = run.find("command_line"))
    for (const auto& a : cl->items()) u.command_line.push_back(a.as_string());
  u.backend = run.at("backend").as_enum({"cpu", "cuda"});
  u.nranks = static_cast<int>(run.at("nranks").as_positive_int());
  u.nnodes = static_cast<int>(run.at("nnodes").as_positive_int());
  u.mpi_library = optional_string(run, "mpi_library");
  if (auto e = run.find("environment")) {
    e->expect_object();
    u.environment = e->raw();
  }

  const auto suite = root.at("suite");
  out.suite.name = suite.at("name").as_string();
  out.suite.path = optional_string(suite, "path");
  out.suite.sha256 = suite.at("sha256").as_string();
  if (auto c = suite.find("content")) out.suite.content = c->raw();

  const auto ranks = root.at("ranks");
  if (ranks.size() != static_cast<std::size_t>(u.nranks))
    ranks.fail(fmt::format("{} ranks (run.nranks)", u.nranks));
  std::vector<bool> seen(static_cast<std::size_t>(u.nranks), false);
  for (const auto& k : ranks.items()) {
    RankIdentity id;
    const auto rank_node = k.at("rank");
    id.rank = static_cast<int>(rank_node.as_non_negative_int());
    if (id.rank >= u.nranks) rank_node.fail(fmt::format("a rank below {}", u.nranks));
    if (seen[static_cast<std::size_t>(id.rank)]) rank_node.fail("a rank not already listed (duplicated rank)");
    seen[static_cast<std::size_t>(id.rank)] = true;
    id.local_rank = static_cast<int>(k.at("local_rank").as_non_negative_int());
    id.node_index = static_cast<int>(k.at("node_index").as_non_negative_int());
    id.host = k.at("host").as_string();
    const auto d = k.at("device");
    id.device.kind = d.at("kind").as_enum({"cpu", "cuda"});
    id.device.name = d.at("name").as_string();
    id.device.pci_bus_id = optional_string(d, "pci_bus_id");
    id.device.pci_device_id = optional_string(d, "pci_device_id");
    id.device.uuid = optional_string(d, "uuid");
    id.device.serial = optional_string(d, "serial");
    if (auto det = d.find("details")) id.device.details = det->raw();
    out.ranks.push_back(std::move(id));
  }
  std::sort(out.ranks.begin(), out.ranks.end(), [](const auto& a, const auto& b) { return a.rank < b.rank; });

  for (const auto& c : root.at("cases").items()) {
    CaseResult cr;
    cr.index = static_cast<int>(c.at("index").as_non_negative_int());
    cr.id = c.at("id").as_string();
    cr.benchmark = c.at("benchmark").as_string();
    cr.params = c.at("params").raw();
    cr.warmup = static_cast<int>(c.at("warmup").as_non_negative_int());
    cr.iterations = static_cast<int>(c.at("iterations").as_non_negative_int());
    cr.timeout_s = finite_non_negative(c.at("timeout_s"));
    cr.started_at = c.at("started_at").as_string();
    cr.finished_at = optional_string(c, "finished_at");
    cr.wall_s = finite_non_negative(c.at("wall_s"));
    cr.status = c.at("status").as_enum({"passed", "failed", "skipped"});
    std::vector<bool> in_case(static_cast<std::size_t>(u.nranks), false);
    for (const auto& r : c.at("ranks").items()) {
      auto rr = rank_result_from(r);
      if (rr.rank >= u.nranks) r.at("rank").fail(fmt::format("a rank below {}", u.nranks));
      if (in_case[static_cast<std::size_t>(rr.rank)]) r.at("rank").fail("a rank not already listed (duplicated rank)");
      in_case[static_cast<std::size_t>(rr.rank)] = true;
      cr.ranks.push_back(std::move(rr));
    }
    out.cases.push_back(std::move(cr));
  }
  return out;
}

ResultsFile read_results_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path, "", "cannot open the results file for reading");
  std::ostringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (text.empty()) throw ConfigError(path, "", "the results file is empty");
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw ConfigError(path, "",
                      fmt::format("not valid JSON (truncated or corrupt) near byte {}: {}", e.byte, e.what()));
  }
  return results_from_json(j, path);
}

void write_text_atomic(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(fmt::format("{}: cannot create: {}", tmp, std::strerror(errno)));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t w = ::write(fd, text.data() + done, text.size() - done);
    if (w < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      throw std::runtime_error(fmt::format("{}: write failed: {}", tmp, std::strerror(err)));
    }
    done += static_cast<std::size_t>(w);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(fmt::format("{}: cannot flush: {}", tmp, std::strerror(err)));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(fmt::format("{}: cannot rename into place: {}", path, std::strerror(err)));
  }
}

void write_json_atomic(const std::string& path, const json& j) { write_text_atomic(path, j.dump(1) + "\n"); }

}  // namespace capbench
