#pragma once
// The results file, schema "capbench.results/2": what rank 0 writes after every case and
// what every report reads. docs/results-schema.md describes each field.
#include <cstdint>
#include <functional>
#include <string_view>
#include <optional>
#include <string>
#include <vector>

#include "common/config_node.hpp"
#include "common/stats.hpp"
#include "common/health_record.hpp"
#include "common/telemetry.hpp"

namespace capbench {

inline constexpr const char* kResultsSchema = "capbench.results/2";
// Still read: version 1 kept telemetry inside info and collective figures per rank.
inline constexpr const char* kResultsSchemaV1 = "capbench.results/1";

struct Metric {
  std::string name;                    // e.g. "throughput", "triad_bandwidth", "busbw"
  std::string unit;                    // SI base units only: "FLOP/s", "OP/s", "B/s", "s"
  json labels = json::object();        // e.g. {"size_bytes": 1048576}
  std::vector<double> samples;         // one per timed iteration (empty where a large run kept only stats)
  Summary stats;                       // of the samples, or as computed by the rank
};

struct Verification {
  std::string status = "not_run";  // passed | failed | not_run
  std::string method;              // e.g. "freivalds-fp64", "stream-replay", "exact-integer-sum"
  std::string detail;
  double max_error = 0;            // largest error seen, in the method's own measure
  double tolerance = 0;            // the bound that error was held to
  std::int64_t mismatches = 0;
};

struct RankResult {
  int rank = 0;
  std::string status = "ok";  // ok | failed | skipped | timeout | missing
  std::string error;          // why, when status is not ok
  Verification verification;
  std::vector<Metric> metrics;     // this rank's own figures (none for job-wide benchmarks)
  std::optional<CaseTelemetry> telemetry;  // the GPU's clocks, power, throttling during the case
  json info = json::object();  // backend details: algorithm chosen, array sizes, threads, ...
  double wall_s = 0;
};

struct CaseResult {
  int index = 0;
  std::string id, benchmark;
  json params = json::object();
  int warmup = 0, iterations = 0;
  double timeout_s = 0;
  std::string started_at, finished_at;
  double wall_s = 0;
  std::string status;  // passed | failed | skipped (derived from the ranks, stored for readers)
  // Figures of the whole job, not of one rank: a collective's time is the slowest rank's.
  std::vector<Metric> metrics;
  json info = json::object();  // how the job-wide figures were formed; which ranks kept samples
  std::vector<RankResult> ranks;
};

struct DeviceIdentity {
  std::string kind;  // cpu | cuda
  std::string name, pci_bus_id, pci_device_id, uuid, serial;
  json details = json::object();  // SM count, memory, clocks, driver and library versions, ...
};

struct RankIdentity {
  int rank = 0, local_rank = 0, node_index = 0;
  std::string host;
  DeviceIdentity device;
};

struct RunInfo {
  std::string id, started_at, finished_at;
  std::string status = "running";  // running | complete | incomplete
  std::string status_reason;
  std::string tool_name, tool_version, git_commit;
  std::vector<std::string> command_line;
  std::string backend;  // cpu | cuda
  int nranks = 0, nnodes = 0;
  std::string mpi_library;
  json environment = json::object();
};

struct SuiteInfo {
  std::string name, path, sha256;
  json content = json::object();
  json overrides;  // null, or {"only": [...], "set": [...], "file_sha256": ...} from the command line
};

struct ResultsFile {
  std::string schema = kResultsSchema;
  RunInfo run;
  SuiteInfo suite;
  std::vector<RankIdentity> ranks;
  std::vector<CaseResult> cases;
  std::optional<HealthRecord> health;  // the health stage (bench/health/); absent in older files
};

// The case status rule: skipped when every rank skipped; passed when every rank is ok with
// its verification passed (or not applicable) or skipped with a reason; failed otherwise.
std::string derive_case_status(const std::vector<RankResult>& ranks);

json metric_to_json(const Metric& m);
json rank_result_to_json(const RankResult& r);
RankResult rank_result_from_json(const json& j, const std::string& file, const std::string& path);
json case_to_json(const CaseResult& c);
json results_to_json(const ResultsFile& r);

// Strict reader: unknown schema, missing fields, NaN or negative metrics, duplicated or
// out-of-range ranks are all ConfigError naming the file and key path.
ResultsFile results_from_json(const json& j, const std::string& file);
ResultsFile read_results_file(const std::string& path);

// Writes through a temporary file in the same directory, fsync, then rename: a reader sees
// the old file or the new one, never half of one.
void write_text_atomic(const std::string& path, const std::string& text);
// The same with the text made piece by piece: `produce` calls its argument with each piece
// (a large table need not be held whole).
void write_text_atomic(const std::string& path,
                       const std::function<void(const std::function<void(std::string_view)>&)>& produce);
void write_json_atomic(const std::string& path, const json& j);
// The text write_json_atomic writes: indented down to each rank result, which takes one
// line (a large run's file stays greppable by rank and about a third smaller than dump(1)).
std::string dump_results_text(const json& j);
// The same text as dump_results_text(results_to_json(r)), made one rank result at a time:
// the document of the whole run (about ten times the text's size) never exists.
std::string results_file_text(const ResultsFile& r);
void write_results_file_atomic(const std::string& path, const ResultsFile& r);
// One case as results_file_text lays it out inside "cases" (from its "  {" to its "  }", no
// separator), in pieces of about a megabyte: for a writer that appends case by case.
void emit_case_text(const CaseResult& c, const std::function<void(std::string_view)>& sink);
// A value laid out as dump_results_text lays it out at `depth` (0: the root).
std::string layered_text(const json& j, int depth);

}  // namespace capbench
