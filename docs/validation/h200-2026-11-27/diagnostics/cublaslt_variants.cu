// Diagnostic: fp8 cuBLASLt variants and fp64 cuBLAS vs cuBLASLt at 8192^3.
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cuda_fp8.h>
#include <cuda_bf16.h>
#include <algorithm>
#include <cstdio>
#include <vector>
#include <cstdint>
#include <functional>

#define CK(x) do { auto e_ = (x); if (e_ != 0) { printf("%s:%d %s -> %d\n", __FILE__, __LINE__, #x, int(e_)); } } while (0)

__global__ void fill_u8(unsigned char* p, size_t n, unsigned seed) {
  size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  for (; i < n; i += size_t(gridDim.x) * blockDim.x) {
    unsigned x = unsigned(i) * 2654435761u ^ seed;
    x ^= x >> 13; x *= 0x5bd1e995u; x ^= x >> 15;
    float f = (x % 2001) / 1000.0f - 1.0f;
    __nv_fp8_e4m3 v(f);
    p[i] = *reinterpret_cast<unsigned char*>(&v);
  }
}
__global__ void fill_f64(double* p, size_t n, unsigned seed) {
  size_t i = blockIdx.x * size_t(blockDim.x) + threadIdx.x;
  for (; i < n; i += size_t(gridDim.x) * blockDim.x) {
    unsigned x = unsigned(i) * 2654435761u ^ seed;
    x ^= x >> 13; x *= 0x5bd1e995u; x ^= x >> 15;
    p[i] = (x % 2001) / 1000.0 - 1.0;
  }
}

float time_ms(cudaStream_t s, int reps, const std::function<void()>& f) {
  cudaEvent_t a, b; cudaEventCreate(&a); cudaEventCreate(&b);
  std::vector<float> v;
  for (int w = 0; w < 2; ++w) f();
  for (int t = 0; t < 7; ++t) {
    cudaEventRecord(a, s);
    for (int r = 0; r < reps; ++r) f();
    cudaEventRecord(b, s);
    cudaEventSynchronize(b);
    float ms = 0; cudaEventElapsedTime(&ms, a, b); v.push_back(ms / reps);
  }
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int main() {
  const int64_t N = 8192;
  const double flops = 2.0 * N * N * N;
  cudaStream_t s; cudaStreamCreate(&s);
  cublasLtHandle_t lt; CK(cublasLtCreate(&lt));
  printf("cublasLt version %zu\n", cublasLtGetVersion());
  size_t wsb = size_t(32) << 20;
  void* ws; cudaMalloc(&ws, wsb);
  // ---------------- fp8
  {
    unsigned char *a, *b; __nv_bfloat16* c; float* sc;
    cudaMalloc(&a, N * N); cudaMalloc(&b, N * N); cudaMalloc(&c, N * N * 4); cudaMalloc(&sc, 16);
    fill_u8<<<1024, 256, 0, s>>>(a, N * N, 1); fill_u8<<<1024, 256, 0, s>>>(b, N * N, 2);
    float ones[4] = {1, 1, 1, 1}; cudaMemcpy(sc, ones, 16, cudaMemcpyHostToDevice);
    struct V { const char* name; bool scales; bool fast; cudaDataType_t ct; cublasOperation_t ta, tb; };
    float* sc2; cudaMalloc(&sc2, 256); cudaMemcpy(sc2, ones, 16, cudaMemcpyHostToDevice);
    V vs[] = {{"TN bf16 scales+4B", true, false, CUDA_R_16BF, CUBLAS_OP_T, CUBLAS_OP_N},
              {"TN bf16 scales aligned", true, true, CUDA_R_16BF, CUBLAS_OP_T, CUBLAS_OP_N},
              {"TN bf16 no-scales", false, false, CUDA_R_16BF, CUBLAS_OP_T, CUBLAS_OP_N}};
    for (auto& v : vs) {
      cublasLtMatmulDesc_t d; CK(cublasLtMatmulDescCreate(&d, CUBLAS_COMPUTE_32F, CUDA_R_32F));
      CK(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_TRANSA, &v.ta, sizeof v.ta));
      CK(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_TRANSB, &v.tb, sizeof v.tb));
      if (v.scales) {
        const float* pa = sc; const float* pb = sc + 1;
        CK(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &pa, sizeof pa));
        CK(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &pb, sizeof pb));
      }
      if (v.fast) {  // here: separate, aligned scale allocations
        const float* pa = sc; const float* pb = sc2;
        CK(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &pa, sizeof pa));
        CK(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_B_SCALE_POINTER, &pb, sizeof pb));
      }
      cublasLtMatrixLayout_t la, lb, lc;
      CK(cublasLtMatrixLayoutCreate(&la, CUDA_R_8F_E4M3, N, N, N));
      CK(cublasLtMatrixLayoutCreate(&lb, CUDA_R_8F_E4M3, N, N, N));
      CK(cublasLtMatrixLayoutCreate(&lc, v.ct, N, N, N));
      cublasLtMatmulPreference_t p; CK(cublasLtMatmulPreferenceCreate(&p));
      uint64_t w = wsb; CK(cublasLtMatmulPreferenceSetAttribute(p, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &w, sizeof w));
      cublasLtMatmulHeuristicResult_t r[16]; int got = 0;
      auto hs = cublasLtMatmulAlgoGetHeuristic(lt, d, la, lb, lc, lc, p, 16, r, &got);
      printf("fp8 %-24s heuristic status %d returned %d\n", v.name, int(hs), got);
      float alpha = 1, beta = 0;
      float best = 1e30f;
      for (int i = 0; i < got; ++i) {
        auto st = cublasLtMatmul(lt, d, &alpha, a, la, b, lb, &beta, c, lc, c, lc, &r[i].algo, ws, wsb, s);
        auto ce = cudaStreamSynchronize(s);
        printf("   cand %d state %d matmul %d sync %d ws %zu\n", i, int(r[i].state), int(st), int(ce), r[i].workspaceSize);
        if (st == 0 && ce == 0) {
          float ms = time_ms(s, 20, [&] { cublasLtMatmul(lt, d, &alpha, a, la, b, lb, &beta, c, lc, c, lc, &r[i].algo, ws, wsb, s); });
          best = std::min(best, ms);
          printf("      %.4f ms  %.1f TF\n", ms, flops / ms / 1e9);
        }
      }
      cudaGetLastError();
      cublasLtMatmulPreferenceDestroy(p); cublasLtMatrixLayoutDestroy(la); cublasLtMatrixLayoutDestroy(lb);
      cublasLtMatrixLayoutDestroy(lc); cublasLtMatmulDescDestroy(d);
    }
    cudaFree(a); cudaFree(b); cudaFree(c); cudaFree(sc);
  }
  // ---------------- fp64
  {
    double *a, *b, *c;
    cudaMalloc(&a, N * N * 8); cudaMalloc(&b, N * N * 8); cudaMalloc(&c, N * N * 8);
    fill_f64<<<1024, 256, 0, s>>>(a, N * N, 1); fill_f64<<<1024, 256, 0, s>>>(b, N * N, 2);
    cublasHandle_t h; CK(cublasCreate(&h)); CK(cublasSetStream(h, s));
    double alpha = 1, beta = 0;
    float ms = time_ms(s, 3, [&] { cublasDgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, N, N, N, &alpha, a, N, b, N, &beta, c, N); });
    printf("fp64 cublasDgemm NN default ws: %.3f ms %.1f TF\n", ms, flops / ms / 1e9);
    CK(cublasSetWorkspace(h, ws, wsb));
    ms = time_ms(s, 3, [&] { cublasDgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, N, N, N, &alpha, a, N, b, N, &beta, c, N); });
    printf("fp64 cublasDgemm NN 32MiB ws: %.3f ms %.1f TF\n", ms, flops / ms / 1e9);
    ms = time_ms(s, 3, [&] { cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, N, N, N, &alpha, a, CUDA_R_64F, N, b, CUDA_R_64F, N, &beta, c, CUDA_R_64F, N, CUBLAS_COMPUTE_64F, CUBLAS_GEMM_DEFAULT); });
    printf("fp64 cublasGemmEx NN: %.3f ms %.1f TF\n", ms, flops / ms / 1e9);
    for (int tr = 0; tr < 1; ++tr) {
      cublasOperation_t ta = tr ? CUBLAS_OP_T : CUBLAS_OP_N;
      cublasLtMatmulDesc_t d; CK(cublasLtMatmulDescCreate(&d, CUBLAS_COMPUTE_64F, CUDA_R_64F));
      CK(cublasLtMatmulDescSetAttribute(d, CUBLASLT_MATMUL_DESC_TRANSA, &ta, sizeof ta));
      cublasLtMatrixLayout_t la, lb, lc;
      CK(cublasLtMatrixLayoutCreate(&la, CUDA_R_64F, N, N, N));
      CK(cublasLtMatrixLayoutCreate(&lb, CUDA_R_64F, N, N, N));
      CK(cublasLtMatrixLayoutCreate(&lc, CUDA_R_64F, N, N, N));
      cublasLtMatmulPreference_t p; CK(cublasLtMatmulPreferenceCreate(&p));
      uint64_t w = wsb; CK(cublasLtMatmulPreferenceSetAttribute(p, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &w, sizeof w));
      cublasLtMatmulHeuristicResult_t r[32]; int got = 0;
      CK(cublasLtMatmulAlgoGetHeuristic(lt, d, la, lb, lc, lc, p, 32, r, &got));
      printf("fp64 Lt %s heuristic returned %d\n", tr ? "TN" : "NN", got);
      for (int i = 0; i < got; ++i) {
        float t = time_ms(s, 3, [&] { cublasLtMatmul(lt, d, &alpha, a, la, b, lb, &beta, c, lc, c, lc, &r[i].algo, ws, wsb, s); });
        int id = 0, tile = 0, stages = 0; size_t wr;
        cublasLtMatmulAlgoConfigGetAttribute(&r[i].algo, CUBLASLT_ALGO_CONFIG_ID, &id, sizeof id, &wr);
        cublasLtMatmulAlgoConfigGetAttribute(&r[i].algo, CUBLASLT_ALGO_CONFIG_TILE_ID, &tile, sizeof tile, &wr);
        cublasLtMatmulAlgoConfigGetAttribute(&r[i].algo, CUBLASLT_ALGO_CONFIG_STAGES_ID, &stages, sizeof stages, &wr);
        printf("   cand %d algo %d tile %d stages %d: %.3f ms %.1f TF\n", i, id, tile, stages, t, flops / t / 1e9);
      }
      // All algorithm ids the library has for this type combination.
      int ids[64]; int nid = 0;
      CK(cublasLtMatmulAlgoGetIds(lt, CUBLAS_COMPUTE_64F, CUDA_R_64F, CUDA_R_64F, CUDA_R_64F, CUDA_R_64F, CUDA_R_64F, 64, ids, &nid));
      printf("   algo ids:"); for (int i = 0; i < nid; ++i) printf(" %d", ids[i]); printf("\n");
    }
  }
  printf("done\n");
  return 0;
}
