// The output formats of the external tools capreport imports, one parser each. The formats are
// those the tools document and print (the test tests/reports/input/external_import_test.cpp says
// where each is documented); the parsers read only the lines and keys named here and ignore
// the rest, so a tool's extra columns or keys do not break them.
#include <cmath>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "reports/input/external_import.hpp"

namespace capbench {

namespace {

[[noreturn]] void not_this_format(const std::string& file, const std::string& tool, const std::string& why) {
  throw ConfigError(file, "", fmt::format("not {} output: {}", tool, why));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

double number(const std::string& s) { return std::stod(s); }

// ---- HPL and HPL-MxP ------------------------------------------------------------------------
// netlib HPL (HPL_pdtest.c) prints, per test, a result line under the header
//   T/V  N  NB  P  Q  Time  Gflops
// whose T/V starts with W (wall time), then R or C (process mapping), e.g.
//   WR11C2R4   29184   192   2   2   98.69   1.6792e+02
// followed by the residual line
//   ||Ax-b||_oo/(eps*(||A||_oo*||x||_oo+||b||_oo)*N)=   3.5e-03 ...... PASSED
// (or FAILED). The threshold is stated in the header ("... less than 16.0"). NVIDIA's
// HPC-Benchmarks (HPL-NVIDIA, HPL-MxP-NVIDIA) print the same lines, sometimes with more
// columns after Gflops.
std::vector<ExternalResult> parse_hpl(const std::string& tool, const std::string& text, const std::string& file) {
  static const std::regex name_re(R"((HPLinpack|HPL-NVIDIA|HPL-MxP-NVIDIA|HPL-MxP|HPL-AI)\s+v?([0-9][0-9A-Za-z.\-_]*))");
  static const std::regex result_re(
      R"(^\s*(W[RC]\S*)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+([0-9.eE+\-]+)\s+([0-9.eE+\-]+))");
  static const std::regex residual_re(R"(\|\|Ax-b\|\|.*=\s*([0-9.eE+\-]+|nan|inf|-nan)\s*\.*\s*(PASSED|FAILED))",
                                      std::regex::icase);
  static const std::regex threshold_re(R"(residuals are less than\s+([0-9.eE+\-]+))");
  std::string name = tool == "hpl" ? "HPL" : "HPL-MxP", version = "not stated";
  std::optional<double> threshold;
  std::vector<ExternalResult> out;
  std::smatch m;
  for (const auto& line : lines_of(text)) {
    if (version == "not stated" && std::regex_search(line, m, name_re)) {
      name = m[1];
      version = m[2];
    } else if (std::regex_search(line, m, threshold_re)) {
      threshold = number(m[1]);
    } else if (std::regex_search(line, m, result_re)) {
      ExternalResult r;
      r.tool = tool;
      r.parameters = {{"tv", m[1].str()},          {"N", std::stoll(m[2])}, {"NB", std::stoll(m[3])},
                      {"P", std::stoll(m[4])},     {"Q", std::stoll(m[5])}, {"time_s", number(m[6])},
                      {"processes", std::stoll(m[4]) * std::stoll(m[5])}};
      r.figures.push_back({tool == "hpl" ? "rmax" : "mxp_rmax", "FLOP/s", number(m[7]) * 1e9, json::object()});
      r.status = "unchecked";
      r.detail = "no residual check follows this result in the file";
      out.push_back(std::move(r));
    } else if (std::regex_search(line, m, residual_re) && !out.empty() && out.back().checks.empty()) {
      auto& r = out.back();
      ExternalCheck c;
      c.name = "hpl-scaled-residual";
      c.status = m[2] == "PASSED" ? "passed" : "failed";
      const std::string v = m[1];
      c.value = (v == "nan" || v == "-nan" || v == "inf") ? INFINITY : number(v);
      c.threshold = threshold;
      c.text = line;
      r.checks.push_back(c);
      r.status = c.status;
      r.detail = c.status == "passed"
                     ? fmt::format("scaled residual {:g} PASSED", *c.value)
                     : fmt::format("scaled residual {:g} FAILED: the result is not a figure", *c.value);
      if (c.status == "failed") r.figures.clear();
    }
  }
  if (out.empty()) not_this_format(file, tool, "no result line (T/V beginning with WR or WC, then N NB P Q Time Gflops)");
  for (auto& r : out) {
    r.tool_name = name;
    r.tool_version = version;
  }
  return out;
}

// ---- HPCG -----------------------------------------------------------------------------------
// HPCG writes a report of key=value lines ("HPCG-Benchmark", "version=3.1", ...) whose final
// summary says "Final Summary::HPCG result is VALID with a GFLOP/s rating of=<x>" or that the
// result is INVALID.
std::vector<ExternalResult> parse_hpcg(const std::string& text, const std::string& file) {
  static const std::regex verdict_re(R"(HPCG result is (VALID|INVALID))");
  static const std::regex rating_re(R"(HPCG result is VALID with a GFLOP/s rating of\s*=\s*([0-9.eE+\-]+))");
  static const std::regex version_re(R"(^version\s*=\s*(\S+))");
  static const std::regex procs_re(R"(Distributed Processes\s*=\s*(\d+))");
  ExternalResult r;
  r.tool = "hpcg";
  r.tool_name = "HPCG";
  r.tool_version = "not stated";
  std::smatch m;
  std::optional<std::string> verdict;
  std::optional<double> rating;
  for (const auto& line : lines_of(text)) {
    if (std::regex_search(line, m, version_re) && r.tool_version == "not stated") r.tool_version = m[1];
    if (std::regex_search(line, m, procs_re)) r.parameters["processes"] = std::stoll(m[1]);
    if (std::regex_search(line, m, rating_re)) rating = number(m[1]);
    if (std::regex_search(line, m, verdict_re) && !verdict) verdict = m[1];
  }
  if (!verdict) not_this_format(file, "hpcg", "no \"HPCG result is VALID\" or \"INVALID\" line in the final summary");
  ExternalCheck c{"hpcg-validity", *verdict == "VALID" ? "passed" : "failed", std::nullopt, std::nullopt,
                  "HPCG result is " + *verdict};
  r.checks.push_back(c);
  r.status = c.status;
  if (c.status == "passed") {
    if (!rating) not_this_format(file, "hpcg", "a VALID result without its GFLOP/s rating");
    r.figures.push_back({"hpcg_rating", "FLOP/s", *rating * 1e9, json::object()});
    r.detail = "HPCG result VALID";
  } else {
    r.detail = "HPCG result INVALID: the result is not a figure";
  }
  return {r};
}

json parse_json_or_fail(const std::string& text, const std::string& file, const std::string& tool) {
  try {
    return json::parse(text);
  } catch (const std::exception& e) {
    not_this_format(file, tool, std::string("not JSON: ") + e.what());
  }
}

// ---- nccl-tests -----------------------------------------------------------------------------
// nccl-tests -J FILE (README: "Write [JSON] output") writes one object: "version" (of the JSON
// format), "nccl_version" (e.g. 22703), "args" (argv), "config" ("validation", ...),
// "results" (one object per size: "size", "type", "redop", "out_of_place" and "in_place", each
// with "time" in µs, "alg_bw" and "bus_bw" in GB/s, "nwrong"), and "out_of_bounds".
std::vector<ExternalResult> parse_nccl_tests(const std::string& text, const std::string& file) {
  const json j = parse_json_or_fail(text, file, "nccl-tests");
  if (!j.is_object() || !j.contains("results") || !j["results"].is_array() || !j.contains("nccl_version"))
    not_this_format(file, "nccl-tests", "no \"results\" array and \"nccl_version\" at the top level");
  ExternalResult r;
  r.tool = "nccl-tests";
  std::string program = "nccl-tests";
  if (j.contains("args") && j["args"].is_array() && !j["args"].empty() && j["args"][0].is_string()) {
    program = j["args"][0].get<std::string>();
    if (auto slash = program.rfind('/'); slash != std::string::npos) program = program.substr(slash + 1);
  }
  r.tool_name = "nccl-tests " + program;
  const auto v = j["nccl_version"].is_number_integer() ? j["nccl_version"].get<std::int64_t>() : 0;
  r.tool_version = fmt::format("JSON format {}, NCCL {}.{}.{}", j.value("version", 0), v / 10000, (v % 10000) / 100,
                               v % 100);
  const bool validated = !j.contains("config") || j["config"].value("validation", 1) != 0;
  double wrong = 0;
  for (std::size_t i = 0; i < j["results"].size(); ++i) {
    const auto& e = j["results"][i];
    if (!e.is_object() || !e.contains("size")) throw ConfigError(file, fmt::format("results[{}]", i), "an object with \"size\"");
    for (const char* placement : {"out_of_place", "in_place"}) {
      if (!e.contains(placement) || !e[placement].is_object()) continue;
      const auto& p = e[placement];
      if (p.contains("nwrong") && p["nwrong"].is_number()) wrong += p["nwrong"].get<double>();
      if (!p.contains("bus_bw") || !p["bus_bw"].is_number()) continue;
      const json labels = {{"size_bytes", e["size"]}, {"placement", placement}, {"type", e.value("type", "")},
                           {"redop", e.value("redop", "")}};
      r.figures.push_back({"busbw", "B/s", p["bus_bw"].get<double>() * 1e9, labels});
      if (p.contains("alg_bw") && p["alg_bw"].is_number())
        r.figures.push_back({"algbw", "B/s", p["alg_bw"].get<double>() * 1e9, labels});
    }
  }
  const bool out_of_bounds = j.contains("out_of_bounds") && j["out_of_bounds"].is_object() &&
                             j["out_of_bounds"].value("okay", true) == false;
  ExternalCheck c{"nccl-tests-wrong-elements", wrong == 0 && !out_of_bounds ? "passed" : "failed", wrong, 0.0,
                  fmt::format("{:g} wrong elements{}", wrong, out_of_bounds ? ", out-of-bounds values" : "")};
  if (!validated) {
    r.status = "unchecked";
    r.detail = "nccl-tests ran without validation (-c 0): the data were not checked";
  } else {
    r.checks.push_back(c);
    r.status = c.status;
    r.detail = c.status == "passed" ? "no wrong elements" : c.text + ": the result is not a figure";
  }
  if (r.status == "failed") r.figures.clear();
  return {r};
}

// ---- IOR ------------------------------------------------------------------------------------
// IOR -O summaryFormat=JSON (src/ior-output.c) writes "Version", "Began", "tests" and a
// "summary" array, one object per operation: "operation" (write/read), "API", "bwMaxMIB",
// "bwMinMIB", "bwMeanMIB" (MiB/s), "OPsMean", "MeanTime", "numTasks", ...
std::vector<ExternalResult> parse_ior(const std::string& text, const std::string& file) {
  const json j = parse_json_or_fail(text, file, "ior");
  if (!j.is_object() || !j.contains("summary") || !j["summary"].is_array())
    not_this_format(file, "ior", "no \"summary\" array at the top level (IOR's JSON summary format)");
  ExternalResult r;
  r.tool = "ior";
  r.tool_name = "IOR";
  r.tool_version = j.contains("Version") && j["Version"].is_string() ? j["Version"].get<std::string>() : "not stated";
  constexpr double mib = 1048576.0;
  for (std::size_t i = 0; i < j["summary"].size(); ++i) {
    const auto& s = j["summary"][i];
    if (!s.is_object() || !s.contains("operation") || !s.contains("bwMaxMIB") || !s.contains("bwMeanMIB"))
      throw ConfigError(file, fmt::format("summary[{}]", i), "an object with operation, bwMaxMIB and bwMeanMIB");
    const json labels = {{"operation", s["operation"]}, {"api", s.value("API", "")}, {"tasks", s.value("numTasks", 0)}};
    r.figures.push_back({"bw_max", "B/s", s["bwMaxMIB"].get<double>() * mib, labels});
    r.figures.push_back({"bw_mean", "B/s", s["bwMeanMIB"].get<double>() * mib, labels});
    if (s.contains("OPsMean") && s["OPsMean"].is_number())
      r.figures.push_back({"ops_mean", "op/s", s["OPsMean"].get<double>(), labels});
  }
  r.status = "unchecked";
  r.detail = "IOR's summary carries no correctness check";
  return {r};
}

// ---- IO500 ----------------------------------------------------------------------------------
// IO500 prints one line per phase, "[RESULT] <phase> <value> <unit> : time <s> seconds",
// marked "[INVALID]" where the phase broke a rule, and a score line
// "[SCORE ] Bandwidth <x> GiB/s : IOPS <y> kiops : TOTAL <z>" ("[SCORE-INVALID]" when not valid).
std::vector<ExternalResult> parse_io500(const std::string& text, const std::string& file) {
  static const std::regex phase_re(R"(^\[RESULT[^\]]*\]\s+(\S+)\s+([0-9.eE+\-]+)\s+(GiB/s|kIOPS|kiops|IOPS)\b.*$)");
  static const std::regex score_re(
      R"(^\[SCORE([^\]]*)\]\s+Bandwidth\s+([0-9.eE+\-]+)\s+GiB/s\s*:\s*IOPS\s+([0-9.eE+\-]+)\s+kiops\s*:\s*TOTAL\s+([0-9.eE+\-]+))",
      std::regex::icase);
  static const std::regex version_re(R"(IO500 version\s+(\S+))", std::regex::icase);
  ExternalResult r;
  r.tool = "io500";
  r.tool_name = "IO500";
  r.tool_version = "not stated";
  std::smatch m;
  bool any = false, invalid = false;
  std::vector<std::string> invalid_phases;
  for (const auto& line : lines_of(text)) {
    if (std::regex_search(line, m, version_re)) r.tool_version = m[1];
    if (std::regex_search(line, m, phase_re)) {
      any = true;
      const std::string unit = m[3];
      const bool bandwidth = unit == "GiB/s";
      const double scale = bandwidth ? 1073741824.0 : (unit == "IOPS" ? 1.0 : 1000.0);
      if (line.find("INVALID") != std::string::npos) {
        invalid = true;
        invalid_phases.push_back(m[1]);
        continue;
      }
      r.figures.push_back({bandwidth ? "bandwidth" : "iops", bandwidth ? "B/s" : "op/s", number(m[2]) * scale,
                           {{"phase", m[1].str()}}});
    } else if (std::regex_search(line, m, score_re)) {
      any = true;
      if (m[1].str().find("INVALID") != std::string::npos || line.find("INVALID") != std::string::npos) {
        invalid = true;
        continue;
      }
      r.figures.push_back({"score_bandwidth", "B/s", number(m[2]) * 1073741824.0, json::object()});
      r.figures.push_back({"score_iops", "op/s", number(m[3]) * 1000.0, json::object()});
      r.figures.push_back({"score_total", "score", number(m[4]), json::object()});
    }
  }
  if (!any) not_this_format(file, "io500", "no [RESULT] or [SCORE] line");
  std::string phases;
  for (const auto& p : invalid_phases) phases += (phases.empty() ? "" : ", ") + p;
  r.checks.push_back({"io500-validity", invalid ? "failed" : "passed", std::nullopt, std::nullopt,
                      invalid ? "INVALID" + (phases.empty() ? std::string() : " (" + phases + ")") : "valid"});
  r.status = r.checks.back().status;
  r.detail = invalid ? "IO500 marked the run INVALID" + (phases.empty() ? std::string() : " in " + phases) +
                           ": the result is not a figure"
                     : "IO500 marked every phase valid";
  if (invalid) r.figures.clear();
  return {r};
}

}  // namespace

const std::vector<std::string>& external_tools() {
  static const std::vector<std::string> t{"hpl", "hpl-mxp", "hpcg", "nccl-tests", "ior", "io500"};
  return t;
}

std::string detect_external_tool(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '{') {
    if (text.find("\"nccl_version\"") != std::string::npos) return "nccl-tests";
    if (text.find("\"summary\"") != std::string::npos && text.find("\"bwMaxMIB\"") != std::string::npos) return "ior";
    return "";
  }
  if (text.find("HPL-MxP") != std::string::npos || text.find("HPL-AI") != std::string::npos) return "hpl-mxp";
  if (text.find("HPLinpack") != std::string::npos || text.find("HPL-NVIDIA") != std::string::npos) return "hpl";
  if (text.find("HPCG-Benchmark") != std::string::npos || text.find("HPCG result is") != std::string::npos) return "hpcg";
  if (text.find("[RESULT") != std::string::npos || text.find("[SCORE") != std::string::npos) return "io500";
  return "";
}

std::vector<ExternalResult> parse_external_text(const std::string& tool, const std::string& text,
                                                const std::string& display_name) {
  if (tool == "hpl" || tool == "hpl-mxp") return parse_hpl(tool, text, display_name);
  if (tool == "hpcg") return parse_hpcg(text, display_name);
  if (tool == "nccl-tests") return parse_nccl_tests(text, display_name);
  if (tool == "ior") return parse_ior(text, display_name);
  if (tool == "io500") return parse_io500(text, display_name);
  throw ConfigError(display_name, "", "unknown tool '" + tool + "' (expected hpl, hpl-mxp, hpcg, nccl-tests, ior, io500)");
}

}  // namespace capbench
