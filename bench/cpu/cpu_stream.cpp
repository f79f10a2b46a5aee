// CPU STREAM kernels, OpenMP-parallel with static schedules so each thread touches the
// same pages it initialised (first touch).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <vector>

#include "bench/cpu/cpu_backend.hpp"
#include "common/random.hpp"
#include "common/stream_data.hpp"

namespace capbench {

namespace {

template <class T>
class CpuStream {
 public:
  void prepare(std::int64_t n, std::uint64_t seed, int threads) {
    n_ = n;
    threads_ = threads;
    seed_ = seed;
    a_.reset(new T[static_cast<std::size_t>(n)]);
    b_.reset(new T[static_cast<std::size_t>(n)]);
    c_.reset(new T[static_cast<std::size_t>(n)]);
    T* a = a_.get();
    T* b = b_.get();
    T* c = c_.get();
    const auto sa = stream_seed_a(seed), sb = stream_seed_b(seed), sc = stream_seed_c(seed);
#pragma omp parallel for schedule(static) num_threads(threads_)
    for (std::int64_t i = 0; i < n; ++i) {
      a[i] = initial_a(sa, i);
      b[i] = static_cast<T>(stream_initial_value(sb, i));
      c[i] = static_cast<T>(stream_initial_value(sc, i));
    }
  }

  static T initial_a(std::uint64_t seed_a, std::int64_t i) {
    return static_cast<T>(stream_initial_value(seed_a, i));
  }

  void run(StreamKernel k) {
    T* __restrict a = a_.get();
    T* __restrict b = b_.get();
    T* __restrict c = c_.get();
    const T s = static_cast<T>(kStreamScalar);
    const std::int64_t n = n_;
    switch (k) {
      case StreamKernel::copy:
#pragma omp parallel for schedule(static) num_threads(threads_)
        for (std::int64_t i = 0; i < n; ++i) c[i] = a[i];
        break;
      case StreamKernel::mul:
#pragma omp parallel for schedule(static) num_threads(threads_)
        for (std::int64_t i = 0; i < n; ++i) b[i] = s * c[i];
        break;
      case StreamKernel::add:
#pragma omp parallel for schedule(static) num_threads(threads_)
        for (std::int64_t i = 0; i < n; ++i) c[i] = a[i] + b[i];
        break;
      case StreamKernel::triad:
#pragma omp parallel for schedule(static) num_threads(threads_)
        for (std::int64_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i];
        break;
      case StreamKernel::dot: {
        // Partial sums in T per thread block, combined in double: the kernel still reads
        // both arrays once, and the sum stays accurate enough to check.
        double sum = 0;
#pragma omp parallel for schedule(static) num_threads(threads_) reduction(+ : sum)
        for (std::int64_t blk = 0; blk < (n + 4095) / 4096; ++blk) {
          T part = 0;
          const std::int64_t end = std::min(n, (blk + 1) * 4096);
          for (std::int64_t i = blk * 4096; i < end; ++i) part += a[i] * b[i];
          sum += static_cast<double>(part);
        }
        dot_ = sum;
        break;
      }
    }
  }

  StreamCheck check(const StreamExpectation& e) const {
    StreamCheck out;
    const auto sa = stream_seed_a(seed_);
    std::int64_t bad = 0;
    double worst = 0, dot = 0;
    const T* a = a_.get();
    const T* b = b_.get();
    const T* c = c_.get();
#pragma omp parallel for schedule(static) num_threads(threads_) reduction(+ : bad, dot) reduction(max : worst)
    for (std::int64_t i = 0; i < n_; ++i) {
      const double a0 = static_cast<double>(initial_a(sa, i));
      const double ea = a0 * e.a_factor, eb = a0 * e.b_factor, ec = a0 * e.c_factor;
      const double ra = std::fabs(double(a[i]) - ea) / ea;
      const double rb = std::fabs(double(b[i]) - eb) / eb;
      const double rc = std::fabs(double(c[i]) - ec) / ec;
      const double r = std::max({ra, rb, rc});
      if (!(r <= e.rel_tolerance)) ++bad;  // NaN counts as bad
      worst = std::max(worst, std::isfinite(r) ? r : 1e300);
      dot += ea * eb;
    }
    out.mismatches = bad;
    out.max_rel_error = worst;
    out.expected_dot = dot;
    return out;
  }

  double dot() const { return dot_; }
  void release() {
    a_.reset();
    b_.reset();
    c_.reset();
  }

 private:
  std::int64_t n_ = 0;
  int threads_ = 1;
  std::uint64_t seed_ = 0;
  std::unique_ptr<T[]> a_, b_, c_;
  double dot_ = 0;
};

class CpuStreamImpl final : public StreamImpl {
 public:
  CpuStreamImpl(int threads, int ranks_on_node) : threads_(threads), ranks_on_node_(ranks_on_node) {}

  Support supports(const std::string& precision) const override {
    return precision == "fp64" || precision == "fp32" ? Support::yes()
                                                      : Support::no("stream runs in fp64 and fp32 only");
  }

  std::int64_t auto_elements(const std::string& precision, double llc_multiple) const override {
    // The node's ranks run at once, so their arrays together must dwarf the shared cache.
    const double bytes = llc_multiple * double(last_level_cache_bytes()) / std::max(1, ranks_on_node_);
    const double elem = precision == "fp64" ? 8.0 : 4.0;
    return std::max<std::int64_t>(std::int64_t(std::ceil(bytes / elem)), 1 << 20);
  }

  void prepare(const std::string& precision, std::int64_t n, std::uint64_t seed) override {
    fp64_ = precision == "fp64";
    if (fp64_)
      d_.prepare(n, seed, threads_);
    else
      f_.prepare(n, seed, threads_);
  }

  double time_batch(StreamKernel k, int reps) override {
    const auto t0 = std::chrono::steady_clock::now();
    for (int r = 0; r < reps; ++r) {
      if (fp64_)
        d_.run(k);
      else
        f_.run(k);
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }

  double last_dot() const override { return fp64_ ? d_.dot() : f_.dot(); }
  StreamCheck check(const StreamExpectation& e) override { return fp64_ ? d_.check(e) : f_.check(e); }
  json info() const override {
    return {{"threads", threads_}, {"llc_bytes_node", last_level_cache_bytes()}, {"ranks_on_node", ranks_on_node_}};
  }
  void release() override {
    d_.release();
    f_.release();
  }

 private:
  int threads_, ranks_on_node_;
  bool fp64_ = true;
  CpuStream<double> d_;
  CpuStream<float> f_;
};

}  // namespace

std::unique_ptr<StreamImpl> make_cpu_stream(int threads, int ranks_on_node) {
  return std::make_unique<CpuStreamImpl>(threads, ranks_on_node);
}

}  // namespace capbench
