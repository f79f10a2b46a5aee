#pragma once
// One NCCL communicator over every rank, created on first use (non-blocking, so creation
// and every wait stay bounded by the case's deadline) and kept for later cases. A stuck or
// failed collective aborts the communicator and throws, naming the host and the GPU.
#include <nccl.h>

#include <string>

#include "bench/cuda/cuda_backend.hpp"

namespace capbench {

class NcclSession {
 public:
  NcclSession(const CudaDevice& dev, const Comm& comm, const CudaCaseState& state);
  ~NcclSession();
  NcclSession(const NcclSession&) = delete;
  NcclSession& operator=(const NcclSession&) = delete;

  // The communicator, created now if needed (a collective call: every rank must reach it).
  ncclComm_t comm();
  int rank() const { return rank_; }
  int nranks() const { return nranks_; }
  const CudaDevice& device() const { return dev_; }

  // Checks an NCCL call's result; ncclInProgress waits (bounded) until the call completes.
  void check(ncclResult_t r, const char* what);
  // Waits for `done` (recorded after the collectives) while watching NCCL's async error and the deadline.
  void wait_event(cudaEvent_t done, const char* what);

 private:
  void wait_ready(const char* what);
  [[noreturn]] void fail(const std::string& why);

  CudaDevice dev_;
  MPI_Comm world_;
  int rank_, nranks_;
  const CudaCaseState& state_;
  ncclComm_t comm_ = nullptr;
  std::string broken_;  // why the communicator was aborted; later uses fail at once
};

}  // namespace capbench
