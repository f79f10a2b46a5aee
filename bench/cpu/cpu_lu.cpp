// CPU LU through LAPACK from OpenBLAS: dgetrf (factorization with partial pivoting) and dgetrs.
#include <cblas.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "bench/cpu/cpu_backend.hpp"
#include "common/random.hpp"

// LAPACK's Fortran interface, as OpenBLAS exports it (LP64: 32-bit integers). Declared here
// rather than through LAPACKE, which Debian ships in a separate package.
extern "C" {
void dgetrf_(const int* m, const int* n, double* a, const int* lda, int* ipiv, int* info);
void dgetrs_(const char* trans, const int* n, const int* nrhs, const double* a, const int* lda, const int* ipiv,
             double* b, const int* ldb, int* info, std::size_t trans_len);
}

namespace capbench {

namespace {

double node_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  double kib = 0;
  while (in >> key >> kib >> unit)
    if (key == "MemTotal:") return kib * 1024.0;
  return 0;
}

class CpuLu final : public LuImpl {
 public:
  static constexpr std::int64_t kMaxN = 46340;

  CpuLu(int threads, int ranks_on_node) : threads_(threads), ranks_on_node_(std::max(1, ranks_on_node)) {}

  double memory_bytes() const override { return node_memory_bytes() / ranks_on_node_; }
  // Beyond kMaxN the case cannot run here: an automatic n stays below it.
  double bytes_for(std::int64_t n) const override {
    return n > kMaxN ? INFINITY : 8.0 * double(n) * double(n) + 20.0 * double(n);
  }

  void prepare(const LuProblem& problem) override {
    if (problem.n > kMaxN)
      throw std::runtime_error(fmt::format("lu n {} is beyond {}, where n*n passes LAPACK's 32-bit integers", problem.n, kMaxN));
    pr_ = problem;
    openblas_set_num_threads(threads_);
    a_.assign(std::size_t(pr_.n * pr_.n), 0.0);
    x_.assign(std::size_t(pr_.n), 0.0);
    ipiv_.assign(std::size_t(pr_.n), 0);
  }

  double time_factor_solve() override {
    fill_a(a_.data());
    fill_b(x_.data());
    const int n = int(pr_.n), one = 1;
    int info = 0;
    const auto t0 = std::chrono::steady_clock::now();
    dgetrf_(&n, &n, a_.data(), &n, ipiv_.data(), &info);
    if (info == 0) dgetrs_("N", &n, &one, a_.data(), &n, ipiv_.data(), x_.data(), &n, &info, 1);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (info != 0) throw std::runtime_error(fmt::format("dgetrf/dgetrs returned info {} (n {})", info, n));
    return s;
  }

  void corrupt_factors_and_resolve() override {
    // U's middle diagonal element doubled plus one: a wrong factor far above rounding.
    double& u = a_.at(std::size_t(pr_.n / 2 + (pr_.n / 2) * pr_.n));
    u = 2 * u + 1;
    fill_b(x_.data());
    const int n = int(pr_.n), one = 1;
    int info = 0;
    dgetrs_("N", &n, &one, a_.data(), &n, ipiv_.data(), x_.data(), &n, &info, 1);
  }

  LuNorms norms() override {
    // r = A·x − b and the row sums of |A|, with A regenerated column by column into the
    // factors' storage (they are no longer needed).
    fill_a(a_.data());
    const auto n = std::size_t(pr_.n);
    std::vector<double> r(n), row_abs(n, 0.0);
    fill_b(r.data());
    cblas_dgemv(CblasColMajor, CblasNoTrans, int(n), int(n), 1.0, a_.data(), int(n), x_.data(), 1, -1.0, r.data(), 1);
    for (std::size_t j = 0; j < n; ++j)
      for (std::size_t i = 0; i < n; ++i) row_abs[i] += std::fabs(a_[i + j * n]);
    LuNorms v;
    for (std::size_t i = 0; i < n; ++i) {
      v.residual = std::max(v.residual, std::fabs(r[i]));
      v.a = std::max(v.a, row_abs[i]);
      v.x = std::max(v.x, std::fabs(x_[i]));
      v.b = std::max(v.b, std::fabs(uniform_pm1(pr_.seed_b, i)));
      if (!std::isfinite(r[i]) || !std::isfinite(x_[i])) v.residual = INFINITY;
    }
    return v;
  }

  json info() const override {
    return {{"library", "OpenBLAS (LAPACK)"}, {"routine", "dgetrf + dgetrs"}, {"threads", threads_},
            {"openblas_config", openblas_get_config()}, {"openblas_core", openblas_get_corename()}};
  }

  void release() override {
    a_ = {};
    x_ = {};
    ipiv_ = {};
  }

 private:
  void fill_a(double* a) const {
    const std::int64_t count = pr_.n * pr_.n;
    for (std::int64_t i = 0; i < count; ++i) a[i] = uniform_pm1(pr_.seed_a, std::uint64_t(i));
  }
  void fill_b(double* b) const {
    for (std::int64_t i = 0; i < pr_.n; ++i) b[i] = uniform_pm1(pr_.seed_b, std::uint64_t(i));
  }

  int threads_, ranks_on_node_;
  LuProblem pr_;
  std::vector<double> a_, x_;
  std::vector<int> ipiv_;
};

}  // namespace

std::unique_ptr<LuImpl> make_cpu_lu(int threads, int ranks_on_node) {
  return std::make_unique<CpuLu>(threads, ranks_on_node);
}

}  // namespace capbench
