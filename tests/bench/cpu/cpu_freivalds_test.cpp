#include "bench/cpu/cpu_freivalds.hpp"

#include <cblas.h>

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

#include "common/random.hpp"

using namespace capbench;

namespace {

template <class T>
struct Gemm {
  std::int64_t m, n, k;
  std::vector<T> a, b, c;
  Gemm(std::int64_t m_, std::int64_t n_, std::int64_t k_, std::uint64_t seed) : m(m_), n(n_), k(k_) {
    a.resize(std::size_t(m * k));
    b.resize(std::size_t(k * n));
    c.assign(std::size_t(m * n), T(0));
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = T(uniform_pm1(seed, i));
    for (std::size_t i = 0; i < b.size(); ++i) b[i] = T(uniform_pm1(seed + 1, i));
    if constexpr (std::is_same_v<T, double>)
      cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, int(m), int(n), int(k), 1.0, a.data(), int(m), b.data(),
                  int(k), 0.0, c.data(), int(m));
    else
      cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, int(m), int(n), int(k), 1.0f, a.data(), int(m),
                  b.data(), int(k), 0.0f, c.data(), int(m));
  }
  Verification verify(Precision p, std::uint64_t seed = 99) const {
    return freivalds_verify_host(a.data(), b.data(), c.data(), m, n, k, precision_info(p), seed);
  }
};

}  // namespace

TEST(Freivalds, CorrectFp64AndFp32ProductsPass) {
  const Gemm<double> d(96, 80, 512, 1);
  const auto vd = d.verify(Precision::fp64);
  EXPECT_EQ(vd.status, "passed") << vd.detail;
  EXPECT_LT(vd.max_error, 1.0);
  const Gemm<float> f(128, 64, 1024, 2);
  const auto vf = f.verify(Precision::fp32);
  EXPECT_EQ(vf.status, "passed") << vf.detail;
}

TEST(Freivalds, CatchesOnePlantedWrongElement) {
  Gemm<double> d(64, 48, 256, 3);
  d.c[std::size_t(17 + 31 * d.m)] += 1e-6;  // a wrong element far above FP64 rounding
  const auto v = d.verify(Precision::fp64);
  EXPECT_EQ(v.status, "failed");
  EXPECT_EQ(v.mismatches, 1);
  EXPECT_NE(v.detail.find("worst row 17"), std::string::npos) << v.detail;

  Gemm<float> f(64, 48, 256, 4);
  f.c[std::size_t(5 + 40 * f.m)] += 0.05f;
  const auto vf = f.verify(Precision::fp32);
  EXPECT_EQ(vf.status, "failed") << vf.detail;
  EXPECT_NE(vf.detail.find("worst row 5"), std::string::npos) << vf.detail;
}

TEST(Freivalds, CatchesAnErrorWhateverTheRandomVector) {
  Gemm<float> f(32, 32, 128, 5);
  f.c[std::size_t(3 + 9 * f.m)] = -f.c[std::size_t(3 + 9 * f.m)] + 1.0f;
  for (std::uint64_t seed = 0; seed < 50; ++seed) EXPECT_EQ(f.verify(Precision::fp32, seed).status, "failed");
}

TEST(Freivalds, NanFails) {
  Gemm<double> d(16, 16, 16, 6);
  d.c[5] = std::nan("");
  const auto v = d.verify(Precision::fp64);
  EXPECT_EQ(v.status, "failed");
  EXPECT_NE(v.detail.find("NaN"), std::string::npos);
}

TEST(Freivalds, FloatResultJudgedAsFp64IsTooInexact) {
  // The tolerance follows the precision: an FP32 product does not pass as FP64.
  const Gemm<float> f(64, 64, 1024, 7);
  std::vector<double> a(f.a.begin(), f.a.end()), b(f.b.begin(), f.b.end()), c(f.c.begin(), f.c.end());
  const auto v = freivalds_verify_host(a.data(), b.data(), c.data(), f.m, f.n, f.k, precision_info(Precision::fp64), 9);
  EXPECT_EQ(v.status, "failed");
}

TEST(Freivalds, IntegerProductsMustMatchExactly) {
  const std::int64_t m = 8, n = 8, k = 8;
  std::vector<double> a(m * k), b(k * n), c(m * n, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = double(uniform_int(1, i, -8, 8));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = double(uniform_int(2, i, -8, 8));
  for (std::int64_t j = 0; j < n; ++j)
    for (std::int64_t p = 0; p < k; ++p)
      for (std::int64_t i = 0; i < m; ++i) c[std::size_t(i + j * m)] += a[std::size_t(i + p * m)] * b[std::size_t(p + j * k)];
  const auto& int8 = precision_info(Precision::int8);
  EXPECT_EQ(freivalds_verify_host(a.data(), b.data(), c.data(), m, n, k, int8, 1).status, "passed");
  c[10] += 1;
  EXPECT_EQ(freivalds_verify_host(a.data(), b.data(), c.data(), m, n, k, int8, 1).status, "failed");
}
