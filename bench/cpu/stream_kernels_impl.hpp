// The STREAM kernels, written once over a vector type the including file defines (one file per
// instruction set, each compiled with its own -m flags). Everything here has internal linkage:
// the copies compiled for different instruction sets must never be merged by the linker.
// Expects: CB_ISA (a string), and for double and float the vector type, lane count and
// unaligned load/store, aligned non-temporal store, broadcast, add, mul, fma, horizontal sum:
//   CB_VD, CB_WD, cb_loadd, cb_stored, cb_streamd, cb_set1d, cb_addd, cb_muld, cb_fmad, cb_sumd
//   CB_VF, CB_WF, cb_loadf, cb_storef, cb_streamf, cb_set1f, cb_addf, cb_mulf, cb_fmaf, cb_sumf
#include <cstdint>
#include <cstring>

#include "bench/cpu/stream_kernels.hpp"

namespace capbench {
namespace {

template <class T> struct Vec;
template <> struct Vec<double> {
  using R = CB_VD;
  static constexpr int W = CB_WD;
  static R load(const double* p) { return cb_loadd(p); }
  static void store(double* p, R v) { cb_stored(p, v); }
  static void stream(double* p, R v) { cb_streamd(p, v); }
  static R set1(double x) { return cb_set1d(x); }
  static R add(R a, R b) { return cb_addd(a, b); }
  static R mul(R a, R b) { return cb_muld(a, b); }
  static R fma(R a, R b, R c) { return cb_fmad(a, b, c); }
  static double sum(R v) { return cb_sumd(v); }
};
template <> struct Vec<float> {
  using R = CB_VF;
  static constexpr int W = CB_WF;
  static R load(const float* p) { return cb_loadf(p); }
  static void store(float* p, R v) { cb_storef(p, v); }
  static void stream(float* p, R v) { cb_streamf(p, v); }
  static R set1(float x) { return cb_set1f(x); }
  static R add(R a, R b) { return cb_addf(a, b); }
  static R mul(R a, R b) { return cb_mulf(a, b); }
  static R fma(R a, R b, R c) { return cb_fmaf(a, b, c); }
  static float sum(R v) { return cb_sumf(v); }
};

// Applies out[i] = f(i) over [b, e): scalar up to the first vector-aligned element of `out`
// when streaming (non-temporal stores need it), whole vectors, then the scalar tail.
template <class T, class Scalar, class Vector>
inline void apply(T* out, std::int64_t b, std::int64_t e, bool nontemporal, Scalar scalar, Vector vector) {
  using V = Vec<T>;
  std::int64_t i = b;
  if (nontemporal) {
    while (i < e && reinterpret_cast<std::uintptr_t>(out + i) % (V::W * sizeof(T)) != 0) {
      out[i] = scalar(i);
      ++i;
    }
    for (; i + V::W <= e; i += V::W) V::stream(out + i, vector(i));
    cb_fence();
  } else {
    for (; i + V::W <= e; i += V::W) V::store(out + i, vector(i));
  }
  for (; i < e; ++i) out[i] = scalar(i);
}

template <class T>
void copy_k(T* c, const T* a, std::int64_t b, std::int64_t e, bool nt) {
  // Past the cache, the C library's memcpy (which picks non-temporal stores or "rep movsb" for
  // the CPU it runs on) is the fastest copy there is, and it is what McCalpin STREAM's copy
  // loop compiles to: the same bytes move, counted the same way.
  if (nt && e > b) {
    std::memcpy(c + b, a + b, std::size_t(e - b) * sizeof(T));
    return;
  }
  apply<T>(c, b, e, nt, [&](std::int64_t i) { return a[i]; }, [&](std::int64_t i) { return Vec<T>::load(a + i); });
}
template <class T>
void mul_k(T* bb, const T* c, T s, std::int64_t b, std::int64_t e, bool nt) {
  const auto vs = Vec<T>::set1(s);
  apply<T>(bb, b, e, nt, [&](std::int64_t i) { return s * c[i]; },
           [&](std::int64_t i) { return Vec<T>::mul(vs, Vec<T>::load(c + i)); });
}
template <class T>
void add_k(T* c, const T* a, const T* bb, std::int64_t b, std::int64_t e, bool nt) {
  apply<T>(c, b, e, nt, [&](std::int64_t i) { return a[i] + bb[i]; },
           [&](std::int64_t i) { return Vec<T>::add(Vec<T>::load(a + i), Vec<T>::load(bb + i)); });
}
template <class T>
void triad_k(T* a, const T* bb, const T* c, T s, std::int64_t b, std::int64_t e, bool nt) {
  const auto vs = Vec<T>::set1(s);
  apply<T>(a, b, e, nt, [&](std::int64_t i) { return bb[i] + s * c[i]; },
           [&](std::int64_t i) { return Vec<T>::fma(vs, Vec<T>::load(c + i), Vec<T>::load(bb + i)); });
}
template <class T>
T dot_k(const T* a, const T* bb, std::int64_t b, std::int64_t e) {
  using V = Vec<T>;
  auto s0 = V::set1(0), s1 = V::set1(0), s2 = V::set1(0), s3 = V::set1(0);
  std::int64_t i = b;
  for (; i + 4 * V::W <= e; i += 4 * V::W) {
    s0 = V::fma(V::load(a + i), V::load(bb + i), s0);
    s1 = V::fma(V::load(a + i + V::W), V::load(bb + i + V::W), s1);
    s2 = V::fma(V::load(a + i + 2 * V::W), V::load(bb + i + 2 * V::W), s2);
    s3 = V::fma(V::load(a + i + 3 * V::W), V::load(bb + i + 3 * V::W), s3);
  }
  T total = static_cast<T>(V::sum(V::add(V::add(s0, s1), V::add(s2, s3))));
  for (; i < e; ++i) total += a[i] * bb[i];
  return total;
}

const StreamKernelTable kTable{CB_ISA,
                               {copy_k<double>, mul_k<double>, add_k<double>, triad_k<double>, dot_k<double>},
                               {copy_k<float>, mul_k<float>, add_k<float>, triad_k<float>, dot_k<float>}};

}  // namespace
}  // namespace capbench
