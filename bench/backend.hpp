#pragma once
// A backend is one programming model (CPU now, CUDA beside it). Each benchmark is one
// interface with an implementation per backend, in the manner of BabelStream's Stream<T>;
// the timing loop, statistics and result shape live once, in the generic benchmark.
#include <cstdint>
#include <memory>
#include <string>

#include "bench/case_phases.hpp"
#include "bench/comm/comm.hpp"
#include "bench/comm/deadline.hpp"
#include "common/results.hpp"
#include "common/suite.hpp"

namespace capbench {

// Whether a case can run here, and why not (nvbandwidth's filter()).
struct Support {
  bool ok = true;
  std::string reason;
  static Support yes() { return {}; }
  static Support no(std::string why) { return {false, std::move(why)}; }
};

// Thrown by a benchmark when its case ran past the deadline.
struct CaseTimeout : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The timed part of a case, for the backend's energy reading (CUDA: NVML's total-energy
// counter at its start and end). Benchmarks bracket their timed loop with begin()/end() and
// state the work done in it; a backend that reads no energy leaves CaseContext::window null.
struct TimedWindow {
  virtual ~TimedWindow() = default;
  virtual void begin() = 0;
  virtual void end() = 0;
  virtual void add_work(double amount, const std::string& unit) = 0;  // unit: FLOP | OP | B
};

// Everything one rank knows while it runs one case.
struct CaseContext {
  const PlannedCase& spec;
  Comm& comm;
  std::uint64_t seed;       // derived from the suite seed, the rank and the case
  std::uint64_t case_seed;  // the same on every rank: for inputs one rank must predict of another
  Deadline deadline;
  // Fault injection (tests only, CAPBENCH_FAULT kind=wrong): corrupt one output element after
  // the timed loop and before the benchmark's own check, which must then fail.
  bool corrupt_result = false;
  TimedWindow* window = nullptr;  // the backend's energy window; null where none is read
  // Fault injection (CAPBENCH_FAULT kind=flip): a storage read phase flips one stored byte of
  // the file it is about to read, between the write and the read; its check must then fail.
  bool flip_stored_byte = false;
  CasePhases* phases = nullptr;  // rank 0's progress (the measured warm-up for the ETA); null elsewhere
};

class Benchmark {
 public:
  virtual ~Benchmark() = default;
  virtual std::string key() const = 0;
  virtual std::string description() const = 0;
  virtual Support filter(const PlannedCase& spec) const = 0;
  // Measures and verifies; throws on failure (the runner records the message).
  virtual RankResult run(const CaseContext& ctx) = 0;
  // Non-empty when run() returns figures of the whole job, the same on every rank (a
  // collective's time is the slowest rank's): the runner records them once, in the case, with
  // this text as their basis, instead of once per rank.
  virtual std::string job_wide_basis() const { return {}; }
  // Keys the runner adds to the case's info after run() (rank 0's), e.g. the fabric's
  // node x node matrices; null when none.
  virtual json job_wide_info() const { return nullptr; }
};

struct BackendOptions {
  int threads = 0;  // CPU threads per rank; 0: the node's cores shared among its ranks
  int device = -1;  // GPU ordinal; -1: the node-local rank modulo the visible GPUs
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::string name() const = 0;  // "cpu" | "cuda"
  virtual DeviceIdentity identity() const = 0;
  // nullptr when this backend has no implementation of that benchmark.
  virtual std::unique_ptr<Benchmark> make_benchmark(const std::string& benchmark) = 0;
  // Per-case hooks for telemetry; the returned object lands in the rank's info.telemetry.
  virtual void begin_case(const PlannedCase&) {}
  virtual json end_case() { return nullptr; }
  // The energy window of the case under way (null: this backend reads no energy).
  virtual TimedWindow* timed_window() { return nullptr; }
  // False once the device hit an unrecoverable (sticky) error: later cases are skipped on
  // this rank while it still takes part in every exchange.
  virtual bool healthy() const { return true; }
  virtual std::string health_reason() const { return {}; }
};

std::unique_ptr<Backend> make_cpu_backend(const BackendOptions& opts, const Comm& comm);

// CUDA: compiled only where nvcc was found (bench/cuda/). `cuda_backend_status` says
// whether a CUDA backend can run here, and why not.
Support cuda_backend_status();
// GPUs the CUDA runtime shows this process (0 without CUDA, a driver or a device).
int cuda_visible_device_count();
std::unique_ptr<Backend> make_cuda_backend(const BackendOptions& opts, const Comm& comm);

}  // namespace capbench
