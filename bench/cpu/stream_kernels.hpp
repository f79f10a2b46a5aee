#pragma once
// CPU STREAM kernels compiled once per vector instruction set (AVX-512, AVX2, SSE2) and chosen
// at run time for the CPU they run on, so one binary serves a whole fleet. Each works on one
// thread's range [begin, end) of the arrays; `nontemporal` streams the written array past the
// caches (no read-for-ownership of its lines: faster once the arrays exceed the cache, as
// McCalpin STREAM's copy gets from memcpy). Bytes are counted as STREAM counts them either way.
#include <cstdint>
#include <string>
#include <vector>

namespace capbench {

template <class T>
struct StreamKernelSet {
  void (*copy)(T* c, const T* a, std::int64_t begin, std::int64_t end, bool nontemporal);
  void (*mul)(T* b, const T* c, T s, std::int64_t begin, std::int64_t end, bool nontemporal);
  void (*add)(T* c, const T* a, const T* b, std::int64_t begin, std::int64_t end, bool nontemporal);
  void (*triad)(T* a, const T* b, const T* c, T s, std::int64_t begin, std::int64_t end, bool nontemporal);
  // Σ a·b over [begin, end) summed in T (the caller adds blocks of 4096 in double).
  T (*dot)(const T* a, const T* b, std::int64_t begin, std::int64_t end);
};

struct StreamKernelTable {
  const char* isa;  // "avx512", "avx2", "sse2"
  StreamKernelSet<double> fp64;
  StreamKernelSet<float> fp32;
};

const StreamKernelTable& stream_kernels_avx512();
const StreamKernelTable& stream_kernels_avx2();
const StreamKernelTable& stream_kernels_sse2();

// The widest set this CPU runs (CAPBENCH_STREAM_ISA=avx2|sse2 asks for a narrower one).
const StreamKernelTable& stream_kernels();
// Every set this CPU can run, widest first (tests compare them).
std::vector<const StreamKernelTable*> runnable_stream_kernels();

// The alignment the arrays are allocated with: whole cache lines and the widest vector.
inline constexpr std::size_t kStreamAlignment = 64;

}  // namespace capbench
