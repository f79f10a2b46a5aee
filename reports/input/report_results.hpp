#pragma once
// What a report keeps of a results file: the run, suite, identities and health whole, and of
// each case its header and, per rank, a digest of what the report reads (status, error,
// verification, each metric's statistics, telemetry; backend details only where a section
// reads them). Made case by case from the per-case reader (common/results_reader.hpp), so
// that capreport's memory grows with GPUs x cases, not with the file: at 100,000 ranks about
// 0.3 kB per rank and case instead of the ~1.9 kB a RankResult takes with its `info` map.
//
// The digests keep RankResult's member names, so the report's code reads them as it read
// rank results; their text (statuses, errors, metric names, labels) is interned: each
// distinct string once per file. Samples are not kept: no report section reads them
// (methodology §6); per-iteration samples stay in the results file.
#include <cmath>
#include <cstdint>
#include <limits>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/results.hpp"
#include "common/results_reader.hpp"

namespace capbench {

// Each distinct string and JSON value once; references to them stay valid while the pool
// lives (node-based containers). Shared by the reader's worker threads (locked).
class TextPool {
 public:
  const std::string& text(const std::string& s);
  const json& value(const json& j);  // by its text; the empty object and null shared
  const std::vector<std::string>& list(const std::vector<std::string>& v);

 private:
  std::unordered_set<std::string> texts_;
  std::unordered_map<std::string, json> values_;
  std::deque<std::vector<std::string>> lists_;
  std::unordered_map<std::string, std::size_t> list_index_;
  std::mutex mutex_;
};

// The statistics a report prints of one rank's metric (Summary's names; mean, stddev and mad
// are not read).
struct StatsDigest {
  std::size_t n = 0;
  double median = 0, min = 0, max = 0, p05 = 0, p95 = 0;
};

struct MetricDigest {
  const std::string& name;
  const std::string& unit;
  const json& labels;
  StatsDigest stats;
};

// The tolerance and mismatch count are not kept: no section reads them.
struct VerificationDigest {
  const std::string& status;
  const std::string& method;
  const std::string& detail;
  double max_error = 0;  // read for LU (external_report.cpp)
};

// std::optional's reading (if (x), *x, x->) for a value whose absence is a NaN in it (or a
// negative count): without optional's flag and padding, the telemetry digest is 136 bytes
// instead of 224. The reader rejects NaN and negative counts, so neither is ever a reading.
template <class T, class Absent>
class Maybe {
 public:
  Maybe() : v_(Absent::value()) {}
  Maybe(const std::optional<T>& o) : v_(o ? *o : Absent::value()) {}  // NOLINT: as optional reads
  explicit operator bool() const { return !Absent::is(v_); }
  const T& operator*() const { return v_; }
  const T* operator->() const { return &v_; }

 private:
  T v_;
};

struct NanDouble {
  static double value() { return std::numeric_limits<double>::quiet_NaN(); }
  static bool is(double v) { return std::isnan(v); }
};
struct NanRange {
  static TelemetryRange value() { return {0, std::numeric_limits<double>::quiet_NaN(), 0}; }
  static bool is(const TelemetryRange& r) { return std::isnan(r.median); }
};
struct NegativeEcc {
  static EccDelta value() { return {-1, -1}; }
  static bool is(const EccDelta& e) { return e.corrected < 0; }
};

// What energy_report.cpp reads of CaseEnergy.
struct EnergyDigest {
  double window_s = 0;
  const std::string& work_unit;
  Maybe<double, NanDouble> work_per_joule;
};
struct NoEnergy {
  static EnergyDigest value();
  static bool is(const EnergyDigest& e) { return std::isnan(e.window_s); }
};

// The telemetry a report reads of each rank (energy_report, the telemetry criterion), kept
// for the benchmarks they read it of (report_reads_rank_telemetry).
struct TelemetryDigest {
  Maybe<double, NanDouble> throttled_fraction;
  Maybe<EnergyDigest, NoEnergy> energy;
  bool available = false;
};

// The devices' medians of one telemetry reading in a case: while the case is read, all of
// them; once it is complete (settle), only how many, their median, lowest and highest.
struct MedianSpread {
  std::vector<double> medians;
  std::size_t count = 0;
  double median = 0, lowest = 0, highest = 0;
  std::optional<TelemetryRange> first;  // the first device's whole range (printed when it is the only one)
  void settle();
};

// What the energy section reads of a case's telemetry, folded over the ranks whose telemetry
// was available as they are digested: the devices' medians, the worst throttled fraction,
// the throttle reasons' names and the new ECC errors.
struct TelemetryFold {
  std::int64_t sampled = 0;
  MedianSpread power_w, sm_clock_mhz, temperature_c;
  std::optional<double> worst_throttled_fraction;
  std::set<std::string> throttle_reasons;
  bool ecc_read = false;
  std::int64_t ecc_corrected = 0, ecc_uncorrected = 0;

  void add(const CaseTelemetry& t);  // one rank's (available or not)
  void merge(TelemetryFold&& later);  // the fold of the ranks after these
  void settle();                      // the case complete
};

struct RankDigest {
  int rank = 0;
  const std::string& status;
  const std::string& error;
  VerificationDigest verification;
  std::span<const MetricDigest> metrics;
  const TelemetryDigest* telemetry = nullptr;  // nullptr: the rank recorded none
  const json& info;                            // backend details: kept only where a section reads them
};

struct ReportCase {
  int index = 0;
  std::string id, benchmark;
  json params = json::object();
  int warmup = 0, iterations = 0;
  double timeout_s = 0;
  std::string started_at, finished_at;
  double wall_s = 0;
  std::string status;
  std::vector<Metric> metrics;  // job-wide figures, whole
  json info = json::object();
  std::vector<RankDigest> ranks;
  TelemetryFold telemetry;  // over `ranks`
  // What `ranks` points into: their metrics and telemetry, by batch of the reader (never
  // reallocated once made).
  Parts rank_storage;
};

struct ReportResults {
  ReportResults();
  // The digest of a whole ResultsFile (tests, and callers that read one anyway).
  ReportResults(const ResultsFile& whole);  // NOLINT(google-explicit-constructor): reports take either
  ReportResults(ReportResults&&) = default;
  ReportResults& operator=(ReportResults&&) = default;
  ReportResults(const ReportResults&) = delete;  // digests point into this file's pool
  ReportResults& operator=(const ReportResults&) = delete;

  // Adds one case (in file order); the rank results are dropped once digested.
  void add_case(CaseResult&& c);
  void add_case(const CaseResult& c);
  // Adds one case from the per-case reader: its header and its ranks' digests.
  void add_digested_case(CaseResult&& header, Parts&& parts);
  // What makes the digests of this file's rank results (on the reader's threads).
  RankDigester& digester() { return *digester_; }
  // Takes the rest of the file (everything but cases) from the per-case reader's result.
  void set_header(ResultsFile&& rest);

  std::string schema = kResultsSchema;
  RunInfo run;
  SuiteInfo suite;
  std::vector<RankIdentity> ranks;
  std::vector<ReportCase> cases;
  std::optional<HealthRecord> health;

 private:
  std::unique_ptr<TextPool> pool_;
  std::unique_ptr<RankDigester> digester_;
};

// Benchmarks whose report section reads each rank's `info` (storage_report.cpp); other ranks'
// info is not kept.
bool report_reads_rank_info(const std::string& benchmark);

// Benchmarks whose ranks' telemetry is read rank by rank (energy efficiency, the telemetry
// criterion: GEMM and STREAM); of the others only the case's TelemetryFold is kept.
bool report_reads_rank_telemetry(const std::string& benchmark);

// The report's reading of a results file: case by case, digests only.
ReportResults read_report_results(const std::string& path);

}  // namespace capbench
