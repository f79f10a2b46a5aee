// STREAM kernels for SSE2, the x86-64 baseline every CPU of the fleet runs. SSE2 has no FMA:
// multiply, then add.
#include <emmintrin.h>

namespace {
inline __m128d fma2(__m128d a, __m128d b, __m128d c) { return _mm_add_pd(_mm_mul_pd(a, b), c); }
inline __m128 fma4(__m128 a, __m128 b, __m128 c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
inline double sum2(__m128d v) { return _mm_cvtsd_f64(_mm_add_sd(v, _mm_unpackhi_pd(v, v))); }
inline float sum4f(__m128 v) {
  v = _mm_add_ps(v, _mm_movehl_ps(v, v));
  return _mm_cvtss_f32(_mm_add_ss(v, _mm_shuffle_ps(v, v, 1)));
}
}  // namespace

#define CB_ISA "sse2"
#define CB_VD __m128d
#define CB_WD 2
#define cb_loadd _mm_loadu_pd
#define cb_stored _mm_storeu_pd
#define cb_streamd _mm_stream_pd
#define cb_set1d _mm_set1_pd
#define cb_addd _mm_add_pd
#define cb_muld _mm_mul_pd
#define cb_fmad fma2
#define cb_sumd sum2
#define CB_VF __m128
#define CB_WF 4
#define cb_loadf _mm_loadu_ps
#define cb_storef _mm_storeu_ps
#define cb_streamf _mm_stream_ps
#define cb_set1f _mm_set1_ps
#define cb_addf _mm_add_ps
#define cb_mulf _mm_mul_ps
#define cb_fmaf fma4
#define cb_sumf sum4f
#define cb_fence _mm_sfence
#include "bench/cpu/stream_kernels_impl.hpp"

namespace capbench {
const StreamKernelTable& stream_kernels_sse2() { return kTable; }
}  // namespace capbench
