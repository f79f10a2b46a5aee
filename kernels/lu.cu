// HPL's residual on the device: per row, (A·x − b)_i and Σ_j |A_ij|, with b regenerated
// from its seed. One thread per row; neighbouring threads read neighbouring elements of a
// column-major A, so every column read is coalesced.
#include <algorithm>
#include <cmath>

#include "common/random.hpp"
#include "kernels/kernels.hpp"

namespace capbench::kernels {

namespace {

__global__ void lu_residual_rows_kernel(const double* a, std::int64_t n, const double* x, std::uint64_t b_seed,
                                        double* residual, double* row_abs) {
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < n;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    double sum = 0, abs_sum = 0;
    for (std::int64_t j = 0; j < n; ++j) {
      const double v = a[i + j * n];
      sum = fma(v, x[j], sum);
      abs_sum += fabs(v);
    }
    residual[i] = sum - uniform_pm1(b_seed, std::uint64_t(i));
    row_abs[i] = abs_sum;
  }
}

}  // namespace

cudaError_t lu_residual_rows(const double* a, std::int64_t n, const double* x, std::uint64_t b_seed,
                             double* residual, double* row_abs, cudaStream_t stream) {
  constexpr int block = 128;
  const auto grid = static_cast<unsigned>(std::min<std::int64_t>((n + block - 1) / block, 1 << 20));
  lu_residual_rows_kernel<<<grid, block, 0, stream>>>(a, n, x, b_seed, residual, row_abs);
  return cudaGetLastError();
}

}  // namespace capbench::kernels
