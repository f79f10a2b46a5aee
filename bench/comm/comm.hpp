#pragma once
// The runner's view of MPI: who this rank is, where it runs, and the few exchanges the
// runner needs, each bounded by a deadline (non-blocking MPI calls polled with MPI_Test).
#include <mpi.h>

#include <functional>
#include <string>
#include <vector>

#include "bench/comm/deadline.hpp"

namespace capbench {

// Outcome of a bounded wait: which ranks had not arrived when the deadline passed.
struct WaitResult {
  bool complete = true;
  std::vector<int> missing_ranks;  // known only where the exchange can tell (gather to rank 0)
  bool interrupted = false;        // a stop was requested (SIGINT/SIGTERM) while waiting
};

class Comm {
 public:
  // Call after MPI_Init_thread.
  Comm();
  int rank() const { return rank_; }
  int size() const { return size_; }
  int local_rank() const { return local_rank_; }
  int local_size() const { return local_size_; }
  int node_index() const { return node_index_; }
  int node_count() const { return node_count_; }
  const std::string& host() const { return host_; }
  MPI_Comm world() const { return MPI_COMM_WORLD; }
  MPI_Comm node() const { return node_comm_; }
  static std::string library_version();

  // A barrier that gives up at the deadline (MPI_Ibarrier polled).
  WaitResult barrier(const Deadline& deadline);

  // Every rank sends `payload`; rank 0 receives all of them in rank order. Sizes travel
  // point-to-point so rank 0 can name the ranks that never reported; the payloads then
  // travel through MPI_Igatherv. Non-root ranks get an empty vector.
  WaitResult gather(const std::string& payload, std::vector<std::string>* out, const Deadline& deadline,
                    int tag);

  // Rank 0's string to everyone (MPI_Ibcast polled against the deadline).
  WaitResult broadcast(std::string* s, const Deadline& deadline);

  // Polled while waiting; returns true when the wait should stop early (signal received).
  void set_stop_check(std::function<bool()> f) { stop_check_ = std::move(f); }

 private:
  bool poll(MPI_Request* reqs, int n, const Deadline& deadline, WaitResult* result);
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1, node_index_ = 0, node_count_ = 1;
  std::string host_;
  MPI_Comm node_comm_ = MPI_COMM_NULL;
  std::function<bool()> stop_check_;
};

}  // namespace capbench
