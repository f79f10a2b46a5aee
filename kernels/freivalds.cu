// Freivalds' check on the device, in FP64: the random vector x and one matrix-vector
// product kernel that also gathers the row norms the tolerance needs.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include "common/freivalds.hpp"
#include "kernels/device_util.cuh"
#include "kernels/kernels.hpp"

namespace capbench::kernels {

namespace {

constexpr int kRowChunk = 64;     // columns per block, thread-per-row variant
constexpr int kWarpChunk = 1024;  // columns per warp, warp-per-row variant

__global__ void freivalds_x_kernel(double* x, std::int64_t n, std::uint64_t seed, bool integer) {
  for (std::int64_t j = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; j < n;
       j += std::int64_t(gridDim.x) * blockDim.x)
    x[j] = freivalds_x(seed, std::uint64_t(j), integer);
}

struct MatvecOut {
  double* y;
  double* norm2;
  double* wnorm2;
  unsigned long long* nonfinite;
};

// Rows contiguous in memory (column-major, row_stride 1): one thread per row, a chunk of
// columns per block row; neighbouring threads read neighbouring elements.
template <class T>
__global__ void matvec_rows_kernel(const T* m, std::int64_t rows, std::int64_t cols, std::int64_t rs,
                                   std::int64_t cs, const double* v, MatvecOut out) {
  const std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x;
  if (i >= rows) return;
  for (std::int64_t j0 = std::int64_t(blockIdx.y) * kRowChunk; j0 < cols; j0 += std::int64_t(gridDim.y) * kRowChunk) {
    const std::int64_t j1 = j0 + kRowChunk < cols ? j0 + kRowChunk : cols;
    double acc = 0, n2 = 0, w2 = 0;
    unsigned long long bad = 0;
    for (std::int64_t j = j0; j < j1; ++j) {
      const double e = to_double(m[i * rs + j * cs]);
      if (!isfinite(e)) ++bad;
      const double vj = v[j];
      acc += e * vj;
      n2 += e * e;
      w2 += e * e * vj * vj;
    }
    atomicAdd(out.y + i, acc);
    if (out.norm2) atomicAdd(out.norm2 + i, n2);
    if (out.wnorm2) atomicAdd(out.wnorm2 + i, w2);
    if (bad && out.nonfinite) atomicAdd(out.nonfinite, bad);
  }
}

// Columns contiguous (a transposed operand, col_stride 1): one warp per row, lanes stride
// along the row.
template <class T>
__global__ void matvec_warps_kernel(const T* m, std::int64_t rows, std::int64_t cols, std::int64_t rs,
                                    std::int64_t cs, const double* v, MatvecOut out) {
  const int lane = threadIdx.x & 31;
  const std::int64_t i = blockIdx.x * std::int64_t(blockDim.x >> 5) + (threadIdx.x >> 5);
  if (i >= rows) return;  // whole warps leave together
  for (std::int64_t j0 = std::int64_t(blockIdx.y) * kWarpChunk; j0 < cols;
       j0 += std::int64_t(gridDim.y) * kWarpChunk) {
    const std::int64_t j1 = j0 + kWarpChunk < cols ? j0 + kWarpChunk : cols;
    double acc = 0, n2 = 0, w2 = 0, bad = 0;
    for (std::int64_t j = j0 + lane; j < j1; j += 32) {
      const double e = to_double(m[i * rs + j * cs]);
      if (!isfinite(e)) bad += 1;
      const double vj = v[j];
      acc += e * vj;
      n2 += e * e;
      w2 += e * e * vj * vj;
    }
    acc = warp_sum(acc);
    n2 = warp_sum(n2);
    w2 = warp_sum(w2);
    bad = warp_sum(bad);
    if (lane == 0) {
      atomicAdd(out.y + i, acc);
      if (out.norm2) atomicAdd(out.norm2 + i, n2);
      if (out.wnorm2) atomicAdd(out.wnorm2 + i, w2);
      if (bad > 0 && out.nonfinite) atomicAdd(out.nonfinite, static_cast<unsigned long long>(bad));
    }
  }
}

std::int64_t clamp_grid(std::int64_t g, std::int64_t cap) { return g < 1 ? 1 : (g > cap ? cap : g); }

template <class T>
cudaError_t launch_matvec(const void* m, std::int64_t rows, std::int64_t cols, std::int64_t rs, std::int64_t cs,
                          const double* v, MatvecOut out, cudaStream_t s) {
  const T* mt = static_cast<const T*>(m);
  if (cs == 1 && rs != 1) {
    const int rows_per_block = kBlock / 32;
    const dim3 grid(unsigned(clamp_grid((rows + rows_per_block - 1) / rows_per_block, 2147483647)),
                    unsigned(clamp_grid((cols + kWarpChunk - 1) / kWarpChunk, 65535)));
    matvec_warps_kernel<T><<<grid, kBlock, 0, s>>>(mt, rows, cols, rs, cs, v, out);
  } else {
    const dim3 grid(unsigned(clamp_grid((rows + kBlock - 1) / kBlock, 2147483647)),
                    unsigned(clamp_grid((cols + kRowChunk - 1) / kRowChunk, 65535)));
    matvec_rows_kernel<T><<<grid, kBlock, 0, s>>>(mt, rows, cols, rs, cs, v, out);
  }
  return cudaGetLastError();
}

}  // namespace

cudaError_t freivalds_vector(double* x, std::int64_t n, std::uint64_t seed, bool integer, cudaStream_t s) {
  freivalds_x_kernel<<<blocks_for(n), kBlock, 0, s>>>(x, n, seed, integer);
  return cudaGetLastError();
}

cudaError_t matvec_stats(ElemType t, const void* m, std::int64_t rows, std::int64_t cols, std::int64_t row_stride,
                         std::int64_t col_stride, const double* v, double* y, double* norm2, double* wnorm2,
                         unsigned long long* nonfinite, cudaStream_t s) {
  const MatvecOut out{y, norm2, wnorm2, nonfinite};
  switch (t) {
    case ElemType::f64: return launch_matvec<double>(m, rows, cols, row_stride, col_stride, v, out, s);
    case ElemType::f32: return launch_matvec<float>(m, rows, cols, row_stride, col_stride, v, out, s);
    case ElemType::f16: return launch_matvec<__half>(m, rows, cols, row_stride, col_stride, v, out, s);
    case ElemType::bf16: return launch_matvec<__nv_bfloat16>(m, rows, cols, row_stride, col_stride, v, out, s);
    case ElemType::fp8_e4m3: return launch_matvec<__nv_fp8_e4m3>(m, rows, cols, row_stride, col_stride, v, out, s);
    case ElemType::i8: return launch_matvec<std::int8_t>(m, rows, cols, row_stride, col_stride, v, out, s);
    case ElemType::i32: return launch_matvec<std::int32_t>(m, rows, cols, row_stride, col_stride, v, out, s);
  }
  return cudaErrorInvalidValue;
}

}  // namespace capbench::kernels
