#include "bench/cpu/cpu_peak.hpp"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <mutex>
#include <regex>
#include <vector>

#include <fmt/format.h>

namespace capbench {

int cpu_flop_per_cycle(const CpuFeatures& f, Precision p) {
  int lanes_fp64 = 0, ops = 0;  // fp64 lanes per vector, and vector flops per cycle per lane
  if (f.avx512f && f.avx512_fma_units > 0) {
    lanes_fp64 = 8;
    ops = 2 * f.avx512_fma_units;
  } else if (f.avx2 && f.fma) {
    lanes_fp64 = 4;
    ops = 2 * 2;  // two 256-bit FMA units: Haswell and later, Zen 2 and later
  } else if (f.avx) {
    lanes_fp64 = 4;
    ops = 2;  // one add and one multiply
  } else if (f.sse2) {
    lanes_fp64 = 2;
    ops = 2;
  }
  if (p == Precision::fp64) return lanes_fp64 * ops;
  if (p == Precision::fp32) return 2 * lanes_fp64 * ops;
  return 0;
}

std::string cpu_vector_isa(const CpuFeatures& f) {
  if (f.avx512f && f.avx512_fma_units > 0)
    return fmt::format("avx512 ({} FMA unit{})", f.avx512_fma_units, f.avx512_fma_units == 1 ? "" : "s");
  if (f.avx2 && f.fma) return "avx2+fma";
  if (f.avx) return "avx";
  if (f.sse2) return "sse2";
  return "scalar";
}

// A peak must bound what the cores can reach: the measured all-core clock where it was
// measured (a VM's stated or reported clock can be below the turbo it runs at, which would put
// a GEMM above "peak"), else the stated base clock, else the reported one.
bool CpuClock::uses_fma512_clock() const { return fma512_hz && *fma512_hz > 0 && (!measured_hz || *fma512_hz < *measured_hz); }

double CpuClock::chosen_hz() const {
  if (uses_fma512_clock()) return *fma512_hz;
  if (measured_hz) return *measured_hz;
  if (nominal_hz) return *nominal_hz;
  if (reported_hz) return *reported_hz;
  return max_hz.value_or(0.0);
}

std::string CpuClock::basis() const {
  if (uses_fma512_clock())
    return "clock measured under 512-bit FMA load on all cores (independent register-resident FMA chains on every "
           "thread of the rank at once; rate / FLOP per cycle), below the scalar clock measured with dependent adds; "
           "stated, reported and scalar clocks are listed beside it";
  if (measured_hz)
    return "measured all-core clock (dependent register adds on every thread of the rank at once), the upper "
           "bound of the clocks the cores run; stated and reported clocks are listed beside it";
  if (nominal_hz) return "base clock stated in the CPU's model name (not measured)";
  if (reported_hz) return "clock the kernel reports (/proc/cpuinfo cpu MHz; not measured)";
  if (max_hz) return "maximum clock from cpufreq (not measured)";
  return "unknown clock";
}

std::string CpuClock::basis_short() const {
  if (uses_fma512_clock()) return "clock measured under 512-bit FMA load on all cores";
  if (measured_hz) return "measured clock";
  if (nominal_hz) return "stated base clock";
  if (reported_hz) return "reported clock";
  if (max_hz) return "cpufreq maximum clock";
  return "unknown clock";
}

CpuPeak compute_cpu_peak(const CpuFeatures& f, const CpuClock& clock, int cores) {
  CpuPeak p;
  p.features = f;
  p.clock = clock;
  p.cores = cores;
  p.fp64 = double(cores) * cpu_flop_per_cycle(f, Precision::fp64) * clock.chosen_hz();
  p.fp32 = double(cores) * cpu_flop_per_cycle(f, Precision::fp32) * clock.chosen_hz();
  return p;
}

json CpuPeak::to_json() const {
  json clocks = json::object();
  if (clock.nominal_hz) clocks["nominal_hz"] = *clock.nominal_hz;
  if (clock.max_hz) clocks["max_hz"] = *clock.max_hz;
  if (clock.reported_hz) clocks["reported_hz"] = *clock.reported_hz;
  if (clock.measured_hz) clocks["measured_hz"] = *clock.measured_hz;
  if (clock.fma512_hz) clocks["fma512_hz"] = *clock.fma512_hz;
  return {{"vector_isa", cpu_vector_isa(features)},
          {"avx512_fma_units", features.avx512_fma_units},
          {"flop_per_cycle_per_core", {{"fp64", cpu_flop_per_cycle(features, Precision::fp64)},
                                       {"fp32", cpu_flop_per_cycle(features, Precision::fp32)}}},
          {"cores", cores},
          {"clock_hz", clock.chosen_hz()},
          {"clock_basis", clock.basis()},
          {"clock_basis_short", clock.basis_short()},
          {"clocks", clocks},
          {"peak_flops", {{"fp64", fp64}, {"fp32", fp32}}},
          {"formula", "cores x FLOP per cycle per core x clock"}};
}

std::optional<double> clock_from_model_name(const std::string& name) {
  static const std::regex at(R"(@\s*([0-9]+(?:\.[0-9]+)?)\s*([GM])Hz)", std::regex::icase);
  std::smatch m;
  if (!std::regex_search(name, m, at)) return std::nullopt;
  const double v = std::stod(m[1].str());
  return v * (m[2].str() == "G" || m[2].str() == "g" ? 1e9 : 1e6);
}

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Ten independent FMA chains: enough in flight to fill two units of latency 4.
__attribute__((target("avx512f,fma"))) double fma_rate_512(long iters) {
  __m512d acc[10];
  for (int i = 0; i < 10; ++i) acc[i] = _mm512_set1_pd(1.0 + i * 1e-3);
  const __m512d mul = _mm512_set1_pd(0.9999999), add = _mm512_set1_pd(1e-7);
  const auto t0 = Clock::now();
  for (long it = 0; it < iters; ++it)
    for (auto& a : acc) a = _mm512_fmadd_pd(a, mul, add);
  const double t = seconds_since(t0);
  alignas(64) double out[8];
  double sink = 0;
  for (auto& a : acc) {
    _mm512_store_pd(out, a);
    sink += out[0] + out[7];
  }
  volatile double keep = sink;
  (void)keep;
  return 10.0 * 8 * 2 * double(iters) / t;
}

__attribute__((target("avx2,fma"))) double fma_rate_256(long iters) {
  __m256d acc[10];
  for (int i = 0; i < 10; ++i) acc[i] = _mm256_set1_pd(1.0 + i * 1e-3);
  const __m256d mul = _mm256_set1_pd(0.9999999), add = _mm256_set1_pd(1e-7);
  const auto t0 = Clock::now();
  for (long it = 0; it < iters; ++it)
    for (auto& a : acc) a = _mm256_fmadd_pd(a, mul, add);
  const double t = seconds_since(t0);
  alignas(32) double out[4];
  double sink = 0;
  for (auto& a : acc) {
    _mm256_store_pd(out, a);
    sink += out[0] + out[1] + out[2] + out[3];
  }
  volatile double keep = sink;
  (void)keep;
  return 10.0 * 4 * 2 * double(iters) / t;
}

template <class F>
double best_of(F f, int rounds) {
  double best = 0;
  for (int i = 0; i < rounds; ++i) best = std::max(best, f());
  return best;
}

// One dependent add per cycle on every x86 core since the Pentium Pro: the chain's length over
// its time is the clock. The loop's own counter and branch run beside it on other ports.
double clock_one_thread() {
#if defined(__x86_64__)
  constexpr long kLoops = 100000;
  std::uint64_t x = 0, one = 1;
  const auto t0 = Clock::now();
  for (long i = 0; i < kLoops; ++i) {
    // Register to register: recent cores fold chains of "add register, immediate" at rename
    // (an Emerald Rapids ran them at six per cycle), never chains of register adds.
#define CAPBENCH_ADD10 "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t" \
                       "add %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\tadd %1, %0\n\t"
    asm volatile(CAPBENCH_ADD10 CAPBENCH_ADD10 CAPBENCH_ADD10 CAPBENCH_ADD10 CAPBENCH_ADD10 CAPBENCH_ADD10
                     CAPBENCH_ADD10 CAPBENCH_ADD10 CAPBENCH_ADD10 CAPBENCH_ADD10
                 : "+r"(x)
                 : "r"(one));
#undef CAPBENCH_ADD10
  }
  const double t = seconds_since(t0);
  return double(kLoops) * 100 / t;
#else
  return 0;
#endif
}

std::optional<double> reported_mhz() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("cpu MHz", 0) == 0 && line.find(':') != std::string::npos) {
      try {
        const double mhz = std::stod(line.substr(line.find(':') + 1));
        if (mhz > 100) return mhz * 1e6;
      } catch (const std::exception&) {
      }
    }
  return std::nullopt;
}

std::string model_name() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos) return line.substr(line.find(':') + 1);
  return {};
}

// Twelve independent FMA chains pinned to zmm registers by the assembly itself (two units of
// latency 4 need eight in flight), so that no build (-O0, sanitizers) turns them into memory
// round trips: intrinsics on an array did that at -O2 and ran at a third of the rate.
__attribute__((target("avx512f,fma"))) double fma_rate_512_in_registers(long iters) {
#if defined(__x86_64__)
  const __m512d mul = _mm512_set1_pd(0.9999999), add = _mm512_set1_pd(1e-7);
  long left = iters;
  const auto t0 = Clock::now();
#define CAPBENCH_FMA(r) "vfmadd213pd %%zmm17, %%zmm16, %%zmm" #r "\n\t"
#define CAPBENCH_INIT(r) "vmovapd %%zmm17, %%zmm" #r "\n\t"
  asm volatile("vmovapd %1, %%zmm16\n\t"
               "vmovapd %2, %%zmm17\n\t"
               CAPBENCH_INIT(0) CAPBENCH_INIT(1) CAPBENCH_INIT(2) CAPBENCH_INIT(3) CAPBENCH_INIT(4) CAPBENCH_INIT(5)
               CAPBENCH_INIT(6) CAPBENCH_INIT(7) CAPBENCH_INIT(8) CAPBENCH_INIT(9) CAPBENCH_INIT(10) CAPBENCH_INIT(11)
               "1:\n\t"
               CAPBENCH_FMA(0) CAPBENCH_FMA(1) CAPBENCH_FMA(2) CAPBENCH_FMA(3) CAPBENCH_FMA(4) CAPBENCH_FMA(5)
               CAPBENCH_FMA(6) CAPBENCH_FMA(7) CAPBENCH_FMA(8) CAPBENCH_FMA(9) CAPBENCH_FMA(10) CAPBENCH_FMA(11)
               "dec %0\n\t"
               "jnz 1b\n\t"
               : "+r"(left)
               : "v"(mul), "v"(add)
               : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
                 "xmm16", "xmm17", "cc");
#undef CAPBENCH_FMA
#undef CAPBENCH_INIT
  const double t = seconds_since(t0);
  return 12.0 * 8 * 2 * double(iters) / t;
#else
  (void)iters;
  return 0;
#endif
}

}  // namespace

double fma512_clock_hz(double fp64_rate_per_core, int units) {
  return units > 0 ? fp64_rate_per_core / (8.0 * 2.0 * units) : 0.0;
}

int reconcile_avx512_fma_units(int measured_units, double fp64_rate_per_core, std::optional<double> clock_hz) {
  constexpr double kAboveTheClock = 1.3;  // noise puts the FMA clock a few percent above, never a third
  if (measured_units == 1 && clock_hz && *clock_hz > 0 &&
      fma512_clock_hz(fp64_rate_per_core, 1) > kAboveTheClock * *clock_hz)
    return 2;
  return measured_units;
}

double measure_fma512_rate_all_cores(int threads) {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("fma")) return 0;
  constexpr long kIters = 2000000;  // 24 M FMAs per round: 3 ms at 4 GHz with two units
  const int n = std::max(1, threads);
  std::vector<double> per_thread(std::size_t(n), 0.0);
#pragma omp parallel num_threads(n)
  {
    // Warm-up of about 15 ms on every core together: the cores settle into the clock they hold
    // under 512-bit load (the license change takes well under a millisecond).
    for (int i = 0; i < 5; ++i) fma_rate_512_in_registers(kIters);
    double best = 0;
    for (int i = 0; i < 7; ++i) {
#pragma omp barrier
      best = std::max(best, fma_rate_512_in_registers(kIters));
    }
    per_thread[std::size_t(omp_get_thread_num())] = best;
  }
  std::sort(per_thread.begin(), per_thread.end());
  return per_thread[per_thread.size() / 2];
}

int measure_avx512_fma_units() {
  if (!__builtin_cpu_supports("avx512f") || !__builtin_cpu_supports("fma")) return 0;
  constexpr long kIters = 400000;  // about 10 ms per round at 3 GHz
  fma_rate_512(kIters);            // warm-up: the core settles into its AVX-512 clock
  const double r512 = best_of([] { return fma_rate_512(kIters); }, 3);
  const double r256 = best_of([] { return fma_rate_256(kIters); }, 3);
  return r512 > 1.5 * r256 ? 2 : 1;
}

CpuFeatures detect_cpu_features() {
  __builtin_cpu_init();
  CpuFeatures f;
  f.sse2 = __builtin_cpu_supports("sse2");
  f.avx = __builtin_cpu_supports("avx");
  f.avx2 = __builtin_cpu_supports("avx2");
  f.fma = __builtin_cpu_supports("fma");
  f.avx512f = __builtin_cpu_supports("avx512f");
  f.avx512_fma_units = f.avx512f ? measure_avx512_fma_units() : 0;
  return f;
}

CpuClock read_cpu_clock(int threads) {
  CpuClock c;
  c.nominal_hz = clock_from_model_name(model_name());
  c.reported_hz = reported_mhz();
  std::ifstream maxf("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq");
  double khz = 0;
  if (maxf >> khz && khz > 0) c.max_hz = khz * 1e3;
  std::vector<double> per_thread(std::size_t(std::max(1, threads)), 0.0);
#pragma omp parallel num_threads(std::max(1, threads))
  {
    clock_one_thread();  // warm-up: leave any idle state
    double best = 0;
    for (int i = 0; i < 5; ++i) best = std::max(best, clock_one_thread());
    per_thread[std::size_t(omp_get_thread_num())] = best;
  }
  std::sort(per_thread.begin(), per_thread.end());
  const double median = per_thread[per_thread.size() / 2];
  if (median > 1e8) c.measured_hz = median;
  return c;
}

const CpuPeak& this_rank_cpu_peak(int threads) {
  static std::once_flag once;
  static CpuPeak peak;
  std::call_once(once, [&] {
    CpuFeatures f = detect_cpu_features();
    CpuClock c = read_cpu_clock(threads);
    if (f.avx512f && f.avx512_fma_units > 0) {
      const double rate = measure_fma512_rate_all_cores(threads);
      f.avx512_fma_units = reconcile_avx512_fma_units(f.avx512_fma_units, rate, c.measured_hz);
      const double hz = fma512_clock_hz(rate, f.avx512_fma_units);
      if (hz > 1e8) c.fma512_hz = hz;
    }
    peak = compute_cpu_peak(f, c, threads);
  });
  return peak;
}

}  // namespace capbench
