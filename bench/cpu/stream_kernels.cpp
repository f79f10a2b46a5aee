#include "bench/cpu/stream_kernels.hpp"

#include <cstdlib>
#include <string>

namespace capbench {

std::vector<const StreamKernelTable*> runnable_stream_kernels() {
  __builtin_cpu_init();
  std::vector<const StreamKernelTable*> out;
  if (__builtin_cpu_supports("avx512f")) out.push_back(&stream_kernels_avx512());
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) out.push_back(&stream_kernels_avx2());
  out.push_back(&stream_kernels_sse2());
  return out;
}

const StreamKernelTable& stream_kernels() {
  static const StreamKernelTable* chosen = [] {
    const auto all = runnable_stream_kernels();
    if (const char* want = std::getenv("CAPBENCH_STREAM_ISA"))
      for (const auto* t : all)
        if (std::string(t->isa) == want) return t;
    return all.front();
  }();
  return *chosen;
}

}  // namespace capbench
