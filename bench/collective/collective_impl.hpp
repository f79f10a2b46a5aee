#pragma once
// Collectives behind one interface: MPI on the CPU backend, NCCL on the CUDA backend.
#include <cstdint>

#include "bench/backend.hpp"
#include "common/collectives.hpp"

namespace capbench {

// Element counts of one collective at one message size S (nccl-tests' meaning of S).
struct CollectiveShape {
  std::int64_t size_bytes = 0;  // S actually used (rounded down to whole elements per rank)
  std::int64_t send_count = 0;  // elements each rank sends (its input buffer)
  std::int64_t recv_count = 0;  // elements each rank receives (its output buffer)
};

// For all_gather, reduce_scatter and alltoall S is rounded down to a multiple of n elements.
CollectiveShape collective_shape(Collective op, std::int64_t requested_bytes, int nranks, int elem_bytes);

class CollectiveImpl {
 public:
  virtual ~CollectiveImpl() = default;
  virtual Support supports(Collective op, const std::string& dtype) const = 0;
  virtual void prepare(Collective op, const std::string& dtype, const CollectiveShape& shape, bool in_place,
                       std::uint64_t seed) = 0;
  // Seconds this rank spent in `reps` back-to-back operations, complete on this rank.
  virtual double time_batch(int reps) = 0;
  // Refills the verifiable inputs, runs once, and compares every element exactly.
  virtual Verification verify() = 0;
  virtual json info() const = 0;
  virtual void release() = 0;
};

}  // namespace capbench
