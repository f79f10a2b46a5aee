#pragma once
// Every CUDA, cuBLASLt and NCCL call is checked; a failure throws CudaError naming the call,
// file and line. A sticky error (the context is lost: every later call fails) is also
// recorded process-wide, so the backend can report itself unhealthy.
#include <cuda_runtime_api.h>

#include <optional>
#include <stdexcept>
#include <string>

namespace capbench {

class CudaError : public std::runtime_error {
 public:
  CudaError(std::string what, int code, bool sticky)
      : std::runtime_error(std::move(what)), code_(code), sticky_(sticky) {}
  int code() const { return code_; }
  bool sticky() const { return sticky_; }

 private:
  int code_;
  bool sticky_;
};

// True for errors after which the CUDA context is unusable (illegal address, launch failure, ...).
bool is_sticky_cuda_error(int code);

[[noreturn]] void throw_cuda_error(cudaError_t e, const char* expr, const char* file, int line);
[[noreturn]] void throw_cublas_error(int status, const char* expr, const char* file, int line);

// The first sticky error seen by this process, with the case it happened in.
std::optional<std::string> sticky_cuda_error();
void set_error_context(const std::string& case_id);
// Records a sticky error found some other way (e.g. by a probe after a failed case).
void note_cuda_error(cudaError_t e, const char* where);

}  // namespace capbench

#define CUDA_CHECK(expr)                                                            \
  do {                                                                              \
    const cudaError_t capbench_e_ = (expr);                                         \
    if (capbench_e_ != cudaSuccess) ::capbench::throw_cuda_error(capbench_e_, #expr, __FILE__, __LINE__); \
  } while (0)

#define CUBLAS_CHECK(expr)                                                          \
  do {                                                                              \
    const int capbench_s_ = static_cast<int>(expr);                                 \
    if (capbench_s_ != 0) ::capbench::throw_cublas_error(capbench_s_, #expr, __FILE__, __LINE__); \
  } while (0)
