#pragma once
// Results measured by other tools (HPL, HPL-MxP, HPCG, nccl-tests, IOR, IO500), imported into
// a capbench results set as a separate file of schema "capbench.imported/1" kept beside the
// results file (docs/results-schema.md). Each result names its source file by SHA-256, the tool
// and version the file names, and the basis "measured by an external tool". A result whose own
// check failed (HPL's residual, HPCG's validity, nccl-tests' wrong elements, IO500's validity)
// is imported as failed and carries no figure.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config_node.hpp"

namespace capbench {

inline constexpr const char* kImportedSchema = "capbench.imported/1";
inline constexpr const char* kExternalBasis = "measured by an external tool";

// The tools a file can come from; "auto" detects the tool from the file's content.
const std::vector<std::string>& external_tools();

struct ExternalFigure {
  std::string name;  // e.g. "rmax", "busbw", "bw_max"
  std::string unit;  // SI base units: "FLOP/s", "B/s", "op/s", "score"
  double value = 0;
  json labels = json::object();  // e.g. {"size_bytes": 1048576, "placement": "in_place"}
};

struct ExternalCheck {
  std::string name;    // e.g. "hpl-scaled-residual", "hpcg-validity", "nccl-tests-wrong-elements"
  std::string status;  // passed | failed
  std::optional<double> value, threshold;
  std::string text;    // the file's own words
};

struct ExternalResult {
  std::string tool;          // one of external_tools() (not "auto")
  std::string tool_name;     // as the file names it, e.g. "HPLinpack", "HPL-NVIDIA"
  std::string tool_version;  // as the file names it; "not stated" when it does not
  std::string source_path, source_sha256;
  std::int64_t source_bytes = 0;
  int index_in_source = 0;   // several results in one file (HPL's tests): 0, 1, ...
  std::string imported_at;
  std::string basis = kExternalBasis;
  // passed: the tool's own check passed; failed: it failed (no figures); unchecked: the file
  // carries no correctness check (IOR), or HPL's check was skipped.
  std::string status;
  std::string detail;
  json parameters = json::object();  // N, NB, P, Q, time_s, processes, ...
  std::vector<ExternalFigure> figures;
  std::vector<ExternalCheck> checks;
};

struct ImportedSet {
  std::string file;  // where it was read from
  std::vector<ExternalResult> results;
};

// Parses one tool's output text into results (without the source fields). Throws ConfigError
// naming `display_name` when the text is not that tool's output.
std::vector<ExternalResult> parse_external_text(const std::string& tool, const std::string& text,
                                                const std::string& display_name);
// The tool whose output `text` is; "" when none matches.
std::string detect_external_tool(const std::string& text);
// Reads the file, detects the tool when `tool` is "auto", parses, and fills the source fields.
std::vector<ExternalResult> import_external_file(const std::string& path, const std::string& tool,
                                                 const std::string& imported_at);

json external_result_to_json(const ExternalResult& r);
json imported_to_json(const ImportedSet& s);
// Strict reader: unknown schema, missing fields, a failed result with figures, a figure that
// is negative or not finite are ConfigError naming the file and key path.
ImportedSet imported_from_json(const json& j, const std::string& file);
ImportedSet read_imported_file(const std::string& path);

}  // namespace capbench
