#pragma once
// The CPU's peak, so a CPU figure carries its efficiency as a GPU figure does: FLOP per cycle
// per core from the vector units the CPU has, the cores this rank may run on, and a clock whose
// basis is named. The rules are pure functions (tested for several feature sets); what this CPU
// has, and its clock, are read or measured once per rank.
#include <optional>
#include <string>

#include "common/config_node.hpp"
#include "common/precision.hpp"

namespace capbench {

struct CpuFeatures {
  bool sse2 = false, avx = false, avx2 = false, fma = false, avx512f = false;
  // FMA units that execute 512-bit vectors per core (1 or 2; 0 without AVX-512). Xeons differ
  // within one generation, and CPUID does not say: measure_avx512_fma_units() finds it.
  int avx512_fma_units = 0;
};

// FLOP per cycle per core in fp64 or fp32 (0 for other precisions: a CPU has no such GEMM here).
//   AVX-512: units x 8 (fp64 lanes) x 2 (FMA);   AVX2 + FMA: 2 units x 4 x 2;
//   AVX: one 256-bit add and one multiply (4 + 4);   SSE2: 2 + 2.   fp32 doubles the lanes.
int cpu_flop_per_cycle(const CpuFeatures& f, Precision p);
std::string cpu_vector_isa(const CpuFeatures& f);  // "avx512 (2 FMA units)", "avx2+fma", "avx", "sse2"

struct CpuClock {
  std::optional<double> nominal_hz;   // from the model name ("@ 2.10GHz"), the base clock
  std::optional<double> reported_hz;  // /proc/cpuinfo "cpu MHz" (a VM: the host's nominal clock)
  std::optional<double> max_hz;       // cpufreq's cpuinfo_max_freq, where the kernel exposes it
  std::optional<double> measured_hz;  // dependent integer adds on every thread of the rank at once
  // 512-bit FMA throughput on every thread of the rank at once, over the FLOP per cycle the
  // units give: the clock the cores hold under AVX-512 load (Xeons run such code below their
  // scalar clock; Top500 Rpeak of such CPUs uses that frequency). Only with AVX-512.
  std::optional<double> fma512_hz;
  // The clock the peak uses and why: the clock under 512-bit FMA load where it is below the
  // measured scalar clock, else the measured scalar clock, else the base clock the model name
  // states, else the one the kernel reports. The others are recorded beside it.
  double chosen_hz() const;
  std::string basis() const;
  std::string basis_short() const;  // "measured clock", "stated base clock", ...
  bool uses_fma512_clock() const;
};

struct CpuPeak {
  CpuFeatures features;
  CpuClock clock;
  int cores = 0;
  double fp64 = 0, fp32 = 0;  // FLOP/s
  json to_json() const;
};

CpuPeak compute_cpu_peak(const CpuFeatures& f, const CpuClock& clock, int cores);

// What this CPU has (CPUID), with the AVX-512 FMA unit count measured.
CpuFeatures detect_cpu_features();
// 512-bit against 256-bit FMA throughput on one core: about 2 with two 512-bit units, about 1
// with one (the second unit is what doubles the rate).
int measure_avx512_fma_units();
CpuClock read_cpu_clock(int threads);
// Each of `threads` threads at once runs independent chains of 512-bit FMAs held in registers;
// returns the median thread's FP64 rate (FLOP/s). 0 without AVX-512.
double measure_fma512_rate_all_cores(int threads);
// That rate over the FLOP per cycle of `units` 512-bit FMA units (8 lanes x 2 x units): the clock.
double fma512_clock_hz(double fp64_rate_per_core, int units);
// The unit count that fits that rate and the add chain's clock: one unit runs one 512-bit FMA
// per cycle at most, so a rate that would put one unit's clock above 1.3 times the measured
// clock is two units whose 512-bit rounds were slowed (on a core shared with other processes'
// time slices, 1 run in about 40 counted one). Other counts, or no clock, stay as they are.
int reconcile_avx512_fma_units(int measured_units, double fp64_rate_per_core, std::optional<double> clock_hz);
// "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz" -> 2.0e9; empty when the name states no clock.
std::optional<double> clock_from_model_name(const std::string& name);

// This rank's peak: its features, clock and cores (the threads it runs), measured once.
const CpuPeak& this_rank_cpu_peak(int threads);

}  // namespace capbench
