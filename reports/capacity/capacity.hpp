#pragma once
// What a results file says about capacity: per GPU, per model and per precision, measured,
// projected to the declared fleet, datasheet peak and owner-declared figures, each kept
// apart, and the comparison with the target in the target's precision and basis only.
// docs/methodology.md states every rule used here.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/gpu_sharing.hpp"
#include "common/results.hpp"
#include "reports/input/report_results.hpp"
#include "reports/system/gpu_database.hpp"
#include "reports/system/system_config.hpp"

namespace capbench {

// Appended to "fp8_e4m3" for the family of FP8 GEMMs run with cuBLASLt's fast accumulation.
inline constexpr const char* kFastAccumulationSuffix = "_fast_accum";

struct GpuIdentity {
  int rank = 0, node_index = 0;
  std::string host, bus_id, serial, uuid, name, pci_device_id, kind;
  const GpuModel* model = nullptr;  // nullptr: peak unknown
  std::string model_key;            // database key, or "unknown:<device name>"
  std::string model_label;
  // CPU ranks: the peak model the backend recorded (device.details.peak_model), FLOP/s.
  std::optional<double> cpu_peak_fp64, cpu_peak_fp32;
  std::string cpu_peak_fp64_text, cpu_peak_fp32_text;  // "1 core x 32 FLOP/cycle (avx512 ...) x 4.10 GHz, measured clock"
  std::string cpu_peak_basis;                          // the clock basis in full
  std::vector<int> shares_gpu_with;  // the other ranks on this rank's GPU (common/gpu_sharing.hpp)
};

// One GPU's figure in one family (GEMM in a precision, or STREAM triad in a precision).
struct GpuFigure {
  int rank = 0;
  std::optional<double> value;  // base units; empty when the GPU has no verified figure
  std::string best_case;        // the case (shape) the value is from
  std::string problem;          // why there is no value
  std::optional<double> peak;   // the datasheet bound for this GPU, same unit
  std::optional<double> model_median;
  double z = 0;                 // modified z-score within its model (0 when too few GPUs)
  bool outlier = false;
  bool on_shared_gpu = false;   // verified, but kept out: the rank shared its GPU with another
};

struct ModelRow {
  std::string model_key, label;
  int gpus = 0, measured = 0;  // ranks of this model in the cases / with a verified figure
  int devices = 0;             // distinct GPUs among those ranks: ranks sharing one count once
  double median = 0, min = 0, max = 0, sum = 0;
  std::optional<double> peak_per_gpu;
  std::string peak_figure, peak_source, peak_note;
  std::optional<std::int64_t> declared_count;  // from the system's inventory
  std::optional<double> projected;             // median x declared count
};

struct FamilyFigures {
  std::string benchmark;  // "gemm" | "stream"
  std::string precision, unit;
  std::vector<std::string> cases;
  std::vector<GpuFigure> gpus;  // every rank that took part (not skipped), by rank
  int devices = 0;              // distinct GPUs among those ranks: ranks sharing one count once
  std::vector<ModelRow> models;
  int measured = 0;
  int on_shared_gpus = 0;  // ranks whose verified figure is kept out because they shared a GPU
  double measured_sum = 0, slowest = 0, n_times_slowest = 0;
  int slowest_rank = -1;
  // Efficiency over the measured GPUs whose peak is known.
  double peak_sum_known = 0, measured_sum_known = 0;
  int gpus_peak_known = 0;
  std::optional<double> efficiency;
  // Fleet (only with a system description, GEMM only).
  bool projection_made = false;
  double projected = 0;
  std::int64_t projected_gpus = 0;  // declared GPUs of measured models: those the projection covers
  std::vector<std::string> projection_notes;
  std::optional<double> fleet_peak;  // datasheet peak of the declared CUDA inventory
  bool fleet_peak_complete = false;
  std::int64_t fleet_peak_gpus = 0;  // declared GPUs whose peak is in fleet_peak
  std::vector<std::string> fleet_peak_notes;
};

// One message size of a collective. Job-wide basis (results/2): busbw_min and busbw_median
// are both the median over timed iterations of the job's busbw, each iteration timed by its
// slowest rank, and no single rank is named (slowest_rank -1). Per-rank basis (results/1):
// the lowest and the median of the ranks' own medians, and the rank with the lowest.
struct CollectivePoint {
  double size_bytes = 0;
  double busbw_min = 0, busbw_median = 0;  // B/s; busbw_min is the figure criteria and charts use
  int slowest_rank = -1, ranks = 0;        // slowest_rank -1: not known (job-wide basis)
};

struct CollectiveSeries {
  std::string case_id, operation, dtype, status;
  bool in_place = false;
  bool job_wide = false;   // figures from the case's job-wide metrics, not from each rank's
  std::string basis_note;  // the case's own account of how they were formed (info.metrics_basis)
  int ranks_ok = 0, ranks_total = 0;
  std::vector<CollectivePoint> points;  // only when every rank verified; empty otherwise
  // Set when the case has no bandwidth figure by its nature: on one rank (or with every rank
  // on one GPU) a collective moves nothing between devices, so points stay empty.
  std::string no_bandwidth_reason;
};

// The sentence renderers print under a collective's figures, for either basis.
std::string collective_basis_text(const CollectiveSeries& s);

struct Outlier {
  std::string family;  // e.g. "GEMM bf16"
  std::string model_label;
  int rank = 0;
  double value = 0, model_median = 0, z = 0;
  std::string unit;
};

struct DeclaredRow {
  std::string model;
  std::int64_t count = 0;
  bool measurable = false;
  std::string reason;  // why it is declared only
  std::vector<DeclaredFigure> figures;
  std::string note;
};

struct TargetComparison {
  bool evaluated = false;
  std::string reason;  // when not evaluated
  std::string precision, basis, unit;
  double target = 0;   // base units
  int gpus_measured = 0;
  std::int64_t gpus_declared_cuda = 0;
  std::int64_t gpus_in_fleet_peak = 0;  // declared GPUs whose datasheet peak is known
  std::optional<double> measured, projected, fleet_peak, peak_of_measured;
  std::optional<double> measured_fraction, projected_fraction;            // sustained basis
  std::optional<double> fleet_peak_fraction, measured_of_peak, projected_of_fleet_peak;  // peak basis
  std::vector<std::string> notes;
};

struct RunProblem {
  std::string case_id;
  int rank = -1;
  std::string status, verification, detail;
};

struct Analysis {
  const ReportResults* results = nullptr;
  std::shared_ptr<const ReportResults> owned_results;  // set when analyze made the digest itself
  std::string results_path, results_sha256;
  const GpuDatabase* db = nullptr;
  const SystemConfig* system = nullptr;
  bool cpu_backend = false;
  std::vector<GpuIdentity> gpus;           // indexed by rank
  std::vector<FamilyFigures> gemm;         // one per precision measured, in capbench's order
  std::vector<FamilyFigures> stream;       // triad bandwidth per precision
  std::vector<CollectiveSeries> collectives;
  std::vector<Outlier> outliers;
  std::vector<DeclaredRow> declared;
  TargetComparison target;
  std::vector<RunProblem> problems;        // failed, timed out, missing, unverified ranks
  std::vector<std::string> models_in_run;  // labels, with counts
  std::vector<SharedGpu> shared_gpus;       // GPUs more than one rank ran on: their figures are kept out
};

Analysis analyze(const ReportResults& results, const std::string& results_path, const std::string& results_sha256,
                 const GpuDatabase& db, const SystemConfig* system);
// The same over a whole ResultsFile: its digest, kept by the Analysis.
Analysis analyze(const ResultsFile& results, const std::string& results_path, const std::string& results_sha256,
                 const GpuDatabase& db, const SystemConfig* system);

// How many GPUs these ranks (indices into gpus) ran on: ranks sharing one count once.
int distinct_gpus(const std::vector<GpuIdentity>& gpus, const std::vector<int>& ranks);
// How many GPUs every rank of the run ran on.
int distinct_gpus(const std::vector<GpuIdentity>& gpus);

const FamilyFigures* find_family(const std::vector<FamilyFigures>& v, const std::string& precision);

inline constexpr double kOutlierZ = 3.5;
inline constexpr int kOutlierMinGpus = 3;

}  // namespace capbench
