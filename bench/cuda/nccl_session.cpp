#include "bench/cuda/nccl_session.hpp"

#include <chrono>
#include <cstring>
#include <thread>

#include <fmt/format.h>

#include "bench/cuda/cuda_check.hpp"

namespace capbench {

namespace {

// MPI_Ibcast of raw bytes from rank 0, polled against the deadline.
bool bounded_bcast(MPI_Comm comm, void* data, int bytes, const Deadline& deadline) {
  MPI_Request req;
  MPI_Ibcast(data, bytes, MPI_BYTE, 0, comm, &req);
  for (;;) {
    int done = 0;
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done) return true;
    if (deadline.expired()) return false;  // collectives cannot be cancelled; the request is left behind
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

void pause_briefly() { std::this_thread::sleep_for(std::chrono::microseconds(50)); }

}  // namespace

NcclSession::NcclSession(const CudaDevice& dev, const Comm& comm, const CudaCaseState& state)
    : dev_(dev), world_(comm.world()), rank_(comm.rank()), nranks_(comm.size()), state_(state) {}

NcclSession::~NcclSession() {
  if (comm_) {
    // Finalize would wait on peers that may have gone; destroy after an orderly run, abort otherwise.
    if (broken_.empty())
      ncclCommDestroy(comm_);
    else
      ncclCommAbort(comm_);
  }
}

void NcclSession::fail(const std::string& why) {
  const std::string msg =
      fmt::format("NCCL on rank {} ({}): {}{}", rank_, dev_.describe(), why,
                  state_.case_id.empty() ? std::string() : " in case " + state_.case_id);
  if (comm_) {
    ncclCommAbort(comm_);
    comm_ = nullptr;
  }
  if (broken_.empty()) broken_ = msg;
  throw std::runtime_error(msg);
}

ncclComm_t NcclSession::comm() {
  if (!broken_.empty()) throw std::runtime_error("NCCL communicator unusable: " + broken_);
  if (comm_) return comm_;
  CUDA_CHECK(cudaSetDevice(dev_.ordinal));
  ncclUniqueId id;
  std::memset(&id, 0, sizeof id);
  if (rank_ == 0) {
    if (const auto r = ncclGetUniqueId(&id); r != ncclSuccess)
      fail(fmt::format("ncclGetUniqueId failed: {}", ncclGetErrorString(r)));
  }
  if (!bounded_bcast(world_, &id, int(sizeof id), state_.deadline))
    fail("the NCCL unique id did not arrive from rank 0 before the deadline");
  ncclConfig_t config = NCCL_CONFIG_INITIALIZER;
  config.blocking = 0;
  const auto r = ncclCommInitRankConfig(&comm_, nranks_, id, rank_, &config);
  if (r != ncclSuccess && r != ncclInProgress) {
    comm_ = nullptr;
    fail(fmt::format("ncclCommInitRankConfig failed: {}", ncclGetErrorString(r)));
  }
  wait_ready("ncclCommInitRankConfig");
  return comm_;
}

void NcclSession::wait_ready(const char* what) {
  for (;;) {
    ncclResult_t state = ncclSuccess;
    const auto r = ncclCommGetAsyncError(comm_, &state);
    if (r != ncclSuccess) fail(fmt::format("ncclCommGetAsyncError failed after {}: {}", what, ncclGetErrorString(r)));
    if (state == ncclSuccess) return;
    if (state != ncclInProgress) fail(fmt::format("{} failed: {}", what, ncclGetErrorString(state)));
    if (state_.deadline.expired()) fail(fmt::format("{} did not complete before the case deadline", what));
    pause_briefly();
  }
}

void NcclSession::check(ncclResult_t r, const char* what) {
  if (r == ncclSuccess) return;
  if (r == ncclInProgress) {
    wait_ready(what);
    return;
  }
  fail(fmt::format("{} failed: {}", what, ncclGetErrorString(r)));
}

void NcclSession::wait_event(cudaEvent_t done, const char* what) {
  for (;;) {
    const cudaError_t q = cudaEventQuery(done);
    if (q == cudaSuccess) return;
    if (q != cudaErrorNotReady) CUDA_CHECK(q);
    ncclResult_t state = ncclSuccess;
    if (ncclCommGetAsyncError(comm_, &state) == ncclSuccess && state != ncclSuccess && state != ncclInProgress)
      fail(fmt::format("{} failed asynchronously: {}", what, ncclGetErrorString(state)));
    if (state_.deadline.expired()) fail(fmt::format("{} still running at the case deadline (a peer may be stuck)", what));
    pause_briefly();
  }
}

std::shared_ptr<NcclSession> make_nccl_session(const CudaDevice& dev, const Comm& comm, const CudaCaseState& state) {
  return std::make_shared<NcclSession>(dev, comm, state);
}

}  // namespace capbench
