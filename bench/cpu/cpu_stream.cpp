// CPU STREAM kernels, OpenMP-parallel with static schedules so each thread touches the
// same pages it initialised (first touch).
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <new>
#include <vector>

#include "bench/cpu/cpu_backend.hpp"
#include "bench/cpu/stream_kernels.hpp"
#include "common/random.hpp"
#include "common/stream_data.hpp"

namespace capbench {

namespace {

// Thread t's share of [0, n): the same contiguous range for first touch and for every kernel,
// so each thread reads and writes the pages it placed.
inline void thread_range(std::int64_t n, int t, int threads, std::int64_t& begin, std::int64_t& end) {
  const std::int64_t base = n / threads, extra = n % threads;
  begin = t * base + std::min<std::int64_t>(t, extra);
  end = begin + base + (t < extra ? 1 : 0);
}

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

template <class T>
std::unique_ptr<T[], AlignedFree> aligned_array(std::int64_t n) {
  const std::size_t bytes = (std::size_t(n) * sizeof(T) + kStreamAlignment - 1) / kStreamAlignment * kStreamAlignment;
  return std::unique_ptr<T[], AlignedFree>(static_cast<T*>(std::aligned_alloc(kStreamAlignment, bytes)));
}

template <class T>
const StreamKernelSet<T>& kernel_set(const StreamKernelTable& t) {
  if constexpr (sizeof(T) == 8) return t.fp64;
  else return t.fp32;
}

template <class T>
class CpuStream {
 public:
  void prepare(std::int64_t n, std::uint64_t seed, int threads, bool nontemporal) {
    n_ = n;
    threads_ = threads;
    seed_ = seed;
    nontemporal_ = nontemporal;
    a_ = aligned_array<T>(n);
    b_ = aligned_array<T>(n);
    c_ = aligned_array<T>(n);
    if (!a_ || !b_ || !c_) throw std::bad_alloc();
    T* a = a_.get();
    T* b = b_.get();
    T* c = c_.get();
    const auto sa = stream_seed_a(seed), sb = stream_seed_b(seed), sc = stream_seed_c(seed);
#pragma omp parallel num_threads(threads_)
    {
      std::int64_t lo, hi;
      thread_range(n, omp_get_thread_num(), omp_get_num_threads(), lo, hi);
      for (std::int64_t i = lo; i < hi; ++i) {
        a[i] = initial_a(sa, i);
        b[i] = static_cast<T>(stream_initial_value(sb, i));
        c[i] = static_cast<T>(stream_initial_value(sc, i));
      }
    }
  }

  static T initial_a(std::uint64_t seed_a, std::int64_t i) {
    return static_cast<T>(stream_initial_value(seed_a, i));
  }

  void run(StreamKernel k) {
    T* a = a_.get();
    T* b = b_.get();
    T* c = c_.get();
    const T s = static_cast<T>(kStreamScalar);
    const std::int64_t n = n_;
    const auto& ks = kernel_set<T>(stream_kernels());
    const bool nt = nontemporal_;
    if (k == StreamKernel::dot) {
      // Partial sums in T per block of 4096, combined in double: the kernel still reads both
      // arrays once, and the sum stays accurate enough to check.
      double sum = 0;
#pragma omp parallel for schedule(static) num_threads(threads_) reduction(+ : sum)
      for (std::int64_t blk = 0; blk < (n + 4095) / 4096; ++blk)
        sum += static_cast<double>(ks.dot(a, b, blk * 4096, std::min(n, (blk + 1) * 4096)));
      dot_ = sum;
      return;
    }
#pragma omp parallel num_threads(threads_)
    {
      std::int64_t lo, hi;
      thread_range(n, omp_get_thread_num(), omp_get_num_threads(), lo, hi);
      switch (k) {
        case StreamKernel::copy: ks.copy(c, a, lo, hi, nt); break;
        case StreamKernel::mul: ks.mul(b, c, s, lo, hi, nt); break;
        case StreamKernel::add: ks.add(c, a, b, lo, hi, nt); break;
        case StreamKernel::triad: ks.triad(a, b, c, s, lo, hi, nt); break;
        case StreamKernel::dot: break;
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
  bool nontemporal_ = false;
  std::unique_ptr<T[], AlignedFree> a_, b_, c_;
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
    // Non-temporal stores skip the read-for-ownership of each written line: faster once an
    // array is larger than the rank's share of the cache, slower while it still fits.
    const double bytes = double(n) * (fp64_ ? 8 : 4);
    nontemporal_ = bytes > double(last_level_cache_bytes()) / std::max(1, ranks_on_node_);
    if (fp64_)
      d_.prepare(n, seed, threads_, nontemporal_);
    else
      f_.prepare(n, seed, threads_, nontemporal_);
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
    return {{"threads", threads_},
            {"llc_bytes_node", last_level_cache_bytes()},
            {"ranks_on_node", ranks_on_node_},
            {"vector_isa", stream_kernels().isa},
            {"stores", nontemporal_ ? "non-temporal (the arrays exceed the rank's share of the cache)"
                                    : "ordinary (the arrays fit the cache)"},
            {"bytes_counted", "STREAM's rule: arrays read + written, write-allocate traffic not counted"}};
  }
  void release() override {
    d_.release();
    f_.release();
  }

 private:
  int threads_, ranks_on_node_;
  bool fp64_ = true, nontemporal_ = false;
  CpuStream<double> d_;
  CpuStream<float> f_;
};

}  // namespace

std::unique_ptr<StreamImpl> make_cpu_stream(int threads, int ranks_on_node) {
  return std::make_unique<CpuStreamImpl>(threads, ranks_on_node);
}

}  // namespace capbench
