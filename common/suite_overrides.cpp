#include "common/suite_overrides.hpp"
#include "common/utf8.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/cli_suggest.hpp"
#include "common/sha256.hpp"

namespace capbench {

namespace {

const std::set<std::string>& suite_root_keys() {
  static const std::set<std::string> k{"schema", "name", "description", "seed", "defaults", "cases"};
  return k;
}

struct PathStep {
  std::string key;  // empty for an array index
  std::size_t index = 0;
};

// "a.b[2].c" -> a, b, [2], c. Fails on an empty segment or a malformed index.
std::vector<PathStep> split_path(const std::string& path, const std::string& file, const std::string& arg) {
  std::vector<PathStep> steps;
  std::size_t i = 0;
  auto bad = [&](const std::string& why) { throw ConfigError(file, "--set " + arg, why); };
  while (i < path.size()) {
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string::npos || close == i + 1) bad("a key path such as cases[0].bytes (an index is [N])");
      const std::string digits = path.substr(i + 1, close - i - 1);
      if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
          digits.size() > 6)
        bad(fmt::format("an array index of digits, not '[{}]'", digits));
      steps.push_back({"", static_cast<std::size_t>(std::stoul(digits))});
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    const auto end = path.find_first_of(".[", i);
    const std::string key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (key.empty()) bad("a key path with no empty segment, such as defaults.iterations");
    steps.push_back({key, 0});
    if (end == std::string::npos) break;
    i = path[end] == '.' ? end + 1 : end;
    if (path[end] == '.' && i == path.size()) bad("a key path that does not end in '.'");
  }
  if (steps.empty()) bad("a key path before '='");
  return steps;
}

// Follows `steps` from `node`, creating objects for missing keys, and sets the last one.
void assign(json& node, const std::vector<PathStep>& steps, std::size_t from, const json& value,
            const std::string& file, const std::string& arg) {
  json* at = &node;
  for (std::size_t s = from; s < steps.size(); ++s) {
    const auto& step = steps[s];
    if (step.key.empty()) {
      if (!at->is_array() || step.index >= at->size())
        throw ConfigError(file, "--set " + arg,
                          fmt::format("an index into an array; [{}] is past the end (the array has {} items)",
                                      step.index, at->is_array() ? at->size() : 0));
      at = &(*at)[step.index];
    } else {
      if (at->is_null()) *at = json::object();
      if (!at->is_object())
        throw ConfigError(file, "--set " + arg, fmt::format("an object at '{}', but the value there is {}",
                                                             step.key, at->type_name()));
      at = &(*at)[step.key];
    }
  }
  *at = value;
}

json parse_value(const std::string& text) {
  try {
    return json::parse(text);
  } catch (const json::exception&) {
    return text;  // not JSON: a string (fp64, auto, a name)
  }
}

}  // namespace

json SuiteOverrides::to_json() const { return json{{"only", only}, {"set", set}}; }

SuiteOverrides SuiteOverrides::from_json(const json& j) {
  SuiteOverrides o;
  if (j.is_object()) {
    o.only = j.value("only", std::vector<std::string>{});
    o.set = j.value("set", std::vector<std::string>{});
  }
  return o;
}

void apply_set_overrides(json& doc, const std::vector<std::string>& sets, const std::string& file) {
  for (const auto& arg : sets) {
    const auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0)
      throw ConfigError(file, "--set " + arg, "PATH=VALUE, such as defaults.iterations=5 or gemm.shapes=[[512,512,512]]");
    const auto steps = split_path(arg.substr(0, eq), file, arg);
    const json value = parse_value(arg.substr(eq + 1));
    if (!doc.is_object()) throw ConfigError(file, "", "a suite object");
    const auto& first = steps.front();
    if (first.key.empty()) throw ConfigError(file, "--set " + arg, "a key first, not an index");
    if (suite_root_keys().count(first.key)) {
      assign(doc, steps, 0, value, file, arg);
      continue;
    }
    // A selector of case entries: their benchmark, their name, or * for all.
    if (steps.size() < 2 || !steps[1].key.size())
      throw ConfigError(file, "--set " + arg,
                        fmt::format("a key after the case selector '{}', such as {}.iterations", first.key, first.key));
    json& cases = doc["cases"];
    if (!cases.is_array()) throw ConfigError(file, "cases", "an array of cases to apply --set " + arg + " to");
    std::vector<std::string> selectors{"*"};
    std::size_t applied = 0;
    for (auto& entry : cases) {
      if (!entry.is_object()) continue;
      const std::string bench = entry.value("benchmark", json("")).is_string() ? entry.value("benchmark", "") : "";
      const std::string name = entry.contains("name") && entry["name"].is_string() ? entry["name"].get<std::string>() : "";
      if (!bench.empty()) selectors.push_back(bench);
      if (!name.empty()) selectors.push_back(name);
      if (first.key == "*" || first.key == bench || first.key == name) {
        assign(entry, steps, 1, value, file, arg);
        ++applied;
      }
    }
    if (applied == 0) {
      std::vector<std::string> all(suite_root_keys().begin(), suite_root_keys().end());
      all.insert(all.end(), selectors.begin(), selectors.end());
      const auto near = nearest_word(first.key, all);
      std::sort(selectors.begin(), selectors.end());
      selectors.erase(std::unique(selectors.begin(), selectors.end()), selectors.end());
      throw ConfigError(file, "--set " + arg,
                        fmt::format("a suite key ({}) or a case selector present in the suite ({}){}",
                                    fmt::join(suite_root_keys(), ", "), fmt::join(selectors, ", "),
                                    near ? fmt::format("; did you mean '{}'?", *near) : std::string()));
    }
  }
}

bool case_id_matches(const std::string& pattern, const std::string& id) {
  if (fnmatch(pattern.c_str(), id.c_str(), 0) == 0) return true;
  const std::string below = pattern + "/*";  // a pattern also selects the cases under it
  return fnmatch(below.c_str(), id.c_str(), 0) == 0;
}

void apply_only_filter(std::vector<PlannedCase>& plan, const std::vector<std::string>& patterns,
                       const std::string& file) {
  if (patterns.empty()) return;
  std::vector<std::string> ids;
  for (const auto& c : plan) ids.push_back(c.id);
  for (const auto& p : patterns) {
    if (std::none_of(ids.begin(), ids.end(), [&](const std::string& id) { return case_id_matches(p, id); })) {
      const auto near = nearest_word(p, ids);
      const std::size_t shown = std::min<std::size_t>(ids.size(), 8);
      const std::string more =
          ids.size() > shown ? fmt::format(", ... {} more: capbench check lists them", ids.size() - shown) : "";
      throw ConfigError(file, "--only " + p,
                        fmt::format("a pattern matching a case id of this suite ({}{}){}",
                                    fmt::join(ids.begin(), ids.begin() + static_cast<long>(shown), ", "), more,
                                    near ? fmt::format("; did you mean '{}'?", *near) : std::string()));
    }
  }
  std::vector<PlannedCase> kept;
  for (auto& c : plan) {
    if (std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return case_id_matches(p, c.id); })) {
      c.index = static_cast<int>(kept.size());
      kept.push_back(std::move(c));
    }
  }
  plan = std::move(kept);
}

Suite parse_suite(const std::string& text, const std::string& display_name, const SuiteOverrides& overrides) {
  if (overrides.empty()) return parse_suite(text, display_name);
  // Split on commas too: --only a,b is --only a --only b.
  SuiteOverrides o = overrides;
  std::vector<std::string> only;
  for (const auto& p : o.only) {
    std::size_t start = 0;
    while (start <= p.size()) {
      const auto comma = p.find(',', start);
      const std::string part = p.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!part.empty()) only.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  o.only = only;
  json doc = parse_jsonc(text, display_name);
  apply_set_overrides(doc, o.set, display_name);
  // Errors in a value that --set put there name the file "as changed by --set".
  const std::string shown = o.set.empty() ? display_name : display_name + " (as changed by --set)";
  Suite s = parse_suite(doc.dump(2), shown);
  apply_only_filter(s.plan, o.only, display_name);
  s.path = display_name;
  s.text = text;
  s.content = std::move(doc);
  s.overrides = o.to_json();
  s.overrides["file_sha256"] = sha256_hex(text);
  s.sha256 = sha256_hex(text + "\n--overrides " + json_text(o.to_json()));
  return s;
}

Suite load_suite_file(const std::string& path, const SuiteOverrides& overrides) {
  std::string text;
  load_jsonc_file(path, &text);
  return parse_suite(text, path, overrides);
}

}  // namespace capbench
