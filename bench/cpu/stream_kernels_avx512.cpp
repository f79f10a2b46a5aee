// STREAM kernels for AVX-512 (this file is compiled with -mavx512f; see bench/CMakeLists.txt).
#include <immintrin.h>

namespace {
// Horizontal sums through memory: GCC 12's _mm512_reduce_add_* trips its own -Wuninitialized.
inline double sum8d(__m512d v) {
  alignas(64) double x[8];
  _mm512_store_pd(x, v);
  return ((x[0] + x[1]) + (x[2] + x[3])) + ((x[4] + x[5]) + (x[6] + x[7]));
}
inline float sum16f(__m512 v) {
  alignas(64) float x[16];
  _mm512_store_ps(x, v);
  float s = 0;
  for (float e : x) s += e;
  return s;
}
}  // namespace

#define CB_ISA "avx512"
#define CB_VD __m512d
#define CB_WD 8
#define cb_loadd _mm512_loadu_pd
#define cb_stored _mm512_storeu_pd
#define cb_streamd _mm512_stream_pd
#define cb_set1d _mm512_set1_pd
#define cb_addd _mm512_add_pd
#define cb_muld _mm512_mul_pd
#define cb_fmad _mm512_fmadd_pd
#define cb_sumd sum8d
#define CB_VF __m512
#define CB_WF 16
#define cb_loadf _mm512_loadu_ps
#define cb_storef _mm512_storeu_ps
#define cb_streamf _mm512_stream_ps
#define cb_set1f _mm512_set1_ps
#define cb_addf _mm512_add_ps
#define cb_mulf _mm512_mul_ps
#define cb_fmaf _mm512_fmadd_ps
#define cb_sumf sum16f
#define cb_fence _mm_sfence
#include "bench/cpu/stream_kernels_impl.hpp"

namespace capbench {
const StreamKernelTable& stream_kernels_avx512() { return kTable; }
}  // namespace capbench
