#pragma once
#include <memory>

#include "bench/backend.hpp"
#include "bench/collective/collective_impl.hpp"
#include "bench/gemm/gemm_impl.hpp"
#include "bench/lu/lu_impl.hpp"
#include "bench/stream/stream_impl.hpp"

namespace capbench {

std::unique_ptr<GemmImpl> make_cpu_gemm(int threads);
std::unique_ptr<StreamImpl> make_cpu_stream(int threads, int ranks_on_node);
std::unique_ptr<CollectiveImpl> make_mpi_collective(const Comm& comm);
std::unique_ptr<LuImpl> make_cpu_lu(int threads, int ranks_on_node);

// Bytes of last-level cache on this node, all instances together (e.g. both sockets' L3).
std::int64_t last_level_cache_bytes();
// Threads for one rank: the node's cores shared among its ranks, at least one.
int cpu_threads_per_rank(int ranks_on_node);

}  // namespace capbench
