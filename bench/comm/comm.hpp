#pragma once
// The runner's view of MPI: who this rank is, where it runs, and the few exchanges the
// runner needs, each bounded by a deadline (non-blocking MPI calls polled with MPI_Test).
//
// Traffic is kept apart on three communicators, so that an operation one rank abandons
// (a deadline passed, a peer threw) can never be matched by a later, unrelated one:
//  - the runner's own exchanges (gathers, broadcasts, case start) use a private duplicate
//    of MPI_COMM_WORLD;
//  - barrier() inside a case uses a fresh duplicate made for that case (begin_case);
//  - world() stays MPI_COMM_WORLD for long-lived sessions (NCCL bootstrap).
#include <mpi.h>

#include <functional>
#include <memory>
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
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;
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

  // A barrier that gives up at the deadline (MPI_Ibarrier polled). Inside a case it runs on
  // that case's own communicator; outside, on the runner's.
  WaitResult barrier(const Deadline& deadline);

  // Starts a case: every rank makes the case's communicator together (MPI_Comm_idup, polled),
  // which is also the case's start line. Incomplete when a rank did not arrive in time.
  WaitResult begin_case(const Deadline& deadline);
  // Ends it. A communicator with an abandoned operation is left alone (never freed), since
  // freeing it could block on the peer that went away.
  void end_case();

  // Every rank sends `payload`; rank 0 receives all of them in rank order, through the node
  // leaders (local rank 0): each leader collects its node's ranks point to point, waiting
  // until `node_deadline` (default: `deadline`), and sends rank 0 one message for the node,
  // which names the ranks that did not report; rank 0 waits for the leaders until `deadline`.
  // Rank 0 thus posts one receive per node, not per rank, and a silent rank is named by its
  // leader when node_deadline comes before rank 0's deadline (a silent leader: every rank of
  // its node is named). Rank 0 waits for its own node's ranks until `deadline`. Incomplete: missing_ranks lists them, and `out` still holds the
  // payloads that came (empty strings for the others). Non-root ranks get an empty vector.
  WaitResult gather(const std::string& payload, std::vector<std::string>* out, const Deadline& deadline,
                    int tag, const Deadline* node_deadline = nullptr);

  // Point to point from a few ranks: each rank listed in `sources` (ascending, never 0)
  // sends `payload` to rank 0; ranks not listed do nothing. Rank 0 gets them in the order of
  // `sources`, and names in missing_ranks those whose message did not come by the deadline.
  WaitResult gather_from(const std::vector<int>& sources, const std::string& payload,
                         std::vector<std::string>* out, const Deadline& deadline, int tag);

  // Rank 0's string to everyone (MPI_Ibcast polled against the deadline).
  WaitResult broadcast(std::string* s, const Deadline& deadline);

  // The smallest of every rank's value, on every rank (MPI_Iallreduce polled).
  WaitResult all_min(int* value, const Deadline& deadline);
  // Element-wise largest over ranks, on every rank (MPI_Iallreduce polled). Inside a case it
  // runs on that case's communicator, like barrier().
  WaitResult all_max(std::vector<double>* values, const Deadline& deadline);

  // The case's own communicator (MPI_COMM_NULL outside a case), for a benchmark's
  // point-to-point traffic; a benchmark that abandons an operation on it says so, so that it
  // is never freed (see end_case).
  MPI_Comm case_comm() const { return case_comm_; }
  void abandon_case_comm() { case_comm_clean_ = false; }

  // Polled while waiting; returns true when the wait should stop early (signal received).
  void set_stop_check(std::function<bool()> f) { stop_check_ = std::move(f); }

 private:
  bool poll(MPI_Request* reqs, int n, const Deadline& deadline, WaitResult* result);
  // A node leader's part of gather(): its node's payloads as one message.
  std::string collect_node(const std::string& payload, const Deadline& deadline, int tag, WaitResult* result);
  // gather()'s three roles: a rank that is not its node's leader sends to it (send_sized), a
  // leader sends its node's message to rank 0, rank 0 receives every node's.
  void send_sized(std::shared_ptr<std::string> bytes, int dest, MPI_Comm comm, int tag, const Deadline& deadline,
                  WaitResult* r);
  WaitResult send_node_to_root(const std::string& payload, const Deadline& deadline, const Deadline& node_wait, int tag);
  WaitResult gather_at_root(const std::string& payload, std::vector<std::string>* out, const Deadline& deadline, int tag);
  std::vector<int> node_ranks_;                 // world ranks on this node, by local rank
  std::vector<int> leaders_;                    // rank 0: each node's leader (world rank), by node index
  std::vector<std::vector<int>> node_members_;  // rank 0: each node's world ranks, by node index
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1, node_index_ = 0, node_count_ = 1;
  std::string host_;
  MPI_Comm node_comm_ = MPI_COMM_NULL;
  MPI_Comm runner_comm_ = MPI_COMM_NULL;
  MPI_Comm case_comm_ = MPI_COMM_NULL;
  bool case_comm_clean_ = true;  // false once an operation on it was abandoned
  std::function<bool()> stop_check_;
};

}  // namespace capbench
