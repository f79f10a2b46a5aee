// Random inputs, poison and planted errors, generated on the device from a seed.
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cmath>

#include "common/random.hpp"
#include "kernels/device_util.cuh"
#include "kernels/kernels.hpp"

namespace capbench::kernels {

namespace {

template <class T>
__global__ void fill_pm1_kernel(T* p, std::int64_t count, std::uint64_t seed) {
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < count;
       i += std::int64_t(gridDim.x) * blockDim.x)
    p[i] = from_double<T>(uniform_pm1(seed, std::uint64_t(i)));
}

template <class T>
__global__ void fill_int_kernel(T* p, std::int64_t count, std::uint64_t seed, int lo, int hi) {
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < count;
       i += std::int64_t(gridDim.x) * blockDim.x)
    p[i] = static_cast<T>(uniform_int(seed, std::uint64_t(i), lo, hi));
}

template <class T>
__global__ void fill_value_kernel(T* p, std::int64_t count, T v) {
  for (std::int64_t i = blockIdx.x * std::int64_t(blockDim.x) + threadIdx.x; i < count;
       i += std::int64_t(gridDim.x) * blockDim.x)
    p[i] = v;
}

template <class T>
__global__ void perturb_kernel(T* p, std::int64_t index, double delta) {
  p[index] = from_double<T>(to_double(p[index]) + delta);
}

template <class T>
cudaError_t launch_pm1(void* p, std::int64_t count, std::uint64_t seed, cudaStream_t s) {
  fill_pm1_kernel<T><<<blocks_for(count), kBlock, 0, s>>>(static_cast<T*>(p), count, seed);
  return cudaGetLastError();
}

template <class T>
cudaError_t launch_perturb(void* p, std::int64_t index, double delta, cudaStream_t s) {
  perturb_kernel<T><<<1, 1, 0, s>>>(static_cast<T*>(p), index, delta);
  return cudaGetLastError();
}

}  // namespace

int elem_bytes(ElemType t) {
  switch (t) {
    case ElemType::f64: return 8;
    case ElemType::f32: case ElemType::i32: return 4;
    case ElemType::f16: case ElemType::bf16: return 2;
    case ElemType::fp8_e4m3: case ElemType::i8: return 1;
  }
  return 1;
}

cudaError_t fill_uniform_pm1(ElemType t, void* p, std::int64_t count, std::uint64_t seed, cudaStream_t s) {
  switch (t) {
    case ElemType::f64: return launch_pm1<double>(p, count, seed, s);
    case ElemType::f32: return launch_pm1<float>(p, count, seed, s);
    case ElemType::f16: return launch_pm1<__half>(p, count, seed, s);
    case ElemType::bf16: return launch_pm1<__nv_bfloat16>(p, count, seed, s);
    case ElemType::fp8_e4m3: return launch_pm1<__nv_fp8_e4m3>(p, count, seed, s);
    default: return cudaErrorInvalidValue;
  }
}

cudaError_t fill_uniform_int(ElemType t, void* p, std::int64_t count, std::uint64_t seed, int lo, int hi,
                             cudaStream_t s) {
  if (t == ElemType::i8)
    fill_int_kernel<std::int8_t><<<blocks_for(count), kBlock, 0, s>>>(static_cast<std::int8_t*>(p), count, seed, lo, hi);
  else if (t == ElemType::i32)
    fill_int_kernel<std::int32_t><<<blocks_for(count), kBlock, 0, s>>>(static_cast<std::int32_t*>(p), count, seed, lo, hi);
  else
    return cudaErrorInvalidValue;
  return cudaGetLastError();
}

cudaError_t fill_poison(ElemType t, void* p, std::int64_t count, cudaStream_t s) {
  const int g = blocks_for(count);
  switch (t) {
    case ElemType::f64: fill_value_kernel<double><<<g, kBlock, 0, s>>>(static_cast<double*>(p), count, NAN); break;
    case ElemType::f32: fill_value_kernel<float><<<g, kBlock, 0, s>>>(static_cast<float*>(p), count, NAN); break;
    case ElemType::f16:
      fill_value_kernel<__half><<<g, kBlock, 0, s>>>(static_cast<__half*>(p), count, __ushort_as_half(0x7e00));
      break;
    case ElemType::bf16:
      fill_value_kernel<__nv_bfloat16><<<g, kBlock, 0, s>>>(static_cast<__nv_bfloat16*>(p), count,
                                                            __ushort_as_bfloat16(0x7fc0));
      break;
    case ElemType::i32:
      fill_value_kernel<std::int32_t><<<g, kBlock, 0, s>>>(static_cast<std::int32_t*>(p), count, 0x7fffffff);
      break;
    default: return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}

cudaError_t perturb_element(ElemType t, void* p, std::int64_t index, double delta, cudaStream_t s) {
  switch (t) {
    case ElemType::f64: return launch_perturb<double>(p, index, delta, s);
    case ElemType::f32: return launch_perturb<float>(p, index, delta, s);
    case ElemType::f16: return launch_perturb<__half>(p, index, delta, s);
    case ElemType::bf16: return launch_perturb<__nv_bfloat16>(p, index, delta, s);
    case ElemType::fp8_e4m3: return launch_perturb<__nv_fp8_e4m3>(p, index, delta, s);
    case ElemType::i8: return launch_perturb<std::int8_t>(p, index, delta, s);
    case ElemType::i32: return launch_perturb<std::int32_t>(p, index, delta, s);
  }
  return cudaErrorInvalidValue;
}

}  // namespace capbench::kernels
