// Collective payloads generated on the device and outputs compared exactly on the device.
#include <climits>

#include "kernels/collective_expect.hpp"
#include "kernels/device_util.cuh"
#include "kernels/kernels.hpp"

namespace capbench::kernels {

namespace {

template <class T>
__global__ void collective_fill_kernel(T* p, std::int64_t count, std::uint64_t seed, int rank, std::int64_t offset) {
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < count;
       i += std::int64_t(gridDim.x) * blockDim.x)
    p[i] = static_cast<T>(collective_input(seed, rank, offset + i));
}

template <class T>
__global__ void collective_check_kernel(const T* p, std::int64_t count, Collective op, std::uint64_t seed, int nranks,
                                        int rank, std::int64_t send_count, std::int64_t recv_count,
                                        CollectiveCheckCounts* out) {
  double bad = 0, worst = 0;
  unsigned long long first = ULLONG_MAX;
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < count;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    const double got = static_cast<double>(p[i]);
    const double want = collective_expected(op, seed, nranks, rank, send_count, recv_count, i);
    if (!(got == want)) {
      bad += 1;
      worst = fmax(worst, isfinite(got) ? fabs(got - want) : 1e300);
      if (static_cast<unsigned long long>(i) < first) first = static_cast<unsigned long long>(i);
    }
  }
  bad = block_sum(bad);
  if (threadIdx.x == 0 && bad > 0) atomicAdd(&out->mismatches, static_cast<unsigned long long>(bad));
  if (first != ULLONG_MAX) atomicMin(&out->first_bad, first);
  if (worst > 0) atomic_max_nonneg(&out->worst_bits, worst);
}

}  // namespace

cudaError_t collective_fill(bool fp64, void* p, std::int64_t count, std::uint64_t seed, int rank, std::int64_t offset,
                            cudaStream_t s) {
  const int g = blocks_for(count, kBlock, 8192);
  if (fp64)
    collective_fill_kernel<double><<<g, kBlock, 0, s>>>(static_cast<double*>(p), count, seed, rank, offset);
  else
    collective_fill_kernel<float><<<g, kBlock, 0, s>>>(static_cast<float*>(p), count, seed, rank, offset);
  return cudaGetLastError();
}

cudaError_t collective_check(bool fp64, int op, const void* p, std::int64_t count, std::uint64_t seed, int nranks,
                             int rank, std::int64_t send_count, std::int64_t recv_count, CollectiveCheckCounts* out,
                             cudaStream_t s) {
  const int g = blocks_for(count, kBlock, 8192);
  const auto c = static_cast<Collective>(op);
  if (fp64)
    collective_check_kernel<double><<<g, kBlock, 0, s>>>(static_cast<const double*>(p), count, c, seed, nranks, rank,
                                                         send_count, recv_count, out);
  else
    collective_check_kernel<float><<<g, kBlock, 0, s>>>(static_cast<const float*>(p), count, c, seed, nranks, rank,
                                                        send_count, recv_count, out);
  return cudaGetLastError();
}

}  // namespace capbench::kernels
