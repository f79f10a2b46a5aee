#include "common/suite.hpp"

#include <set>

#include <fmt/format.h>

#include "common/sha256.hpp"

namespace capbench {

namespace {
CaseDefaults read_defaults(const ConfigNode& node) {
  CaseDefaults d;
  node.allow_only({"warmup", "iterations", "timeout_s"});
  if (auto v = node.find("warmup")) d.warmup = static_cast<int>(v->as_int_in(0, 100000));
  if (auto v = node.find("iterations")) d.iterations = static_cast<int>(v->as_int_in(1, 100000));
  if (auto v = node.find("timeout_s")) d.timeout_s = v->as_number_in(0.001, 7 * 24 * 3600.0, "seconds");
  return d;
}
}  // namespace

Suite parse_suite(const std::string& text, const std::string& display_name) {
  Suite s;
  s.path = display_name;
  s.text = text;
  s.sha256 = sha256_hex(text);
  s.content = parse_jsonc(text, display_name);
  ConfigNode root(s.content, display_name);
  root.expect_object();
  root.allow_only({"schema", "name", "description", "seed", "defaults", "cases"});
  const auto schema = root.at("schema");
  if (schema.as_string() != kSuiteSchema) schema.fail(fmt::format("\"{}\"", kSuiteSchema));
  s.name = root.at("name").as_string();
  if (s.name.empty()) root.at("name").fail("a non-empty name");
  if (auto d = root.find("description")) s.description = d->as_string();
  if (auto seed = root.find("seed")) s.seed = static_cast<std::uint64_t>(seed->as_non_negative_int());
  if (auto d = root.find("defaults")) s.defaults = read_defaults(*d);
  const auto cases = root.at("cases");
  if (cases.size() == 0) cases.fail("a non-empty array of cases");
  std::set<std::string> ids;
  for (const auto& c : cases.items()) {
    for (auto& pc : expand_case(c, s.defaults)) {
      if (!ids.insert(pc.id).second)
        throw ConfigError(display_name, c.path(), fmt::format("case '{}' is planned twice", pc.id));
      pc.index = static_cast<int>(s.plan.size());
      s.plan.push_back(std::move(pc));
    }
  }
  return s;
}

Suite load_suite_file(const std::string& path) {
  std::string text;
  load_jsonc_file(path, &text);  // reports unreadable files and syntax errors with the path
  return parse_suite(text, path);
}

}  // namespace capbench
