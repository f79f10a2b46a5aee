// GPU LU through cuSOLVER: getrf (partial pivoting) and getrs, 64-bit interface (cusolverDnX*),
// so that n·n may pass 2^31 on a GPU with 80 GB or more. Timed with CUDA events; the residual
// is computed on the device (kernels/lu.cu) against A regenerated from its seed.
#include <cusolverDn.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "bench/cuda/cuda_backend.hpp"
#include "bench/cuda/device_memory.hpp"
#include "bench/lu/lu_impl.hpp"
#include "common/random.hpp"
#include "kernels/kernels.hpp"

#define CUSOLVER_CHECK(expr)                                                                          \
  do {                                                                                              \
    const cusolverStatus_t capbench_cs_ = (expr);                                                   \
    if (capbench_cs_ != CUSOLVER_STATUS_SUCCESS)                                                    \
      throw std::runtime_error(fmt::format("{} failed with cusolverStatus_t {} ({}:{})", #expr,     \
                                           int(capbench_cs_), __FILE__, __LINE__));                 \
  } while (0)

namespace capbench {

namespace {

class CudaLu final : public LuImpl {
 public:
  explicit CudaLu(CudaDevice dev) : dev_(std::move(dev)) {}
  ~CudaLu() override { release(); }

  double memory_bytes() const override { return double(dev_.memory_bytes); }
  // The matrix, x, the pivots, and cuSOLVER's workspace (a panel: about 512 columns at most).
  double bytes_for(std::int64_t n) const override {
    return 8.0 * double(n) * double(n) + 16.0 * double(n) + 8.0 * 512.0 * double(n) + (64 << 20);
  }

  void prepare(const LuProblem& problem) override {
    release();
    pr_ = problem;
    CUDA_CHECK(cudaSetDevice(dev_.ordinal));
    const std::int64_t n = pr_.n;
    a_ = DeviceBuffer(std::size_t(n) * std::size_t(n) * sizeof(double));
    x_ = DeviceBuffer(std::size_t(n) * sizeof(double));
    ipiv_ = DeviceBuffer(std::size_t(n) * sizeof(std::int64_t));
    info_ = DeviceBuffer(sizeof(int));
    stream_ = std::make_unique<CudaStream>();
    CUSOLVER_CHECK(cusolverDnCreate(&handle_));
    CUSOLVER_CHECK(cusolverDnSetStream(handle_, stream_->get()));
    CUSOLVER_CHECK(cusolverDnCreateParams(&params_));
    CUSOLVER_CHECK(cusolverDnXgetrf_bufferSize(handle_, params_, n, n, CUDA_R_64F, a_.get(), n, CUDA_R_64F,
                                               &device_work_bytes_, &host_work_bytes_));
    work_ = DeviceBuffer(device_work_bytes_);
    host_work_.assign(host_work_bytes_, 0);
  }

  double time_factor_solve() override {
    const cudaStream_t s = stream_->get();
    fill();
    CudaEvent start, stop;
    CUDA_CHECK(cudaEventRecord(start.get(), s));
    factor();
    solve();
    CUDA_CHECK(cudaEventRecord(stop.get(), s));
    const double seconds = event_seconds(start, stop);
    check_info("getrf/getrs");
    return seconds;
  }

  void corrupt_factors_and_resolve() override {
    // U's middle diagonal element doubled plus one: a wrong factor far above rounding.
    const std::int64_t mid = pr_.n / 2 + (pr_.n / 2) * pr_.n;
    double u = 0;
    CUDA_CHECK(cudaMemcpy(&u, a_.as<double>() + mid, sizeof u, cudaMemcpyDeviceToHost));
    CUDA_CHECK(kernels::perturb_element(kernels::ElemType::f64, a_.get(), mid, u + 1, stream_->get()));
    CUDA_CHECK(kernels::fill_uniform_pm1(kernels::ElemType::f64, x_.get(), pr_.n, pr_.seed_b, stream_->get()));
    solve();
    CUDA_CHECK(cudaStreamSynchronize(stream_->get()));
  }

  LuNorms norms() override {
    const cudaStream_t s = stream_->get();
    const auto n = std::size_t(pr_.n);
    CUDA_CHECK(kernels::fill_uniform_pm1(kernels::ElemType::f64, a_.get(), pr_.n * pr_.n, pr_.seed_a, s));
    DeviceBuffer rows(2 * n * sizeof(double));
    CUDA_CHECK(kernels::lu_residual_rows(a_.as<double>(), pr_.n, x_.as<double>(), pr_.seed_b, rows.as<double>(),
                                         rows.as<double>() + n, s));
    std::vector<double> host(2 * n), x(n);
    CUDA_CHECK(cudaMemcpyAsync(host.data(), rows.get(), host.size() * sizeof(double), cudaMemcpyDeviceToHost, s));
    CUDA_CHECK(cudaMemcpyAsync(x.data(), x_.get(), n * sizeof(double), cudaMemcpyDeviceToHost, s));
    CUDA_CHECK(cudaStreamSynchronize(s));
    LuNorms v;
    for (std::size_t i = 0; i < n; ++i) {
      v.residual = std::max(v.residual, std::fabs(host[i]));
      v.a = std::max(v.a, host[n + i]);
      v.x = std::max(v.x, std::fabs(x[i]));
      v.b = std::max(v.b, std::fabs(uniform_pm1(pr_.seed_b, i)));
      if (!std::isfinite(host[i]) || !std::isfinite(x[i])) v.residual = INFINITY;
    }
    return v;
  }

  json info() const override {
    int version = 0;
    cusolverGetVersion(&version);
    return {{"library", "cuSOLVER"}, {"routine", "cusolverDnXgetrf + cusolverDnXgetrs (64-bit interface)"},
            {"cusolver_version", version}, {"workspace_bytes", double(device_work_bytes_)},
            {"device", dev_.describe()}};
  }

  void release() override {
    if (params_) cusolverDnDestroyParams(params_);
    if (handle_) cusolverDnDestroy(handle_);
    params_ = nullptr;
    handle_ = nullptr;
    stream_.reset();
    work_ = DeviceBuffer();
    info_ = DeviceBuffer();
    ipiv_ = DeviceBuffer();
    x_ = DeviceBuffer();
    a_ = DeviceBuffer();
    host_work_ = {};
  }

 private:
  void fill() {
    const cudaStream_t s = stream_->get();
    CUDA_CHECK(kernels::fill_uniform_pm1(kernels::ElemType::f64, a_.get(), pr_.n * pr_.n, pr_.seed_a, s));
    CUDA_CHECK(kernels::fill_uniform_pm1(kernels::ElemType::f64, x_.get(), pr_.n, pr_.seed_b, s));
  }
  void factor() {
    CUSOLVER_CHECK(cusolverDnXgetrf(handle_, params_, pr_.n, pr_.n, CUDA_R_64F, a_.get(), pr_.n,
                                    ipiv_.as<std::int64_t>(), CUDA_R_64F, work_.get(), device_work_bytes_,
                                    host_work_.empty() ? nullptr : host_work_.data(), host_work_bytes_,
                                    info_.as<int>()));
  }
  void solve() {
    CUSOLVER_CHECK(cusolverDnXgetrs(handle_, params_, CUBLAS_OP_N, pr_.n, 1, CUDA_R_64F, a_.get(), pr_.n,
                                    ipiv_.as<std::int64_t>(), CUDA_R_64F, x_.get(), pr_.n, info_.as<int>()));
  }
  void check_info(const char* what) {
    int info = 0;
    CUDA_CHECK(cudaMemcpy(&info, info_.get(), sizeof info, cudaMemcpyDeviceToHost));
    if (info != 0)
      throw std::runtime_error(fmt::format("{} on {} returned info {} (n {})", what, dev_.describe(), info, pr_.n));
  }

  CudaDevice dev_;
  LuProblem pr_;
  DeviceBuffer a_, x_, ipiv_, info_, work_;
  std::vector<unsigned char> host_work_;
  std::size_t device_work_bytes_ = 0, host_work_bytes_ = 0;
  std::unique_ptr<CudaStream> stream_;
  cusolverDnHandle_t handle_ = nullptr;
  cusolverDnParams_t params_ = nullptr;
};

}  // namespace

std::unique_ptr<LuImpl> make_cuda_lu(const CudaDevice& dev) { return std::make_unique<CudaLu>(dev); }

}  // namespace capbench
