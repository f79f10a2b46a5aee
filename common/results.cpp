#include "common/results.hpp"
#include "common/results_journal.hpp"
#include "common/results_reader.hpp"
#include "common/input_limits.hpp"
#include "common/results_consistency.hpp"
#include "common/utf8.hpp"
#include "common/fabric.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
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
    // A rank that skips with a reason (fp8 on an A100 beside H100s) does not fail the case;
    // one that failed, timed out, went missing or computed a wrong answer does.
    if ((r.status != "ok" && r.status != "skipped") || r.verification.status == "failed") all_good = false;
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
  if (auto s = n.find("samples")) {
    // Millions of samples at scale: check the raw values, and build a node (with its path)
    // only for the one that fails.
    s->expect_array();
    const json& raw = s->raw();
    if (raw.size() > kMaxSamplesPerMetric)
      s->fail(fmt::format("at most {} samples (the limit per metric, docs/reliability.md)", kMaxSamplesPerMetric));
    m.samples.reserve(raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const json& v = raw[i];
      const double x = v.is_number() ? v.get<double>() : -1.0;
      if (!(std::isfinite(x) && x >= 0)) finite_non_negative((*s)[i]);  // throws, naming samples[i]
      m.samples.push_back(x);
    }
  }
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
  n.allow_only({"rank", "status", "error", "verification", "metrics", "telemetry", "info", "wall_s"});
  RankResult r;
  r.rank = static_cast<int>(n.at("rank").as_non_negative_int());
  r.status = n.at("status").as_enum({"ok", "failed", "skipped", "timeout", "missing"});
  if (auto e = n.find("error")) r.error = e->as_string();
  r.verification = verification_from(n.at("verification"));
  for (const auto& m : n.at("metrics").items()) r.metrics.push_back(metric_from(m));
  if (auto t = n.find("telemetry")) r.telemetry = telemetry_from(*t);
  if (auto i = n.find("info")) {
    i->expect_object();
    r.info = i->raw();
    // Version 1 files kept the telemetry inside info.
    if (!r.telemetry && r.info.contains("telemetry") && r.info["telemetry"].is_object()) {
      r.telemetry = telemetry_from(i->at("telemetry"));
      r.info.erase("telemetry");
    }
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
  json j = {{"rank", r.rank},
            {"status", r.status},
            {"error", r.error},
            {"verification", verification_to_json(r.verification)},
            {"metrics", std::move(metrics)},
            {"info", r.info},
            {"wall_s", r.wall_s}};
  if (r.telemetry) j["telemetry"] = telemetry_to_json(*r.telemetry);
  return j;
}

RankResult rank_result_from_json(const json& j, const std::string& file, const std::string& path) {
  return rank_result_from(ConfigNode(&j, std::make_shared<const std::string>(file), path));
}

json case_to_json(const CaseResult& c) {
  json ranks = json::array();
  for (const auto& r : c.ranks) ranks.push_back(rank_result_to_json(r));
  json j = {{"index", c.index},
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
  if (!c.metrics.empty()) {
    json metrics = json::array();
    for (const auto& m : c.metrics) metrics.push_back(metric_to_json(m));
    j["metrics"] = std::move(metrics);
  }
  if (!c.info.empty()) j["info"] = c.info;
  return j;
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
  json doc = {{"schema", r.schema},
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
  if (!r.suite.overrides.is_null()) doc["suite"]["overrides"] = r.suite.overrides;
  if (r.health) doc["health"] = health_to_json(*r.health);
  return doc;
}

namespace {

// A case's fields other than its rank results (cases[i] without "ranks").
CaseResult case_header_from(const ConfigNode& c) {
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
  if (auto ms = c.find("metrics"))
    for (const auto& m : ms->items()) cr.metrics.push_back(metric_from(m));
  if (auto i = c.find("info")) {
    i->expect_object();
    cr.info = i->raw();
    if (auto f = i->find("fabric")) check_fabric_info(*f, cr.benchmark);
  }
  return cr;
}

RunInfo run_info_from(const ConfigNode& run) {
  RunInfo u;
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
  return u;
}

SuiteInfo suite_info_from(const ConfigNode& suite) {
  SuiteInfo out;
  out.name = suite.at("name").as_string();
  out.path = optional_string(suite, "path");
  out.sha256 = suite.at("sha256").as_string();
  if (auto c = suite.find("content")) out.content = c->raw();
  if (auto o = suite.find("overrides")) out.overrides = o->raw();
  return out;
}

// Every rank's identity, each rank once, below nranks, in rank order.
std::vector<RankIdentity> rank_identities_from(const ConfigNode& ranks, int nranks) {
  if (ranks.size() != static_cast<std::size_t>(nranks)) ranks.fail(fmt::format("{} ranks (run.nranks)", nranks));
  std::vector<RankIdentity> out;
  std::vector<bool> seen(static_cast<std::size_t>(nranks), false);
  for (const auto& k : ranks.items()) {
    RankIdentity id;
    const auto rank_node = k.at("rank");
    id.rank = static_cast<int>(rank_node.as_non_negative_int());
    if (id.rank >= nranks) rank_node.fail(fmt::format("a rank below {}", nranks));
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
    out.push_back(std::move(id));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.rank < b.rank; });
  return out;
}

// One case: its header, and its rank results, each rank once and below nranks. `preread`:
// the case's rank results as the parser already read them (taken whole); `apart`: where the
// entries that were not objects stood in the file (ascending), when the parser took them apart
// from the objects, so that error paths name places in the file.
CaseResult case_from(const ConfigNode& c, const std::string& file, int nranks, std::vector<RankResult>* preread,
                     const std::vector<std::size_t>& apart) {
  CaseResult cr = case_header_from(c);
  std::vector<bool> in_case(static_cast<std::size_t>(nranks), false);
  // `path` is called only on an error: half a million paths are not formatted for nothing.
  auto check_rank = [&](const RankResult& rr, const auto& path) {
    if (rr.rank >= nranks) throw ConfigError(file, path() + ".rank", fmt::format("a rank below {}", nranks));
    if (in_case[static_cast<std::size_t>(rr.rank)])
      throw ConfigError(file, path() + ".rank", "a rank not already listed (duplicated rank)");
    in_case[static_cast<std::size_t>(rr.rank)] = true;
  };
  const auto ranks_node = c.at("ranks");
  ranks_node.expect_array();
  if (preread) {
    // Checked in place and taken whole: a large run's rank results are not moved again.
    auto& list = *preread;
    for (std::size_t i = 0; i < list.size(); ++i) {
      check_rank(list[i], [&] {
        std::size_t place = i;  // the i-th object, shifted past the non-objects before it
        for (const std::size_t p : apart)
          if (p <= place) ++place;
        return fmt::format("{}[{}]", ranks_node.path(), place);
      });
    }
    cr.ranks = std::move(list);
    list = {};
  }
  // Whatever the parser left in the document: everything without `preread`, and entries
  // that were not objects (which fail here, naming their place).
  const std::size_t left = ranks_node.size();
  for (std::size_t k = 0; k < left; ++k) {
    const std::string path =
        k < apart.size() ? fmt::format("{}[{}]", ranks_node.path(), apart[k]) : ranks_node[k].path();
    const ConfigNode entry(&ranks_node.raw()[k], std::make_shared<const std::string>(file), path);
    RankResult rr = rank_result_from(entry);
    check_rank(rr, [&] { return path; });
    cr.ranks.push_back(std::move(rr));
  }
  return cr;
}

// The strict reader over a document. `preread`, when given, holds the rank results of each
// case, already read (read_results_file converts them while parsing, so that the document of
// a large run never exists whole); the document's "ranks" arrays of cases then hold only
// the entries that were not objects, whose places in the file `non_objects` gives (by case).
ResultsFile results_from_dom(const json& j, const std::string& file, std::vector<std::vector<RankResult>>* preread,
                             const std::vector<std::vector<std::size_t>>* non_objects = nullptr) {
  ConfigNode root(j, file);
  root.expect_object();
  ResultsFile out;
  const auto schema = root.at("schema");
  out.schema = schema.as_string();
  if (out.schema != kResultsSchema && out.schema != kResultsSchemaV1)
    schema.fail(fmt::format("\"{}\" or \"{}\" (this capbench reads no other results schema)", kResultsSchema,
                            kResultsSchemaV1));
  out.run = run_info_from(root.at("run"));
  out.suite = suite_info_from(root.at("suite"));
  if (auto h = root.find("health")) out.health = health_from(*h);
  out.ranks = rank_identities_from(root.at("ranks"), out.run.nranks);
  static const std::vector<std::size_t> kNone;
  for (const auto& c : root.at("cases").items()) {
    const std::size_t pos = out.cases.size();
    out.cases.push_back(case_from(c, file, out.run.nranks, preread && pos < preread->size() ? &(*preread)[pos] : nullptr,
                                  non_objects && pos < non_objects->size() ? (*non_objects)[pos] : kNone));
  }
  check_results_consistency(out, file);
  return out;
}

// Builds the document as nlohmann's own DOM parser does, except that each object at
// cases[i].ranks[j] is read into a RankResult as soon as it closes and then dropped: peak
// memory is the skeleton, one rank's document and the RankResults, never the whole DOM.
class ResultsSaxReader {
 public:
  explicit ResultsSaxReader(std::shared_ptr<const std::string> file) : file_(std::move(file)) {}

  json root;
  std::vector<std::vector<RankResult>> case_ranks;
  std::vector<std::vector<std::size_t>> non_object_places;  // by case: places of entries that are not objects

  bool null() { return put(nullptr); }
  bool boolean(bool v) { return put(v); }
  bool number_integer(json::number_integer_t v) { return put(v); }
  bool number_unsigned(json::number_unsigned_t v) { return put(v); }
  bool number_float(json::number_float_t v, const std::string&) { return put(v); }
  bool string(json::string_t& v) { return put(std::move(v)); }
  bool binary(json::binary_t& v) { return put(json::binary(std::move(v))); }
  bool start_object(std::size_t) { return open(json::value_t::object); }
  bool start_array(std::size_t) { return open(json::value_t::array); }
  bool key(json::string_t& k) {
    key_ = std::move(k);
    return true;
  }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) {
    // A journal beside the file: capbench was stopped while appending a case.
    const bool journal = ::access(journal_path(*file_).c_str(), F_OK) == 0;
    throw ConfigError(*file_, "",
                      fmt::format("not valid JSON (truncated or corrupt) near byte {}: {}{}", position, e.what(),
                                  journal ? fmt::format("; capbench's journal is beside it (the run was killed while "
                                                        "writing a case): `capreport salvage {} -o NEW.json` recovers "
                                                        "every case finished before",
                                                        *file_)
                                          : std::string()));
  }

 private:
  struct Level {
    json* value;
    std::string name;           // key in the parent object (empty in arrays)
    std::size_t children = 0;   // elements so far, for arrays
    bool rank_result = false;   // the object at cases[i].ranks[j]
  };

  // Where the next value goes: the current object's key, or the end of the current array.
  json* slot(json&& v) {
    Level& top = levels_.back();
    if (at_rank_result()) {  // not an object (those go to open()): kept in the document, its place noted
      const std::size_t c = levels_[1].children - 1;
      if (non_object_places.size() <= c) non_object_places.resize(c + 1);
      non_object_places[c].push_back(top.children);
    }
    if (top.value->is_array()) {
      ++top.children;
      top.value->push_back(std::move(v));
      return &top.value->back();
    }
    json& dst = (*top.value)[key_];
    dst = std::move(v);
    return &dst;
  }

  bool put(json&& v) {
    count_value();
    if (levels_.empty())
      root = std::move(v);
    else
      slot(std::move(v));
    return true;
  }

  bool at_rank_result() const {
    return levels_.size() == 4 && levels_[1].name == "cases" && levels_[1].value->is_array() &&
           levels_[3].name == "ranks" && levels_[3].value->is_array();
  }

  bool open(json::value_t type) {
    if (levels_.size() >= std::size_t(kMaxResultsDepth))
      throw ConfigError(*file_, "",
                        fmt::format("objects and arrays nested more than {} deep, the limit for a results file "
                                    "(docs/reliability.md)",
                                    kMaxResultsDepth));
    count_value();
    Level l{nullptr, levels_.empty() || levels_.back().value->is_array() ? std::string() : key_};
    if (levels_.empty()) {
      root = json(type);
      l.value = &root;
    } else if (type == json::value_t::object && at_rank_result()) {
      rank_case_ = levels_[1].children - 1;
      rank_index_ = levels_[3].children++;
      rank_doc_ = json(type);
      l.value = &rank_doc_;
      l.rank_result = true;
      in_rank_ = true;
      rank_values_ = 1;
    } else {
      l.value = slot(json(type));
    }
    levels_.push_back(std::move(l));
    return true;
  }

  bool close() {
    const bool rank_result = levels_.back().rank_result;
    levels_.pop_back();
    if (rank_result) {
      in_rank_ = false;
      if (case_ranks.size() <= rank_case_) case_ranks.resize(rank_case_ + 1);
      case_ranks[rank_case_].push_back(
          rank_result_from(ConfigNode(&rank_doc_, file_, fmt::format("cases[{}].ranks[{}]", rank_case_, rank_index_))));
      rank_doc_ = json();
    }
    return true;
  }

  // Values held at once: one rank result's document, or the rest of the file (the skeleton).
  void count_value() {
    if (in_rank_) {
      if (++rank_values_ > kMaxRankResultValues)
        throw ConfigError(*file_, fmt::format("cases[{}].ranks[{}]", rank_case_, rank_index_),
                          fmt::format("more than {} values in one rank result, the limit for a results file "
                                      "(docs/reliability.md)",
                                      kMaxRankResultValues));
    } else if (++skeleton_values_ > kMaxResultsOtherValues) {
      throw ConfigError(*file_, "",
                        fmt::format("more than {} values outside the rank results, the limit for a results file "
                                    "(docs/reliability.md)",
                                    kMaxResultsOtherValues));
    }
  }

  bool in_rank_ = false;
  std::size_t rank_values_ = 0, skeleton_values_ = 0;
  std::shared_ptr<const std::string> file_;
  std::vector<Level> levels_;
  std::string key_;
  json rank_doc_;
  std::size_t rank_case_ = 0, rank_index_ = 0;
};

// The file's characters in 1 MiB blocks, as an input iterator for nlohmann's parser: the
// text of a large results file is never held whole.
class FileBlocks {
 public:
  explicit FileBlocks(std::FILE* f) : f_(f), buf_(std::size_t(1) << 20) { refill(); }
  bool at_end() const { return pos_ == len_; }
  char current() const { return buf_[pos_]; }
  void advance() {
    if (++pos_ == len_) refill();
  }
  bool failed() const { return std::ferror(f_) != 0; }

 private:
  void refill() {
    len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
    pos_ = 0;
  }
  std::FILE* f_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, len_ = 0;
};

struct FileBlockIterator {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = char;
  FileBlocks* src = nullptr;  // nullptr: the end
  char operator*() const { return src->current(); }
  FileBlockIterator& operator++() {
    src->advance();
    return *this;
  }
  FileBlockIterator operator++(int) {
    auto old = *this;
    src->advance();
    return old;
  }
  bool done() const { return src == nullptr || src->at_end(); }
  bool operator==(const FileBlockIterator& o) const { return done() == o.done(); }
  bool operator!=(const FileBlockIterator& o) const { return !(*this == o); }
};

}  // namespace

void check_results_file_size(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && static_cast<std::uint64_t>(st.st_size) > kMaxResultsBytes)
    throw ConfigError(path, "",
                      fmt::format("the file is {}, above the limit of {} for a results file (docs/reliability.md)",
                                  describe_bytes(static_cast<std::uint64_t>(st.st_size)),
                                  describe_bytes(kMaxResultsBytes)));
}

ResultsFile results_from_json(const json& j, const std::string& file) { return results_from_dom(j, file, nullptr); }

CaseResult case_header_from_json(const json& c, const std::string& file, const std::string& path) {
  return case_header_from(ConfigNode(&c, std::make_shared<const std::string>(file), path));
}

ResultsFile results_from_skeleton(const json& skeleton, const std::string& file,
                                  std::vector<std::vector<RankResult>>& preread) {
  return results_from_dom(skeleton, file, &preread);
}

// The reference reader: one thread, every byte through nlohmann's SAX parser. read_results_file
// (results_reader.cpp) falls back to it for any file it does not accept itself, so that every
// error it reports is this reader's.
ResultsFile read_results_file_reference(const std::string& path) {
  check_results_file_size(path);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw ConfigError(path, "", "cannot open the results file for reading");
  FileBlocks blocks(f.get());
  if (blocks.at_end()) {
    if (blocks.failed()) throw ConfigError(path, "", "cannot read the results file");
    throw ConfigError(path, "", "the results file is empty");
  }
  ResultsSaxReader reader(std::make_shared<const std::string>(path));
  json::sax_parse(FileBlockIterator{&blocks}, FileBlockIterator{}, &reader);
  if (blocks.failed()) throw ConfigError(path, "", "read error in the results file");
  return results_from_dom(reader.root, path, &reader.case_ranks, &reader.non_object_places);
}

namespace {

// A file written through a temporary in the same directory, flushed to disk, then renamed
// over the target: a reader sees the old file or the new one, never half of one.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp." + std::to_string(::getpid())) {
    fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd_ < 0) throw std::runtime_error(fmt::format("{}: cannot create: {}", tmp_, std::strerror(errno)));
  }
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(tmp_.c_str());
  }
  void write(std::string_view text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t w = ::write(fd_, text.data() + done, text.size() - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(fmt::format("{}: write failed: {}", tmp_, std::strerror(errno)));
      }
      done += static_cast<std::size_t>(w);
    }
  }
  void commit() {
    const bool flushed = ::fsync(fd_) == 0;
    const int err = errno;
    const bool closed = ::close(fd_) == 0;
    fd_ = -1;
    if (!flushed || !closed)
      throw std::runtime_error(fmt::format("{}: cannot flush: {}", tmp_, std::strerror(flushed ? errno : err)));
    if (::rename(tmp_.c_str(), path_.c_str()) != 0)
      throw std::runtime_error(fmt::format("{}: cannot rename into place: {}", path_, std::strerror(errno)));
    committed_ = true;
  }

 private:
  std::string path_, tmp_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace

void write_text_atomic(const std::string& path, const std::string& text) {
  AtomicFile f(path);
  f.write(text);
  f.commit();
}

void write_text_atomic(const std::string& path,
                       const std::function<void(const std::function<void(std::string_view)>&)>& produce) {
  AtomicFile f(path);
  produce([&](std::string_view piece) { f.write(piece); });
  f.commit();
}

namespace {
void dump_layered(const json& j, int depth, std::string& out) {
  constexpr int kExpandedDepth = 4;  // root, cases, a case, its ranks: each rank result on one line
  const bool container = j.is_object() || j.is_array();
  if (!container || j.empty() || depth >= kExpandedDepth) {
    out += json_text(j);
    return;
  }
  const std::string indent(std::size_t(depth + 1), ' ');
  out += j.is_object() ? "{\n" : "[\n";
  bool first = true;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (!first) out += ",\n";
    first = false;
    out += indent;
    if (j.is_object()) {
      out += json_text(json(it.key()));
      out += ": ";
    }
    dump_layered(*it, depth + 1, out);
  }
  out += '\n';
  out.append(std::size_t(depth), ' ');
  out += j.is_object() ? '}' : ']';
}
}  // namespace

std::string dump_results_text(const json& j) {
  std::string out;
  dump_layered(j, 0, out);
  out += '\n';
  return out;
}

void write_json_atomic(const std::string& path, const json& j) { write_text_atomic(path, dump_results_text(j)); }

namespace {

// The text of results_file_text, handed to `sink` in pieces of about a megabyte, so a large
// run's file is written without ever holding its whole text.
void emit_results_text(const ResultsFile& r, const std::function<void(std::string_view)>& sink) {
  if (r.cases.empty()) {
    sink(dump_results_text(results_to_json(r)));
    return;
  }
  // Everything but the cases, through the document: small (identities, suite, run).
  ResultsFile head;
  head.schema = r.schema;
  head.run = r.run;
  head.suite = r.suite;
  head.ranks = r.ranks;
  head.health = r.health;
  json hj = results_to_json(head);
  hj.erase("cases");
  const std::string rest = dump_results_text(hj);  // "{\n \"ranks\": ...}\n"
  // "cases" sorts first among the root's keys, as nlohmann writes them: the same text as
  // dump_results_text(results_to_json(r)), one rank result at a time.
  sink("{\n \"cases\": [\n");
  for (std::size_t ci = 0; ci < r.cases.size(); ++ci) {
    if (ci) sink(",\n");
    emit_case_text(r.cases[ci], sink);
  }
  std::string out = "\n ],\n";
  out.append(rest, 2, std::string::npos);  // the head's members, after its "{\n"
  sink(out);
}

}  // namespace

std::string layered_text(const json& j, int depth) {
  std::string out;
  dump_layered(j, depth, out);
  return out;
}

void emit_case_text(const CaseResult& c, const std::function<void(std::string_view)>& sink) {
  CaseResult shell;
  shell.index = c.index;
  shell.id = c.id;
  shell.benchmark = c.benchmark;
  shell.params = c.params;
  shell.warmup = c.warmup;
  shell.iterations = c.iterations;
  shell.timeout_s = c.timeout_s;
  shell.started_at = c.started_at;
  shell.finished_at = c.finished_at;
  shell.wall_s = c.wall_s;
  shell.status = c.status.empty() ? derive_case_status(c.ranks) : c.status;
  shell.metrics = c.metrics;
  shell.info = c.info;
  const json cj = case_to_json(shell);
  std::string out = "  {\n";
  bool first = true;
  for (auto it = cj.begin(); it != cj.end(); ++it) {
    if (!first) out += ",\n";
    first = false;
    out += "   ";
    out += json_text(json(it.key()));
    out += ": ";
    if (it.key() != "ranks") {
      dump_layered(*it, 3, out);
      continue;
    }
    if (c.ranks.empty()) {
      out += "[]";
      continue;
    }
    out += "[\n";
    for (std::size_t i = 0; i < c.ranks.size(); ++i) {
      if (i) out += ",\n";
      out += "    ";
      out += json_text(rank_result_to_json(c.ranks[i]));
      if (out.size() >= (std::size_t(1) << 20)) {
        sink(out);
        out.clear();
      }
    }
    out += "\n   ]";
  }
  out += "\n  }";
  sink(out);
}

std::string results_file_text(const ResultsFile& r) {
  std::string text;
  emit_results_text(r, [&](std::string_view piece) { text.append(piece); });
  return text;
}

void write_results_file_atomic(const std::string& path, const ResultsFile& r) {
  AtomicFile f(path);
  emit_results_text(r, [&](std::string_view piece) { f.write(piece); });
  f.commit();
}

}  // namespace capbench
