#pragma once
// The value element i of a collective's output must hold, for every operation capbench
// measures (the MPI backend's rule, usable on the device).
#include <cstdint>

#include "common/collective_data.hpp"
#include "common/collectives.hpp"

namespace capbench {

CAPBENCH_HD inline double collective_expected(Collective op, std::uint64_t seed, int nranks, int rank,
                                              std::int64_t send_count, std::int64_t recv_count, std::int64_t i) {
  switch (op) {
    case Collective::all_reduce: return collective_sum(seed, nranks, i);
    case Collective::reduce_scatter: return collective_sum(seed, nranks, rank * recv_count + i);
    case Collective::all_gather: return collective_input(seed, static_cast<int>(i / send_count), i % send_count);
    case Collective::alltoall: {
      const std::int64_t per_peer = recv_count / nranks;
      return collective_input(seed, static_cast<int>(i / per_peer), rank * per_peer + i % per_peer);
    }
    case Collective::broadcast: return collective_input(seed, 0, i);
    default: return 0;
  }
}

}  // namespace capbench
