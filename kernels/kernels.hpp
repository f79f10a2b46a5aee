#pragma once
// Host-callable launchers of capbench's CUDA kernels. This header is plain C++ (g++ includes
// it); the kernels live in the .cu files beside it. Every launcher enqueues on `stream` and
// returns the launch status (cudaGetLastError), which the caller checks with CUDA_CHECK.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace capbench::kernels {

enum class ElemType { f64, f32, f16, bf16, fp8_e4m3, i8, i32 };

int elem_bytes(ElemType t);

// ---- random inputs and poison (fill.cu) ----
// p[i] = uniform_pm1(seed, i) rounded to t (floating types only).
cudaError_t fill_uniform_pm1(ElemType t, void* p, std::int64_t count, std::uint64_t seed, cudaStream_t stream);
// p[i] = uniform_int(seed, i, lo, hi) (i8 and i32 only).
cudaError_t fill_uniform_int(ElemType t, void* p, std::int64_t count, std::uint64_t seed, int lo, int hi,
                             cudaStream_t stream);
// p[i] = NaN (floating types), or 0x7fffffff (i32): a value no correct result takes here.
cudaError_t fill_poison(ElemType t, void* p, std::int64_t count, cudaStream_t stream);
// p[index] += delta, in t: plants one wrong element (tests of the verifiers).
cudaError_t perturb_element(ElemType t, void* p, std::int64_t index, double delta, cudaStream_t stream);

// ---- Freivalds' check, FP64 on the device (freivalds.cu) ----
cudaError_t freivalds_vector(double* x, std::int64_t n, std::uint64_t seed, bool integer, cudaStream_t stream);
// For M (rows × cols, element (i,j) at M[i·row_stride + j·col_stride]) and v (cols):
//   y[i] += Σ_j M_ij v_j,  norm2[i] += Σ_j M_ij²,  wnorm2[i] += Σ_j M_ij² v_j²,
//   *nonfinite += count of non-finite M_ij.
// The outputs accumulate (atomics): zero them first. norm2, wnorm2, nonfinite may be null.
cudaError_t matvec_stats(ElemType t, const void* m, std::int64_t rows, std::int64_t cols, std::int64_t row_stride,
                         std::int64_t col_stride, const double* v, double* y, double* norm2, double* wnorm2,
                         unsigned long long* nonfinite, cudaStream_t stream);

// ---- HPL's residual (lu.cu) ----
// For column-major n×n A: residual[i] = Σ_j A_ij x_j − uniform_pm1(b_seed, i), row_abs[i] = Σ_j |A_ij|.
cudaError_t lu_residual_rows(const double* a, std::int64_t n, const double* x, std::uint64_t b_seed,
                             double* residual, double* row_abs, cudaStream_t stream);

// ---- STREAM (stream.cu); op: 0 copy, 1 mul, 2 add, 3 triad ----
cudaError_t stream_init(bool fp64, void* a, void* b, void* c, std::int64_t n, std::uint64_t seed, int grid,
                        cudaStream_t stream);
// How an op kernel covers the arrays. vectors_per_thread 0: a grid-stride loop over `grid`
// blocks. 1, 2 or 4: the tiled form, each thread loading that many vectors of its block's tile
// before it stores any (more loads in flight), on a grid that covers the arrays once (`grid`
// is then unused). Every form computes the same values.
struct StreamLaunch {
  int grid = 1;
  int vectors_per_thread = 0;
};
cudaError_t stream_op(bool fp64, int op, void* a, void* b, void* c, std::int64_t n, double scalar,
                      StreamLaunch launch, cudaStream_t stream);
// Σ a·b: one partial per block into partials[grid], then one block sums them into *result.
cudaError_t stream_dot(bool fp64, const void* a, const void* b, std::int64_t n, double* partials, double* result,
                       int grid, cudaStream_t stream);

struct StreamCheckCounts {
  unsigned long long mismatches;
  unsigned long long worst_bits;  // bit pattern of the worst relative error (non-negative double)
  double expected_dot;
};
// Compares every element with a0·factor (a0 regenerated from the seed); *out must be zeroed.
cudaError_t stream_check(bool fp64, const void* a, const void* b, const void* c, std::int64_t n, std::uint64_t seed,
                         double a_factor, double b_factor, double c_factor, double rel_tolerance,
                         StreamCheckCounts* out, int grid, cudaStream_t stream);

// ---- transfer patterns (pattern.cu) ----
cudaError_t pattern_fill(std::uint32_t* p, std::int64_t words, std::uint64_t seed, cudaStream_t stream);
// *mismatches += words that differ from the pattern; zero it first.
cudaError_t pattern_compare(const std::uint32_t* p, std::int64_t words, std::uint64_t seed,
                            unsigned long long* mismatches, cudaStream_t stream);

// ---- collectives (collective.cu); op is the value of capbench::Collective ----
// p[i] = collective_input(seed, rank, offset + i).
cudaError_t collective_fill(bool fp64, void* p, std::int64_t count, std::uint64_t seed, int rank,
                            std::int64_t offset, cudaStream_t stream);
struct CollectiveCheckCounts {
  unsigned long long mismatches;
  unsigned long long first_bad;   // smallest wrong index (ULLONG_MAX: none)
  unsigned long long worst_bits;  // bit pattern of the largest |got - want| (1e300 for non-finite)
};
// Compares the op's output elements [0, count) exactly with collective_expected(); *out must
// start as {0, ULLONG_MAX, 0}.
cudaError_t collective_check(bool fp64, int op, const void* p, std::int64_t count, std::uint64_t seed, int nranks,
                             int rank, std::int64_t send_count, std::int64_t recv_count, CollectiveCheckCounts* out,
                             cudaStream_t stream);

}  // namespace capbench::kernels
