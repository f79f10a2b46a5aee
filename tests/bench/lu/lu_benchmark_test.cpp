// HPL's operation count and scaled residual, the automatic n, and the CPU LU (LAPACK from
// OpenBLAS) on a random system: its residual passes, and a planted wrong factor fails it.
#include <gtest/gtest.h>

#include <cmath>
#include <ctime>

#include "bench/cpu/cpu_backend.hpp"
#include "bench/lu/lu_benchmark.hpp"
#include "common/random.hpp"

namespace capbench {
namespace {

TEST(LuFormulas, OperationCountIsHpls) {
  EXPECT_DOUBLE_EQ(hpl_operation_count(1000), 2.0 / 3.0 * 1e9 + 1.5e6);
  EXPECT_DOUBLE_EQ(hpl_operation_count(3), 18.0 + 13.5);
}

TEST(LuFormulas, ScaledResidualIsHpls) {
  LuNorms v;
  v.residual = 1e-12;
  v.a = 250;
  v.x = 4;
  v.b = 1;
  const double eps = std::ldexp(1.0, -53);
  EXPECT_DOUBLE_EQ(hpl_scaled_residual(v, 500), 1e-12 / (eps * (250.0 * 4 + 1) * 500));
  v.residual = NAN;
  EXPECT_TRUE(std::isinf(hpl_scaled_residual(v, 500)));
  v.residual = 1e-12;
  v.x = INFINITY;
  EXPECT_TRUE(std::isinf(hpl_scaled_residual(v, 500)));
}

struct FixedMemoryLu final : LuImpl {
  double memory_bytes() const override { return 8.0 * 1000 * 1000; }
  double bytes_for(std::int64_t n) const override { return 8.0 * double(n) * double(n) + 1e5; }
  void prepare(const LuProblem&) override {}
  double time_factor_solve() override { return 1; }
  void corrupt_factors_and_resolve() override {}
  LuNorms norms() override { return {}; }
  json info() const override { return json::object(); }
  void release() override {}
};

TEST(LuFormulas, AutoNFitsTheFractionInMultiplesOf64) {
  FixedMemoryLu lu;
  const auto n = lu_auto_n(lu, 0.5);
  EXPECT_EQ(n % 64, 0);
  EXPECT_LE(lu.bytes_for(n), 0.5 * lu.memory_bytes());
  EXPECT_GT(lu.bytes_for(n + 64), 0.5 * lu.memory_bytes());
}

TEST(CpuLu, ResidualPassesAndAPlantedWrongFactorFailsIt) {
  auto lu = make_cpu_lu(1, 1);
  LuProblem p;
  p.n = 300;
  p.seed_a = derive_seed(std::uint64_t(time(nullptr)), 7);  // fresh inputs each run
  p.seed_b = derive_seed(p.seed_a, 8);
  lu->prepare(p);
  EXPECT_GT(lu->time_factor_solve(), 0.0);
  const double clean = hpl_scaled_residual(lu->norms(), p.n);
  EXPECT_LT(clean, kHplResidualThreshold);
  EXPECT_GT(clean, 0.0);
  lu->time_factor_solve();
  lu->corrupt_factors_and_resolve();
  EXPECT_GT(hpl_scaled_residual(lu->norms(), p.n), 1e3 * kHplResidualThreshold);
}

}  // namespace
}  // namespace capbench
