#pragma once
// Which BLAS kernel the CPU GEMM uses, chosen by measurement and never on trust. Debian's
// OpenBLAS picks its kernel from the CPU model when it loads, and a CPU it does not know (a new
// Xeon, a VM that hides its model) gets the generic "Prescott" one at a fifth of the speed.
// OPENBLAS_CORETYPE only counts before the library starts, so each candidate core type is
// loaded as a separate copy of the library in a namespace of its own (dlmopen), beside BLIS
// where Debian's is installed; each is timed on a DGEMM and checked by Freivalds' test, and the
// fastest whose answers pass is kept. A kernel that computes wrong results is never used.
#include <string>
#include <vector>

#include "common/config_node.hpp"

namespace capbench {

using DgemmFn = void (*)(int, int, int, int, int, int, double, const double*, int, const double*, int, double,
                         double*, int);
using SgemmFn = void (*)(int, int, int, int, int, int, float, const float*, int, const float*, int, float, float*,
                         int);

struct BlasKernel {
  std::string name;     // "OpenBLAS as loaded", "OpenBLAS OPENBLAS_CORETYPE=SkylakeX", "BLIS", or a path
  std::string library;  // the file loaded
  std::string core;     // the kernel the library says it runs (openblas_get_corename), where it says
  void* handle = nullptr;  // dlmopen handle (nullptr: the process's own, linked copy)
  DgemmFn dgemm = nullptr;
  SgemmFn sgemm = nullptr;
  void (*set_threads)(int) = nullptr;
  void* symbol(const char* name) const;  // e.g. LAPACK's dgetrf_ from the same copy
};

struct BlasCandidateResult {
  std::string name, core;
  double dgemm_flops = 0;  // median of the timed calls, FLOP/s
  bool verified = false;
  std::string problem;     // why it was not a candidate (did not load, wrong answer)
};

struct BlasChoice {
  BlasKernel kernel;
  std::vector<BlasCandidateResult> candidates;
  std::string reason;
  bool generic_fallback_detected = false;  // the library as loaded runs a generic kernel on a CPU with AVX2 or more
  json to_json() const;
};

// The core types worth trying on this CPU (OpenBLAS names), best guesses first.
std::vector<std::string> openblas_core_types_for_this_cpu();
// True for OpenBLAS's generic x86-64 kernels, which use none of AVX, AVX2 or AVX-512.
bool is_generic_openblas_core(const std::string& core);

// Chooses once per process (later calls return the first choice). CAPBENCH_BLAS=linked keeps
// the linked library without searching; CAPBENCH_BLAS_CANDIDATES=path[:path...] adds
// libraries to try (tests plant a library that computes wrong answers this way).
const BlasChoice& choose_blas(int threads);

}  // namespace capbench
