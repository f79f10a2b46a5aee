#include "bench/comm/comm.hpp"

#include <unistd.h>

#include <chrono>
#include <thread>

namespace capbench {

Comm::Comm() {
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node_comm_);
  MPI_Comm_rank(node_comm_, &local_rank_);
  MPI_Comm_size(node_comm_, &local_size_);
  char name[MPI_MAX_PROCESSOR_NAME] = {};
  int len = 0;
  MPI_Get_processor_name(name, &len);
  host_.assign(name, static_cast<std::size_t>(len));
  // Node index: number the node leaders (local rank 0) in world-rank order.
  const int is_leader = local_rank_ == 0 ? 1 : 0;
  int leaders_before = 0;
  MPI_Exscan(&is_leader, &leaders_before, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
  if (rank_ == 0) leaders_before = 0;
  int my_index = leaders_before;
  MPI_Bcast(&my_index, 1, MPI_INT, 0, node_comm_);
  node_index_ = my_index;
  MPI_Allreduce(&is_leader, &node_count_, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
}

std::string Comm::library_version() {
  char v[MPI_MAX_LIBRARY_VERSION_STRING] = {};
  int len = 0;
  MPI_Get_library_version(v, &len);
  std::string s(v, static_cast<std::size_t>(len));
  if (auto nl = s.find_first_of("\n,"); nl != std::string::npos) s.resize(nl);
  return s;
}

bool Comm::poll(MPI_Request* reqs, int n, const Deadline& deadline, WaitResult* result) {
  // Spin briefly, then back off: the runner waits here while peers measure, and a busy
  // loop on an oversubscribed node would steal their cores.
  auto sleep = std::chrono::microseconds(20);
  for (;;) {
    int done = 0;
    MPI_Testall(n, reqs, &done, MPI_STATUSES_IGNORE);
    if (done) return true;
    if (stop_check_ && stop_check_()) {
      result->interrupted = true;
      result->complete = false;
      return false;
    }
    if (deadline.expired()) {
      result->complete = false;
      return false;
    }
    std::this_thread::sleep_for(sleep);
    sleep = std::min(sleep * 2, std::chrono::microseconds(2000));
  }
}

WaitResult Comm::barrier(const Deadline& deadline) {
  WaitResult r;
  MPI_Request req;
  MPI_Ibarrier(MPI_COMM_WORLD, &req);
  poll(&req, 1, deadline, &r);
  // An abandoned request is left pending on purpose: the run is ending and MPI_Abort follows.
  return r;
}

WaitResult Comm::gather(const std::string& payload, std::vector<std::string>* out, const Deadline& deadline,
                        int tag) {
  WaitResult r;
  const int my_size = static_cast<int>(payload.size());
  std::vector<int> sizes;
  if (rank_ == 0) {
    sizes.assign(static_cast<std::size_t>(size_), 0);
    sizes[0] = my_size;
    std::vector<MPI_Request> reqs(static_cast<std::size_t>(size_ - 1));
    for (int src = 1; src < size_; ++src)
      MPI_Irecv(&sizes[static_cast<std::size_t>(src)], 1, MPI_INT, src, tag, MPI_COMM_WORLD,
                &reqs[static_cast<std::size_t>(src - 1)]);
    if (!reqs.empty() && !poll(reqs.data(), static_cast<int>(reqs.size()), deadline, &r)) {
      for (int src = 1; src < size_; ++src) {
        int done = 0;
        MPI_Test(&reqs[static_cast<std::size_t>(src - 1)], &done, MPI_STATUS_IGNORE);
        if (!done) r.missing_ranks.push_back(src);
      }
      return r;
    }
  } else {
    MPI_Request req;
    MPI_Isend(&my_size, 1, MPI_INT, 0, tag, MPI_COMM_WORLD, &req);
    if (!poll(&req, 1, deadline, &r)) return r;
  }
  std::vector<int> displs;
  std::vector<char> buf;
  if (rank_ == 0) {
    displs.assign(static_cast<std::size_t>(size_), 0);
    long long total = 0;
    for (int i = 0; i < size_; ++i) {
      displs[static_cast<std::size_t>(i)] = static_cast<int>(total);
      total += sizes[static_cast<std::size_t>(i)];
    }
    buf.resize(static_cast<std::size_t>(total));
  }
  MPI_Request req;
  MPI_Igatherv(payload.data(), my_size, MPI_CHAR, buf.data(), sizes.data(), displs.data(), MPI_CHAR, 0,
               MPI_COMM_WORLD, &req);
  if (!poll(&req, 1, deadline, &r)) return r;
  if (rank_ == 0 && out) {
    out->clear();
    for (int i = 0; i < size_; ++i)
      out->emplace_back(buf.data() + displs[static_cast<std::size_t>(i)],
                        static_cast<std::size_t>(sizes[static_cast<std::size_t>(i)]));
  }
  return r;
}

WaitResult Comm::broadcast(std::string* s, const Deadline& deadline) {
  WaitResult r;
  long long n = static_cast<long long>(s->size());
  MPI_Request req;
  MPI_Ibcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD, &req);
  if (!poll(&req, 1, deadline, &r)) return r;
  s->resize(static_cast<std::size_t>(n));
  MPI_Ibcast(s->data(), static_cast<int>(n), MPI_CHAR, 0, MPI_COMM_WORLD, &req);
  poll(&req, 1, deadline, &r);
  return r;
}

}  // namespace capbench
