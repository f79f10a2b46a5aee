// STREAM kernels: 16-byte vector loads and stores with a scalar tail, as grid-stride loops on
// a grid sized by the caller from the SM count or as tiles on a grid that covers the arrays
// once (StreamLaunch); dot as block partials plus one final sum.
#include <algorithm>
#include <climits>
#include <cmath>

#include "common/stream_data.hpp"
#include "kernels/device_util.cuh"
#include "kernels/kernels.hpp"

namespace capbench::kernels {

namespace {

template <class T> struct Vec;
template <> struct Vec<double> { using type = double2; static constexpr int width = 2; };
template <> struct Vec<float> { using type = float4; static constexpr int width = 4; };

// On one element (the scalar tail) and on a 16-byte vector.
template <class T>
__device__ inline T vadd(T x, T y) { return x + y; }
template <class T>
__device__ inline T vscale(T s, T x) { return s * x; }
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

// op 0: c = a; 1: b = s·c; 2: c = a + b; 3: a = b + s·c; kInputs: how many arrays each reads.
template <int Op>
inline constexpr int kInputs = Op < 2 ? 1 : 2;

// The op on one element or vector, from its inputs (x: a, c, a, b; y: -, -, b, c).
template <int Op, class E, class S>
__device__ inline E apply_op(E x, E y, S s) {
  if constexpr (Op == 0) return x;
  if constexpr (Op == 1) return vscale(s, x);
  if constexpr (Op == 2) return vadd(x, y);
  return vadd(x, vscale(s, y));
}

// The arrays an op reads (x, and y where it has two inputs) and the one it writes.
template <class T, int Op>
struct OpArrays {
  using V = typename Vec<T>::type;
  T* x;
  T* y;
  T* out;
  __device__ OpArrays(T* a, T* b, T* c)
      : x(Op == 0 || Op == 2 ? a : (Op == 1 ? c : b)), y(Op == 2 ? b : (Op == 3 ? c : a)),
        out(Op == 0 || Op == 2 ? c : (Op == 1 ? b : a)) {}
  // The same arrays as 16-byte vectors.
  __device__ const V* xv() const { return reinterpret_cast<const V*>(x); }
  __device__ const V* yv() const { return reinterpret_cast<const V*>(y); }
  __device__ V* ov() const { return reinterpret_cast<V*>(out); }
};

// The fewer than W elements past the last whole vector, one per thread of the first block.
template <class T, int Op>
__device__ inline void scalar_tail(const OpArrays<T, Op>& p, std::int64_t n, std::int64_t vectors, T s) {
  const std::int64_t i = vectors * Vec<T>::width + blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x;
  if (i < n) p.out[i] = apply_op<Op>(p.x[i], kInputs<Op> == 2 ? p.y[i] : T(0), s);
}

template <class T, int Op>
__global__ void op_kernel(T* __restrict__ a, T* __restrict__ b, T* __restrict__ c, std::int64_t n, T s) {
  using V = typename Vec<T>::type;
  const OpArrays<T, Op> p(a, b, c);
  const std::int64_t nv = n / Vec<T>::width;
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < nv;
       i += std::int64_t(gridDim.x) * blockDim.x)
    p.ov()[i] = apply_op<Op>(p.xv()[i], kInputs<Op> == 2 ? p.yv()[i] : V{}, s);
  scalar_tail(p, n, nv, s);
}

// One tile of U·blockDim vectors per block: every load of a thread is issued before its first
// store, so U independent loads per input array are in flight.
template <class T, int Op, int U>
__global__ void op_tiled_kernel(T* __restrict__ a, T* __restrict__ b, T* __restrict__ c, std::int64_t n, T s) {
  using V = typename Vec<T>::type;
  const OpArrays<T, Op> p(a, b, c);
  const std::int64_t nv = n / Vec<T>::width;
  const std::int64_t first = std::int64_t(blockIdx.x) * blockDim.x * U + threadIdx.x;
  V x[U], y[U];
#pragma unroll
  for (int u = 0; u < U; ++u) {
    const std::int64_t i = first + std::int64_t(u) * blockDim.x;
    if (i < nv) {
      x[u] = p.xv()[i];
      y[u] = kInputs<Op> == 2 ? p.yv()[i] : V{};
    }
  }
#pragma unroll
  for (int u = 0; u < U; ++u) {
    const std::int64_t i = first + std::int64_t(u) * blockDim.x;
    if (i < nv) p.ov()[i] = apply_op<Op>(x[u], y[u], s);
  }
  scalar_tail(p, n, nv, s);
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

template <class T, int Op>
cudaError_t launch_one(T* a, T* b, T* c, std::int64_t n, T s, StreamLaunch launch, cudaStream_t st) {
  if (launch.vectors_per_thread == 0) {
    op_kernel<T, Op><<<launch.grid, kBlock, 0, st>>>(a, b, c, n, s);
    return cudaGetLastError();
  }
  const std::int64_t per_block = std::int64_t(kBlock) * launch.vectors_per_thread;
  const std::int64_t blocks = std::max<std::int64_t>(1, (n / Vec<T>::width + per_block - 1) / per_block);
  if (blocks > std::int64_t(INT_MAX)) return cudaErrorInvalidConfiguration;
  const auto grid = static_cast<unsigned>(blocks);
  switch (launch.vectors_per_thread) {
    case 1: op_tiled_kernel<T, Op, 1><<<grid, kBlock, 0, st>>>(a, b, c, n, s); break;
    case 2: op_tiled_kernel<T, Op, 2><<<grid, kBlock, 0, st>>>(a, b, c, n, s); break;
    case 4: op_tiled_kernel<T, Op, 4><<<grid, kBlock, 0, st>>>(a, b, c, n, s); break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

template <class T>
cudaError_t launch_op(int op, void* a, void* b, void* c, std::int64_t n, double scalar, StreamLaunch launch,
                      cudaStream_t st) {
  T* pa = static_cast<T*>(a);
  T* pb = static_cast<T*>(b);
  T* pc = static_cast<T*>(c);
  const T s = static_cast<T>(scalar);
  switch (op) {
    case 0: return launch_one<T, 0>(pa, pb, pc, n, s, launch, st);
    case 1: return launch_one<T, 1>(pa, pb, pc, n, s, launch, st);
    case 2: return launch_one<T, 2>(pa, pb, pc, n, s, launch, st);
    case 3: return launch_one<T, 3>(pa, pb, pc, n, s, launch, st);
    default: return cudaErrorInvalidValue;
  }
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

cudaError_t stream_op(bool fp64, int op, void* a, void* b, void* c, std::int64_t n, double scalar,
                      StreamLaunch launch, cudaStream_t st) {
  return fp64 ? launch_op<double>(op, a, b, c, n, scalar, launch, st)
              : launch_op<float>(op, a, b, c, n, scalar, launch, st);
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
