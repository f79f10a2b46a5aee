// STREAM kernels: 16-byte vector loads and stores with a scalar tail, grid-stride loops on
// a grid sized by the caller from the SM count; dot as block partials plus one final sum.
#include <cmath>

#include "common/stream_data.hpp"
#include "kernels/device_util.cuh"
#include "kernels/kernels.hpp"

namespace capbench::kernels {

namespace {

template <class T> struct Vec;
template <> struct Vec<double> { using type = double2; static constexpr int width = 2; };
template <> struct Vec<float> { using type = float4; static constexpr int width = 4; };

__device__ inline double2 vadd(double2 x, double2 y) { return {x.x + y.x, x.y + y.y}; }
__device__ inline float4 vadd(float4 x, float4 y) { return {x.x + y.x, x.y + y.y, x.z + y.z, x.w + y.w}; }
__device__ inline double2 vscale(double s, double2 x) { return {s * x.x, s * x.y}; }
__device__ inline float4 vscale(float s, float4 x) { return {s * x.x, s * x.y, s * x.z, s * x.w}; }
__device__ inline double vdot(double2 x, double2 y) { return x.x * y.x + x.y * y.y; }
__device__ inline float vdot(float4 x, float4 y) { return x.x * y.x + x.y * y.y + x.z * y.z + x.w * y.w; }

template <class T>
__global__ void init_kernel(T* a, T* b, T* c, std::int64_t n, std::uint64_t seed) {
  const auto sa = stream_seed_a(seed), sb = stream_seed_b(seed), sc = stream_seed_c(seed);
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < n;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    a[i] = static_cast<T>(stream_initial_value(sa, i));
    b[i] = static_cast<T>(stream_initial_value(sb, i));
    c[i] = static_cast<T>(stream_initial_value(sc, i));
  }
}

// op 0: c = a; 1: b = s·c; 2: c = a + b; 3: a = b + s·c.
template <class T, int Op>
__global__ void op_kernel(T* __restrict__ a, T* __restrict__ b, T* __restrict__ c, std::int64_t n, T s) {
  using V = typename Vec<T>::type;
  constexpr int W = Vec<T>::width;
  const std::int64_t nv = n / W;
  const std::int64_t tid = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x;
  const std::int64_t stride = std::int64_t(gridDim.x) * blockDim.x;
  V* av = reinterpret_cast<V*>(a);
  V* bv = reinterpret_cast<V*>(b);
  V* cv = reinterpret_cast<V*>(c);
  for (std::int64_t i = tid; i < nv; i += stride) {
    if constexpr (Op == 0) cv[i] = av[i];
    if constexpr (Op == 1) bv[i] = vscale(s, cv[i]);
    if constexpr (Op == 2) cv[i] = vadd(av[i], bv[i]);
    if constexpr (Op == 3) av[i] = vadd(bv[i], vscale(s, cv[i]));
  }
  const std::int64_t i = nv * W + tid;  // the scalar tail, fewer than W elements
  if (i < n) {
    if constexpr (Op == 0) c[i] = a[i];
    if constexpr (Op == 1) b[i] = s * c[i];
    if constexpr (Op == 2) c[i] = a[i] + b[i];
    if constexpr (Op == 3) a[i] = b[i] + s * c[i];
  }
}

// Each thread sums in T (as the CPU version sums its blocks in T); blocks combine in FP64.
template <class T>
__global__ void dot_partial_kernel(const T* __restrict__ a, const T* __restrict__ b, std::int64_t n,
                                   double* partials) {
  using V = typename Vec<T>::type;
  constexpr int W = Vec<T>::width;
  const std::int64_t nv = n / W;
  const std::int64_t tid = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x;
  const std::int64_t stride = std::int64_t(gridDim.x) * blockDim.x;
  const V* av = reinterpret_cast<const V*>(a);
  const V* bv = reinterpret_cast<const V*>(b);
  T part = 0;
  for (std::int64_t i = tid; i < nv; i += stride) part += vdot(av[i], bv[i]);
  const std::int64_t i = nv * W + tid;
  if (i < n) part += a[i] * b[i];
  const double sum = block_sum(static_cast<double>(part));
  if (threadIdx.x == 0) partials[blockIdx.x] = sum;
}

__global__ void sum_kernel(const double* partials, int count, double* result) {
  double v = 0;
  for (int i = threadIdx.x; i < count; i += blockDim.x) v += partials[i];
  v = block_sum(v);
  if (threadIdx.x == 0) *result = v;
}

template <class T>
__global__ void check_kernel(const T* a, const T* b, const T* c, std::int64_t n, std::uint64_t seed, double fa,
                             double fb, double fc, double tol, StreamCheckCounts* out) {
  const auto sa = stream_seed_a(seed);
  double bad = 0, dot = 0, worst = 0;
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < n;
       i += std::int64_t(gridDim.x) * blockDim.x) {
    const double a0 = static_cast<double>(static_cast<T>(stream_initial_value(sa, i)));
    const double ea = a0 * fa, eb = a0 * fb, ec = a0 * fc;
    const double ra = fabs(double(a[i]) - ea) / ea;
    const double rb = fabs(double(b[i]) - eb) / eb;
    const double rc = fabs(double(c[i]) - ec) / ec;
    const double r = fmax(ra, fmax(rb, rc));
    const bool finite = isfinite(ra) && isfinite(rb) && isfinite(rc);
    if (!finite || !(r <= tol)) bad += 1;  // NaN counts as bad
    worst = fmax(worst, finite ? r : 1e300);
    dot += ea * eb;
  }
  bad = block_sum(bad);
  dot = block_sum(dot);
  if (threadIdx.x == 0) {
    atomicAdd(&out->mismatches, static_cast<unsigned long long>(bad));
    atomicAdd(&out->expected_dot, dot);
  }
  atomic_max_nonneg(&out->worst_bits, worst);
}

template <class T>
cudaError_t launch_op(int op, void* a, void* b, void* c, std::int64_t n, double scalar, int grid, cudaStream_t st) {
  T* pa = static_cast<T*>(a);
  T* pb = static_cast<T*>(b);
  T* pc = static_cast<T*>(c);
  const T s = static_cast<T>(scalar);
  switch (op) {
    case 0: op_kernel<T, 0><<<grid, kBlock, 0, st>>>(pa, pb, pc, n, s); break;
    case 1: op_kernel<T, 1><<<grid, kBlock, 0, st>>>(pa, pb, pc, n, s); break;
    case 2: op_kernel<T, 2><<<grid, kBlock, 0, st>>>(pa, pb, pc, n, s); break;
    case 3: op_kernel<T, 3><<<grid, kBlock, 0, st>>>(pa, pb, pc, n, s); break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

}  // namespace

cudaError_t stream_init(bool fp64, void* a, void* b, void* c, std::int64_t n, std::uint64_t seed, int grid,
                        cudaStream_t st) {
  if (fp64)
    init_kernel<double><<<grid, kBlock, 0, st>>>(static_cast<double*>(a), static_cast<double*>(b),
                                                 static_cast<double*>(c), n, seed);
  else
    init_kernel<float><<<grid, kBlock, 0, st>>>(static_cast<float*>(a), static_cast<float*>(b),
                                                static_cast<float*>(c), n, seed);
  return cudaGetLastError();
}

cudaError_t stream_op(bool fp64, int op, void* a, void* b, void* c, std::int64_t n, double scalar, int grid,
                      cudaStream_t st) {
  return fp64 ? launch_op<double>(op, a, b, c, n, scalar, grid, st)
              : launch_op<float>(op, a, b, c, n, scalar, grid, st);
}

cudaError_t stream_dot(bool fp64, const void* a, const void* b, std::int64_t n, double* partials, double* result,
                       int grid, cudaStream_t st) {
  if (fp64)
    dot_partial_kernel<double><<<grid, kBlock, 0, st>>>(static_cast<const double*>(a), static_cast<const double*>(b),
                                                        n, partials);
  else
    dot_partial_kernel<float><<<grid, kBlock, 0, st>>>(static_cast<const float*>(a), static_cast<const float*>(b), n,
                                                       partials);
  sum_kernel<<<1, 1024, 0, st>>>(partials, grid, result);
  return cudaGetLastError();
}

cudaError_t stream_check(bool fp64, const void* a, const void* b, const void* c, std::int64_t n, std::uint64_t seed,
                         double fa, double fb, double fc, double tol, StreamCheckCounts* out, int grid,
                         cudaStream_t st) {
  if (fp64)
    check_kernel<double><<<grid, kBlock, 0, st>>>(static_cast<const double*>(a), static_cast<const double*>(b),
                                                  static_cast<const double*>(c), n, seed, fa, fb, fc, tol, out);
  else
    check_kernel<float><<<grid, kBlock, 0, st>>>(static_cast<const float*>(a), static_cast<const float*>(b),
                                                 static_cast<const float*>(c), n, seed, fa, fb, fc, tol, out);
  return cudaGetLastError();
}

}  // namespace capbench::kernels
