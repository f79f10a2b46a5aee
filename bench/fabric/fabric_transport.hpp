#pragma once
// One rank's side of point-to-point transfers with one peer rank: MPI on the CPU backend
// (bench/cpu/mpi_fabric.cpp), NCCL send/recv on the CUDA backend (bench/cuda/nccl_fabric.cpp).
// The generic benchmark (fabric_benchmark.cpp) decides who meets whom and when; a transport
// only moves, times and checks bytes.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/backend.hpp"

namespace capbench {

// What one call exchanges with the peer.
struct PairTask {
  int peer = -1;           // world rank
  bool initiator = false;  // sends first (ping-pong), times the pair (bidirectional)
  std::int64_t bytes = 0;  // a multiple of 4
  int warmup = 0, count = 0;  // untimed, then timed exchanges
  int window = 1;             // messages in flight per exchange (bandwidth)
  std::uint64_t case_seed = 0;  // payload of message i from s to r: fabric_message_seed(case_seed, s, r, i)
  bool corrupt = false;         // tests: flip one received word before the check (CAPBENCH_FAULT kind=wrong)
};

// What this rank saw. Seconds are per exchange (a round trip, or one window of messages up to
// the peer's acknowledgement), filled only on the side that times it.
struct PairOutcome {
  std::vector<double> seconds;
  std::int64_t words_checked = 0, mismatches = 0;
};

enum class StreamMode { send, receive, both };

class FabricTransport {
 public:
  virtual ~FabricTransport() = default;
  virtual std::string name() const = 0;  // "mpi" | "nccl"
  // Buffers for messages up to `max_bytes`, `window` receive slots of that size. `comm` is the
  // running case's (its communicator carries the MPI traffic and bootstraps NCCL's).
  virtual void prepare(Comm& comm, std::int64_t max_bytes, int window) = 0;
  // Round trips; the initiator times each one (half of it is the latency).
  virtual PairOutcome ping_pong(const PairTask& t, const Deadline& deadline) = 0;
  // Windows of `t.window` messages: `send` times each window up to the receiver's
  // acknowledgement; `both` sends and receives a window at once, timed by the initiator up to
  // the peer's acknowledgement that its side completed.
  virtual PairOutcome stream(const PairTask& t, StreamMode mode, const Deadline& deadline) = 0;
  virtual json info() const = 0;
  virtual void release() = 0;
};

// The CPU backend's transport (bench/cpu/mpi_fabric.cpp) and the CUDA backend's
// (bench/cuda/nccl_fabric.cpp, built only with CUDA).
std::unique_ptr<FabricTransport> make_mpi_fabric();
class NcclSession;
std::unique_ptr<FabricTransport> make_nccl_fabric(std::shared_ptr<NcclSession> session);

}  // namespace capbench
