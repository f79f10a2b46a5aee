// Importing external tools' output files, and the "capbench.imported/1" file that holds them.
#include "reports/input/external_import.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/sha256.hpp"

namespace capbench {

namespace {

// An output file larger than this is not one of these tools' result files.
constexpr std::uintmax_t kMaxSourceBytes = std::uintmax_t(64) << 20;

std::string read_source(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw ConfigError(path, "", "cannot read the file: " + ec.message());
  if (size > kMaxSourceBytes) throw ConfigError(path, "", fmt::format("{} bytes: larger than any tool's result file (64 MiB)", size));
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  if (!in && !in.eof()) throw ConfigError(path, "", "cannot read the file");
  return ss.str();
}

json optional_number(const std::optional<double>& v) {
  if (!v) return nullptr;
  return std::isfinite(*v) ? json(*v) : json("inf");
}

std::optional<double> read_optional_number(const ConfigNode& n) {
  if (n.raw().is_null()) return std::nullopt;
  if (n.raw().is_string()) {
    n.as_enum({"inf"});
    return INFINITY;
  }
  return n.as_number();
}

}  // namespace

std::vector<ExternalResult> import_external_file(const std::string& path, const std::string& tool,
                                                 const std::string& imported_at) {
  const std::string text = read_source(path);
  std::string which = tool;
  if (which == "auto") {
    which = detect_external_tool(text);
    if (which.empty())
      throw ConfigError(path, "", "not the output of a known tool (HPL, HPL-MxP, HPCG, nccl-tests JSON, IOR JSON, "
                                  "IO500); name it with --tool");
  }
  std::vector<ExternalResult> results;
  try {
    results = parse_external_text(which, text, path);
  } catch (const ConfigError&) {
    throw;
  } catch (const std::exception& e) {  // a number out of range, a JSON value of the wrong type
    throw ConfigError(path, "", fmt::format("not readable as {} output: {}", which, e.what()));
  }
  const std::string sha = sha256_hex(text);
  for (std::size_t i = 0; i < results.size(); ++i) {
    auto& r = results[i];
    r.source_path = path;
    r.source_sha256 = sha;
    r.source_bytes = std::int64_t(text.size());
    r.index_in_source = int(i);
    r.imported_at = imported_at;
  }
  return results;
}

json external_result_to_json(const ExternalResult& r) {
  json figures = json::array(), checks = json::array();
  for (const auto& f : r.figures) figures.push_back({{"name", f.name}, {"unit", f.unit}, {"value", f.value}, {"labels", f.labels}});
  for (const auto& c : r.checks)
    checks.push_back({{"name", c.name}, {"status", c.status}, {"value", optional_number(c.value)},
                      {"threshold", optional_number(c.threshold)}, {"text", c.text}});
  return {{"tool", r.tool},
          {"tool_name", r.tool_name},
          {"tool_version", r.tool_version},
          {"source", {{"path", r.source_path}, {"sha256", r.source_sha256}, {"bytes", r.source_bytes},
                      {"index", r.index_in_source}}},
          {"imported_at", r.imported_at},
          {"basis", r.basis},
          {"status", r.status},
          {"detail", r.detail},
          {"parameters", r.parameters},
          {"figures", figures},
          {"checks", checks}};
}

json imported_to_json(const ImportedSet& s) {
  json results = json::array();
  for (const auto& r : s.results) results.push_back(external_result_to_json(r));
  return {{"schema", kImportedSchema}, {"results", results}};
}

ImportedSet imported_from_json(const json& j, const std::string& file) {
  const ConfigNode root(j, file);
  root.allow_only({"schema", "results"});
  if (root.at("schema").as_string() != kImportedSchema)
    root.at("schema").fail(fmt::format("\"{}\"", kImportedSchema));
  ImportedSet s;
  s.file = file;
  for (const auto& n : root.at("results").items()) {
    n.allow_only({"tool", "tool_name", "tool_version", "source", "imported_at", "basis", "status", "detail",
                  "parameters", "figures", "checks"});
    ExternalResult r;
    r.tool = n.at("tool").as_string();
    if (std::find(external_tools().begin(), external_tools().end(), r.tool) == external_tools().end())
      n.at("tool").fail("one of hpl, hpl-mxp, hpcg, nccl-tests, ior, io500");
    r.tool_name = n.at("tool_name").as_string();
    r.tool_version = n.at("tool_version").as_string();
    const auto src = n.at("source");
    src.allow_only({"path", "sha256", "bytes", "index"});
    r.source_path = src.at("path").as_string();
    r.source_sha256 = src.at("sha256").as_string();
    if (r.source_sha256.size() != 64) src.at("sha256").fail("a SHA-256 of 64 hex digits");
    r.source_bytes = src.at("bytes").as_non_negative_int();
    r.index_in_source = int(src.at("index").as_non_negative_int());
    r.imported_at = n.at("imported_at").as_string();
    r.basis = n.at("basis").as_string();
    if (r.basis != kExternalBasis) n.at("basis").fail(fmt::format("\"{}\"", kExternalBasis));
    r.status = n.at("status").as_enum({"passed", "failed", "unchecked"});
    r.detail = n.at("detail").as_string();
    n.at("parameters").expect_object();
    r.parameters = n.at("parameters").raw();
    for (const auto& f : n.at("figures").items()) {
      f.allow_only({"name", "unit", "value", "labels"});
      ExternalFigure fig;
      fig.name = f.at("name").as_string();
      fig.unit = f.at("unit").as_enum({"FLOP/s", "B/s", "op/s", "score"});
      fig.value = f.at("value").as_non_negative_number();
      if (!std::isfinite(fig.value)) f.at("value").fail("a finite number");
      f.at("labels").expect_object();
      fig.labels = f.at("labels").raw();
      r.figures.push_back(std::move(fig));
    }
    if (r.status == "failed" && !r.figures.empty())
      n.at("figures").fail("no figures: a result whose own check failed is never a figure");
    for (const auto& c : n.at("checks").items()) {
      c.allow_only({"name", "status", "value", "threshold", "text"});
      ExternalCheck ch;
      ch.name = c.at("name").as_string();
      ch.status = c.at("status").as_enum({"passed", "failed"});
      ch.value = read_optional_number(c.at("value"));
      ch.threshold = read_optional_number(c.at("threshold"));
      ch.text = c.at("text").as_string();
      if (ch.status == "failed" && r.status != "failed") n.at("status").fail("\"failed\": one of its checks failed");
      r.checks.push_back(std::move(ch));
    }
    s.results.push_back(std::move(r));
  }
  return s;
}

ImportedSet read_imported_file(const std::string& path) { return imported_from_json(load_jsonc_file(path), path); }

}  // namespace capbench
