#pragma once
// Small device helpers shared by the kernels: conversions to FP64, block sums, atomics.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstdint>

namespace capbench::kernels {

__device__ inline double to_double(double v) { return v; }
__device__ inline double to_double(float v) { return v; }
__device__ inline double to_double(__half v) { return __half2float(v); }
__device__ inline double to_double(__nv_bfloat16 v) { return __bfloat162float(v); }
__device__ inline double to_double(__nv_fp8_e4m3 v) { return static_cast<float>(v); }
__device__ inline double to_double(std::int8_t v) { return v; }
__device__ inline double to_double(std::int32_t v) { return v; }

template <class T>
__device__ inline T from_double(double v);
template <> __device__ inline double from_double<double>(double v) { return v; }
template <> __device__ inline float from_double<float>(double v) { return static_cast<float>(v); }
template <> __device__ inline __half from_double<__half>(double v) { return __double2half(v); }
template <> __device__ inline __nv_bfloat16 from_double<__nv_bfloat16>(double v) {
  return __float2bfloat16(static_cast<float>(v));
}
template <> __device__ inline __nv_fp8_e4m3 from_double<__nv_fp8_e4m3>(double v) {
  return __nv_fp8_e4m3(static_cast<float>(v));
}
template <> __device__ inline std::int8_t from_double<std::int8_t>(double v) { return static_cast<std::int8_t>(v); }
template <> __device__ inline std::int32_t from_double<std::int32_t>(double v) { return static_cast<std::int32_t>(v); }

__device__ inline double warp_sum(double v) {
  for (int off = 16; off > 0; off >>= 1) v += __shfl_down_sync(0xffffffffu, v, off);
  return v;
}

// Sum over the block; the result is valid in thread 0. blockDim.x is a multiple of 32, <= 1024.
__device__ inline double block_sum(double v) {
  __shared__ double warp_parts[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum(v);
  if (lane == 0) warp_parts[warp] = v;
  __syncthreads();
  const int warps = (blockDim.x + 31) >> 5;
  v = threadIdx.x < warps ? warp_parts[threadIdx.x] : 0.0;
  if (warp == 0) v = warp_sum(v);
  __syncthreads();  // warp_parts may be reused by a following call
  return v;
}

// Max of non-negative doubles through their bit patterns (monotone for x >= 0).
__device__ inline void atomic_max_nonneg(unsigned long long* slot, double v) {
  atomicMax(slot, static_cast<unsigned long long>(__double_as_longlong(v)));
}

inline constexpr int kBlock = 256;

inline int blocks_for(std::int64_t work, int block = kBlock, int cap = 65535) {
  const std::int64_t b = (work + block - 1) / block;
  return static_cast<int>(b < 1 ? 1 : (b > cap ? cap : b));
}

}  // namespace capbench::kernels
