// Transfer payloads: a seeded word pattern written and checked on the device.
#include "kernels/device_util.cuh"
#include "kernels/kernels.hpp"
#include "kernels/pattern.hpp"

namespace capbench::kernels {

namespace {

__global__ void pattern_fill_kernel(std::uint32_t* p, std::int64_t words, std::uint64_t seed) {
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < words;
       i += std::int64_t(gridDim.x) * blockDim.x)
    p[i] = pattern_word(seed, i);
}

__global__ void pattern_compare_kernel(const std::uint32_t* p, std::int64_t words, std::uint64_t seed,
                                       unsigned long long* mismatches) {
  double bad = 0;
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < words;
       i += std::int64_t(gridDim.x) * blockDim.x)
    if (p[i] != pattern_word(seed, i)) bad += 1;
  bad = block_sum(bad);
  if (threadIdx.x == 0 && bad > 0) atomicAdd(mismatches, static_cast<unsigned long long>(bad));
}

}  // namespace

cudaError_t pattern_fill(std::uint32_t* p, std::int64_t words, std::uint64_t seed, cudaStream_t s) {
  pattern_fill_kernel<<<blocks_for(words, kBlock, 8192), kBlock, 0, s>>>(p, words, seed);
  return cudaGetLastError();
}

cudaError_t pattern_compare(const std::uint32_t* p, std::int64_t words, std::uint64_t seed,
                            unsigned long long* mismatches, cudaStream_t s) {
  pattern_compare_kernel<<<blocks_for(words, kBlock, 8192), kBlock, 0, s>>>(p, words, seed, mismatches);
  return cudaGetLastError();
}

}  // namespace capbench::kernels
