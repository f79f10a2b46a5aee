// STREAM kernels for AVX2 with FMA (this file is compiled with -mavx2 -mfma).
#include <immintrin.h>

namespace {
inline double sum4(__m256d v) {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}
inline float sum8(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}
}  // namespace

#define CB_ISA "avx2"
#define CB_VD __m256d
#define CB_WD 4
#define cb_loadd _mm256_loadu_pd
#define cb_stored _mm256_storeu_pd
#define cb_streamd _mm256_stream_pd
#define cb_set1d _mm256_set1_pd
#define cb_addd _mm256_add_pd
#define cb_muld _mm256_mul_pd
#define cb_fmad _mm256_fmadd_pd
#define cb_sumd sum4
#define CB_VF __m256
#define CB_WF 8
#define cb_loadf _mm256_loadu_ps
#define cb_storef _mm256_storeu_ps
#define cb_streamf _mm256_stream_ps
#define cb_set1f _mm256_set1_ps
#define cb_addf _mm256_add_ps
#define cb_mulf _mm256_mul_ps
#define cb_fmaf _mm256_fmadd_ps
#define cb_sumf sum8
#define cb_fence _mm_sfence
#include "bench/cpu/stream_kernels_impl.hpp"

namespace capbench {
const StreamKernelTable& stream_kernels_avx2() { return kTable; }
}  // namespace capbench
