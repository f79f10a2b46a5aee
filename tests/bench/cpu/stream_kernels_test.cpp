// Every STREAM kernel set this CPU runs computes what the plain loop computes, over ranges
// that start and end anywhere (the non-temporal path aligns its start itself).
#include "bench/cpu/stream_kernels.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <vector>

namespace capbench {
namespace {

template <class T>
struct Arrays {
  std::size_t n;
  std::vector<T> a, b, c;
  explicit Arrays(std::size_t count) : n(count), a(count), b(count), c(count) {
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = T(0.5 + (i % 97) * 0.01);
      b[i] = T(1.0 + (i % 89) * 0.02);
      c[i] = T(0.75 + (i % 83) * 0.03);
    }
  }
};

template <class T>
void check_set(const StreamKernelSet<T>& k, const char* isa) {
  const T s = T(0.4);
  for (bool nt : {false, true}) {
    for (std::int64_t begin : {0, 1, 3, 17}) {
      for (std::int64_t end : {std::int64_t(1000), std::int64_t(1001), std::int64_t(1023)}) {
        Arrays<T> x(1100), ref(1100);
        k.copy(x.c.data(), x.a.data(), begin, end, nt);
        for (auto i = begin; i < end; ++i) ref.c[i] = ref.a[i];
        k.mul(x.b.data(), x.c.data(), s, begin, end, nt);
        for (auto i = begin; i < end; ++i) ref.b[i] = s * ref.c[i];
        k.add(x.c.data(), x.a.data(), x.b.data(), begin, end, nt);
        for (auto i = begin; i < end; ++i) ref.c[i] = ref.a[i] + ref.b[i];
        k.triad(x.a.data(), x.b.data(), x.c.data(), s, begin, end, nt);
        for (auto i = begin; i < end; ++i) ref.a[i] = ref.b[i] + s * ref.c[i];
        for (std::size_t i = 0; i < x.n; ++i) {
          // Triad may be fused (one rounding instead of two): a few ulps at most.
          const double tol = 4 * std::numeric_limits<T>::epsilon() * std::fabs(double(ref.a[i]));
          ASSERT_NEAR(double(x.a[i]), double(ref.a[i]), tol) << isa << " nt=" << nt << " i=" << i;
          ASSERT_EQ(x.b[i], ref.b[i]) << isa << " nt=" << nt << " i=" << i;
          ASSERT_EQ(x.c[i], ref.c[i]) << isa << " nt=" << nt << " i=" << i;
        }
        double want = 0;
        for (auto i = begin; i < end; ++i) want += double(x.a[i]) * double(x.b[i]);
        EXPECT_NEAR(double(k.dot(x.a.data(), x.b.data(), begin, end)), want, 1e-4 * want) << isa;
      }
    }
  }
}

TEST(StreamKernels, EveryRunnableSetMatchesThePlainLoop) {
  const auto sets = runnable_stream_kernels();
  ASSERT_FALSE(sets.empty());
  EXPECT_STREQ(sets.back()->isa, "sse2");  // the x86-64 baseline is always there
  for (const auto* t : sets) {
    check_set(t->fp64, t->isa);
    check_set(t->fp32, t->isa);
  }
}

TEST(StreamKernels, TheWidestRunnableSetIsChosen) {
  if (std::getenv("CAPBENCH_STREAM_ISA")) GTEST_SKIP() << "CAPBENCH_STREAM_ISA narrows the choice";
  EXPECT_STREQ(stream_kernels().isa, runnable_stream_kernels().front()->isa);
  if (__builtin_cpu_supports("avx512f")) EXPECT_STREQ(stream_kernels().isa, "avx512");
}

}  // namespace
}  // namespace capbench
