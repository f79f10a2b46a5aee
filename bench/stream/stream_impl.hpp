#pragma once
// The STREAM kernels behind one interface (after BabelStream's Stream<T>).
#include <array>
#include <cstdint>
#include <string_view>

#include "bench/backend.hpp"

namespace capbench {

enum class StreamKernel { copy, mul, add, triad, dot };

struct StreamKernelInfo {
  StreamKernel kernel;
  std::string_view key;
  int arrays_moved;  // bytes counted as STREAM does: arrays read + written, × N × sizeof(T)
};

inline constexpr std::array<StreamKernelInfo, 5> kStreamKernels{{
    {StreamKernel::copy, "copy", 2},    // c = a
    {StreamKernel::mul, "mul", 2},      // b = s·c
    {StreamKernel::add, "add", 3},      // c = a + b
    {StreamKernel::triad, "triad", 3},  // a = b + s·c
    {StreamKernel::dot, "dot", 2},      // Σ a·b
}};

inline constexpr double kStreamScalar = 0.4;

// After k iterations of copy, mul, add, triad every element is a multiple of its initial a:
// a = a0·α, b = a0·β, c = a0·γ. The backend compares each element against that.
struct StreamExpectation {
  double a_factor = 1, b_factor = 1, c_factor = 1;
  double rel_tolerance = 0;
};

struct StreamCheck {
  std::int64_t mismatches = 0;
  double max_rel_error = 0;
  double expected_dot = 0;  // Σ expected a_i · expected b_i, in FP64
};

class StreamImpl {
 public:
  virtual ~StreamImpl() = default;
  virtual Support supports(const std::string& precision) const = 0;
  // Elements per array that put every array at `llc_multiple` × the last-level cache.
  virtual std::int64_t auto_elements(const std::string& precision, double llc_multiple) const = 0;
  // a ← random from seed, b and c ← other random values (overwritten by the first pass).
  virtual void prepare(const std::string& precision, std::int64_t elements, std::uint64_t seed) = 0;
  // Seconds for `reps` back-to-back launches of one kernel.
  virtual double time_batch(StreamKernel k, int reps) = 0;
  virtual double last_dot() const = 0;
  virtual StreamCheck check(const StreamExpectation& e) = 0;
  virtual json info() const = 0;
  virtual void release() = 0;
};

}  // namespace capbench
