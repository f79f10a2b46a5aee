// CPU GEMM through cblas: FP64 (dgemm) and FP32 (sgemm), with the BLAS kernel chosen by
// measurement and Freivalds' check (bench/cpu/blas_selection.hpp).

#include <chrono>
#include <vector>

#include <fmt/format.h>

#include "bench/cpu/cpu_backend.hpp"
#include "bench/cpu/blas_selection.hpp"
#include "bench/cpu/cpu_freivalds.hpp"
#include "bench/cpu/cpu_peak.hpp"
#include "bench/cpu/huge_page_memory.hpp"
#include "common/random.hpp"

namespace capbench {

namespace {

class CpuGemm final : public GemmImpl {
 public:
  explicit CpuGemm(int threads) : threads_(threads) {}

  Support supports(Precision p) const override {
    if (p == Precision::fp64 || p == Precision::fp32) return Support::yes();
    return Support::no(std::string("the CPU backend measures fp64 and fp32 only, not ") +
                       std::string(precision_info(p).key));
  }

  void prepare(const GemmProblem& problem) override {
    pr_ = problem;
    blas_ = &choose_blas(threads_);
    if (blas_->kernel.set_threads) blas_->kernel.set_threads(threads_);
    const auto sa = std::size_t(pr_.m * pr_.k), sb = std::size_t(pr_.k * pr_.n), sc = std::size_t(pr_.m * pr_.n);
    if (pr_.precision == Precision::fp64) {
      fill(a64_, sa, 1);
      fill(b64_, sb, 2);
      c64_.assign(sc, 0.0);
    } else {
      fill(a32_, sa, 1);
      fill(b32_, sb, 2);
      c32_.assign(sc, 0.0f);
    }
  }

  int default_batch() const override { return 1; }

  double time_batch(int reps) override {
    const auto m = int(pr_.m), n = int(pr_.n), k = int(pr_.k);
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r) {
      if (pr_.precision == Precision::fp64)
        blas_->kernel.dgemm(kColMajor, kNoTrans, kNoTrans, m, n, k, 1.0, a64_.data(), m, b64_.data(), k, 0.0,
                            c64_.data(), m);
      else
        blas_->kernel.sgemm(kColMajor, kNoTrans, kNoTrans, m, n, k, 1.0f, a32_.data(), m, b32_.data(), k, 0.0f,
                            c32_.data(), m);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  Verification verify(std::uint64_t check_seed) override {
    const auto& info = precision_info(pr_.precision);
    if (pr_.precision == Precision::fp64)
      return freivalds_verify_host(a64_.data(), b64_.data(), c64_.data(), pr_.m, pr_.n, pr_.k, info, check_seed);
    return freivalds_verify_host(a32_.data(), b32_.data(), c32_.data(), pr_.m, pr_.n, pr_.k, info, check_seed);
  }

  void corrupt_one_output_element() override {
    // A wrong answer well above rounding: the element doubled, plus one.
    if (pr_.precision == Precision::fp64) c64_.at(0) = 2 * c64_.at(0) + 1;
    else c32_.at(0) = 2 * c32_.at(0) + 1;
  }

  json info() const override {
    json out = {{"routine", pr_.precision == Precision::fp64 ? "cblas_dgemm" : "cblas_sgemm"}, {"threads", threads_}};
    if (blas_) {
      out["library"] = blas_->kernel.name;
      out["blas_core"] = blas_->kernel.core;
      out["blas_choice"] = blas_->to_json();
    }
    const CpuPeak& peak = this_rank_cpu_peak(threads_);
    const double p = pr_.precision == Precision::fp64 ? peak.fp64 : peak.fp32;
    if (p > 0) out["peak_flops"] = p;
    out["matrix_pages"] = fmt::format("transparent huge pages requested (madvise, 2 MiB-aligned); kernel THP mode {}",
                                      transparent_huge_page_mode());
    out["peak_basis"] = fmt::format("{} cores x {} FLOP/cycle ({}) x {:.3f} GHz, {}", peak.cores,
                                    cpu_flop_per_cycle(peak.features, pr_.precision), cpu_vector_isa(peak.features),
                                    peak.clock.chosen_hz() / 1e9, peak.clock.basis());
    return out;
  }

  void release() override {
    a64_ = {}; b64_ = {}; c64_ = {};
    a32_ = {}; b32_ = {}; c32_ = {};
  }

 private:
  // The matrices on huge pages (bench/cpu/huge_page_memory.hpp): fewer TLB misses in packing.
  template <class T>
  using Matrix = std::vector<T, HugePageAllocator<T>>;

  template <class T>
  void fill(Matrix<T>& v, std::size_t count, std::uint64_t which) {
    v.resize(count);
    const auto seed = derive_seed(pr_.seed, which);
    for (std::size_t i = 0; i < count; ++i) v[i] = static_cast<T>(uniform_pm1(seed, i));
  }

  static constexpr int kColMajor = 102, kNoTrans = 111;  // CBLAS_ORDER, CBLAS_TRANSPOSE values
  int threads_;
  const BlasChoice* blas_ = nullptr;
  GemmProblem pr_;
  Matrix<double> a64_, b64_, c64_;
  Matrix<float> a32_, b32_, c32_;
};

}  // namespace

std::unique_ptr<GemmImpl> make_cpu_gemm(int threads) { return std::make_unique<CpuGemm>(threads); }

}  // namespace capbench
