#include "bench/cuda/cuda_check.hpp"

#include <mutex>

#include <fmt/format.h>

namespace capbench {

namespace {
std::mutex g_mutex;
std::optional<std::string> g_sticky;
std::string g_case;
}  // namespace

bool is_sticky_cuda_error(int code) {
  switch (static_cast<cudaError_t>(code)) {
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorHardwareStackError:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
    case cudaErrorInvalidAddressSpace:
    case cudaErrorInvalidPc:
    case cudaErrorECCUncorrectable:
    case cudaErrorLaunchTimeout:
    case cudaErrorAssert:
    case cudaErrorContextIsDestroyed:
    case cudaErrorDevicesUnavailable:
    case cudaErrorSystemNotReady:
      return true;
    default:
      return false;
  }
}

void set_error_context(const std::string& case_id) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_case = case_id;
}

std::optional<std::string> sticky_cuda_error() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_sticky;
}

void note_cuda_error(cudaError_t e, const char* where) {
  if (!is_sticky_cuda_error(int(e))) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!g_sticky)
    g_sticky = fmt::format("{} ({}) at {}{}", cudaGetErrorName(e), cudaGetErrorString(e), where,
                           g_case.empty() ? std::string() : " in case " + g_case);
}

void throw_cuda_error(cudaError_t e, const char* expr, const char* file, int line) {
  const auto where = fmt::format("{}:{}", file, line);
  note_cuda_error(e, where.c_str());
  throw CudaError(fmt::format("{} failed: {} ({}) at {}", expr, cudaGetErrorName(e), cudaGetErrorString(e), where),
                  int(e), is_sticky_cuda_error(int(e)));
}

namespace {
// cublasStatus_t names, spelled here so capbench links cuBLASLt alone.
const char* cublas_status_name(int s) {
  switch (s) {
    case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
    case 7: return "CUBLAS_STATUS_INVALID_VALUE";
    case 8: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case 11: return "CUBLAS_STATUS_MAPPING_ERROR";
    case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case 14: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case 15: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case 16: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "unknown cuBLAS status";
  }
}
}  // namespace

void throw_cublas_error(int status, const char* expr, const char* file, int line) {
  // An execution failure usually means the context is gone; probe it so a sticky error is recorded.
  if (status == 13 || status == 14) note_cuda_error(cudaGetLastError(), expr);
  throw CudaError(fmt::format("{} failed: {} ({}) at {}:{}", expr, cublas_status_name(status), status, file, line),
                  status, false);
}

}  // namespace capbench
