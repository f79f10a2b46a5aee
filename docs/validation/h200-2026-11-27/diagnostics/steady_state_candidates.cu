// Steady-state (2 s per algorithm) throughput of each cuBLASLt candidate and of cublasDgemm,
// on 53-bit random FP64 8192^3 and FP8 16384^3 (aligned scales), after 3 s of warm-up load.
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cuda_fp8.h>
#include <cuda_bf16.h>
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <vector>

__device__ unsigned long long mix(unsigned long long x) {
  x += 0x9e3779b97f4a7c15ull; x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull; return x ^ (x >> 31);
}
__global__ void fill_f64(double* p, size_t n, unsigned long long seed) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
    p[i] = double(mix(seed * 0x100000001b3ull + i) >> 11) * 0x1.0p-52 - 1.0;
}
__global__ void fill_fp8(__nv_fp8_e4m3* p, size_t n, unsigned long long seed) {
  for (size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x; i < n; i += size_t(gridDim.x) * blockDim.x)
    p[i] = __nv_fp8_e4m3(float(double(mix(seed * 0x100000001b3ull + i) >> 11) * 0x1.0p-52 - 1.0));
}

double steady_tf(cudaStream_t s, double flops, double seconds, const std::function<void()>& f) {
  cudaEvent_t a, b; cudaEventCreate(&a); cudaEventCreate(&b);
  f(); cudaStreamSynchronize(s);
  cudaEventRecord(a, s); f(); cudaEventRecord(b, s); cudaEventSynchronize(b);
  float one = 0; cudaEventElapsedTime(&one, a, b);
  int reps = std::max(1, int(20.0 / one));
  std::vector<double> v; double spent = 0;
  while (spent < seconds) {
    cudaEventRecord(a, s); for (int r = 0; r < reps; ++r) f(); cudaEventRecord(b, s); cudaEventSynchronize(b);
    float ms = 0; cudaEventElapsedTime(&ms, a, b); spent += ms / 1e3; v.push_back(flops * reps / (ms / 1e3) / 1e12);
  }
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main() {
  cudaStream_t s; cudaStreamCreate(&s);
  cublasLtHandle_t lt; cublasLtCreate(&lt);
  size_t wsb = size_t(32) << 20; void* ws; cudaMalloc(&ws, wsb);
  {
    const int64_t N = 8192; const double fl = 2.0 * N * N * N;
    double *a, *b, *c; cudaMalloc(&a, N * N * 8); cudaMalloc(&b, N * N * 8); cudaMalloc(&c, N * N * 8);
    fill_f64<<<1024, 256, 0, s>>>(a, N * N, 1); fill_f64<<<1024, 256, 0, s>>>(b, N * N, 2);
    cublasHandle_t h; cublasCreate(&h); cublasSetStream(h, s);
    double al = 1, be = 0;
    auto dg = [&] { cublasDgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, N, N, N, &al, a, N, b, N, &be, c, N); };
    steady_tf(s, fl, 3.0, dg);  // warm-up load
    printf("fp64 8192 cublasDgemm: %.1f TF\n", steady_tf(s, fl, 2.0, dg));
    cublasLtMatmulDesc_t d; cublasLtMatmulDescCreate(&d, CUBLAS_COMPUTE_64F, CUDA_R_64F);
    cublasLtMatrixLayout_t l; cublasLtMatrixLayoutCreate(&l, CUDA_R_64F, N, N, N);
    cublasLtMatmulPreference_t p; cublasLtMatmulPreferenceCreate(&p);
    uint64_t w = wsb; cublasLtMatmulPreferenceSetAttribute(p, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &w, sizeof w);
    cublasLtMatmulHeuristicResult_t r[16]; int got = 0;
    cublasLtMatmulAlgoGetHeuristic(lt, d, l, l, l, l, p, 16, r, &got);
    for (int i = 0; i < got; ++i) {
      int tile = 0, st = 0; size_t wr;
      cublasLtMatmulAlgoConfigGetAttribute(&r[i].algo, CUBLASLT_ALGO_CONFIG_TILE_ID, &tile, sizeof tile, &wr);
      cublasLtMatmulAlgoConfigGetAttribute(&r[i].algo, CUBLASLT_ALGO_CONFIG_STAGES_ID, &st, sizeof st, &wr);
      auto f = [&] { cublasLtMatmul(lt, d, &al, a, l, b, l, &be, c, l, c, l, &r[i].algo, ws, wsb, s); };
      printf("fp64 8192 Lt cand %d tile %d stages %d: %.1f TF\n", i, tile, st, steady_tf(s, fl, 2.0, f));
    }
    printf("fp64 8192 cublasDgemm again: %.1f TF\n", steady_tf(s, fl, 2.0, dg));
    cudaFree(a); cudaFree(b); cudaFree(c);
  }
  {
    const int64_t N = 16384; const double fl = 2.0 * N * N * N;
    __nv_fp8_e4m3 *a, *b; __nv_bfloat16* c; float *sa, *sb;
    cudaMalloc(&a, N * N); cudaMalloc(&b, N * N); cudaMalloc(&c, N * N * 2); cudaMalloc(&sa, 256); cudaMalloc(&sb, 256);
    float one = 1; cudaMemcpy(sa, &one, 4, cudaMemcpyHostToDevice); cudaMemcpy(sb, &one, 4, cudaMemcpyHostToDevice);
    fill_fp8<<<1024, 256, 0, s>>>(a, N * N, 3); fill_fp8<<<1024, 256, 0, s>>>(b, N * N, 4);
    for (int fast = 0; fast < 2; ++fast) {
      cublasLtMatmulDesc_t d; cublasLtMatmulDescCreate(&d, CUBLAS_COMPUTE_32F, CUDA_R_32F);
      cublasOperation_t t = CUBLAS_OP_T; cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_TRANSA, &t, sizeof t);
      cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &sa, sizeof sa);
      cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &sb, sizeof sb);
      int8_t fa = fast; cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_FAST_ACCUM, &fa, sizeof fa);
      cublasLtMatrixLayout_t la, lc; cublasLtMatrixLayoutCreate(&la, CUDA_R_8F_E4M3, N, N, N);
      cublasLtMatrixLayoutCreate(&lc, CUDA_R_16BF, N, N, N);
      cublasLtMatmulPreference_t p; cublasLtMatmulPreferenceCreate(&p);
      uint64_t w = wsb; cublasLtMatmulPreferenceSetAttribute(p, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &w, sizeof w);
      cublasLtMatmulHeuristicResult_t r[8]; int got = 0;
      cublasLtMatmulAlgoGetHeuristic(lt, d, la, la, lc, lc, p, 8, r, &got);
      float al = 1, be = 0;
      for (int i = 0; i < got; ++i) {
        int tile = 0; size_t wr;
        cublasLtMatmulAlgoConfigGetAttribute(&r[i].algo, CUBLASLT_ALGO_CONFIG_TILE_ID, &tile, sizeof tile, &wr);
        auto f = [&] { cublasLtMatmul(lt, d, &al, a, la, b, la, &be, c, lc, c, lc, &r[i].algo, ws, wsb, s); };
        printf("fp8 16384 fast_accum %d cand %d tile %d: %.1f TF\n", fast, i, tile, steady_tf(s, fl, 1.5, f));
      }
    }
  }
  return 0;
}
