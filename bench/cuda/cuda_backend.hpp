#pragma once
// The CUDA backend's parts, shared among its files: the device it runs on, the case now
// running (for deadlines and error reports), and the factories of its benchmarks.
#include <memory>
#include <string>

#include "bench/backend.hpp"
#include "bench/collective/collective_impl.hpp"
#include "bench/cuda/gemm_rules.hpp"
#include "bench/gemm/gemm_impl.hpp"
#include "bench/lu/lu_impl.hpp"
#include "bench/stream/stream_impl.hpp"

namespace capbench {

struct CudaDevice {
  int ordinal = 0;
  std::string name, bus_id;  // bus id lower case, NVML's form "0000:3b:00.0"
  std::string host;
  ComputeCapability cc;
  int sm_count = 0;
  std::int64_t l2_bytes = 0, memory_bytes = 0;
  std::string describe() const;  // "GPU 0 (NVIDIA H100, 0000:3b:00.0) on host"
};

// The device of this process: opens it (cudaSetDevice) and reads its properties.
CudaDevice open_cuda_device(int ordinal, const std::string& host);

// Set by the backend at the start of each case.
struct CudaCaseState {
  std::string case_id;
  Deadline deadline = Deadline::never();
};

std::unique_ptr<GemmImpl> make_cuda_gemm(const CudaDevice& dev);
std::unique_ptr<StreamImpl> make_cuda_stream(const CudaDevice& dev, int ranks_on_device);
std::unique_ptr<LuImpl> make_cuda_lu(const CudaDevice& dev);

// One NCCL communicator over all ranks, created on first use and kept.
class NcclSession;
std::shared_ptr<NcclSession> make_nccl_session(const CudaDevice& dev, const Comm& comm, const CudaCaseState& state);
std::unique_ptr<CollectiveImpl> make_nccl_collective(std::shared_ptr<NcclSession> session);

std::unique_ptr<Benchmark> make_device_copy_benchmark(const CudaDevice& dev);
std::unique_ptr<Benchmark> make_host_device_benchmark(const CudaDevice& dev);
std::unique_ptr<Benchmark> make_p2p_benchmark(const CudaDevice& dev);

// For tests: where the GEMM keeps C, so a test can plant a wrong element.
struct CudaGemmView {
  void* c = nullptr;
  kernels::ElemType c_type = kernels::ElemType::f64;
  std::int64_t m = 0, n = 0;
};
CudaGemmView cuda_gemm_view(GemmImpl& impl);

}  // namespace capbench
