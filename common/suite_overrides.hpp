#pragma once
// Changing a suite from the command line: `--set PATH=VALUE` edits the suite document before
// it is validated (so a value set there is checked exactly as one written in the file), and
// `--only PATTERN` keeps the planned cases whose id matches. Both are recorded with the plan.
//
// PATH is a key path into the suite: `defaults.iterations`, `seed`, `cases[2].bytes`, or a
// selector of case entries followed by their key: a benchmark (`gemm.shapes`), an entry's
// "name" (`sustained.duration_s`) or `*` (every entry: `*.iterations`). VALUE is JSON
// (`[[512,512,512]]`, `3`, `true`); anything that is not JSON is taken as a string.
//
// PATTERN is a glob over case ids (`gemm/fp64/*`, `*/in_place`); a pattern also selects the
// cases below it (`gemm` selects `gemm/fp64/256x256x256`). Several patterns: any may match.
#include <string>
#include <vector>

#include "common/suite.hpp"

namespace capbench {

struct SuiteOverrides {
  std::vector<std::string> only;  // glob patterns over case ids, in the order given
  std::vector<std::string> set;   // "PATH=VALUE", applied in the order given
  bool empty() const { return only.empty() && set.empty(); }
  json to_json() const;  // {"only": [...], "set": [...]}
  static SuiteOverrides from_json(const json& j);
};

// Applies each `--set` to the document. Throws ConfigError naming the argument when its path
// cannot be followed (no such case entry, an index past the end, a value where an object is).
void apply_set_overrides(json& suite_document, const std::vector<std::string>& sets, const std::string& file);

// Keeps the cases whose id matches a pattern and renumbers them. Throws ConfigError when a
// pattern matches no case (naming the nearest id) or when nothing is left.
void apply_only_filter(std::vector<PlannedCase>& plan, const std::vector<std::string>& patterns,
                       const std::string& file);

// True when `id` is selected by `pattern` (a glob, or a prefix of whole id segments).
bool case_id_matches(const std::string& pattern, const std::string& id);

// parse_suite / load_suite_file with overrides. Without overrides, exactly those. With them,
// the suite's content is the changed document, `overrides` records what was asked and the
// file's own hash, and `sha256` covers the file and the overrides, so a changed plan never
// passes for the file's.
Suite parse_suite(const std::string& text, const std::string& display_name, const SuiteOverrides& overrides);
Suite load_suite_file(const std::string& path, const SuiteOverrides& overrides);

}  // namespace capbench
