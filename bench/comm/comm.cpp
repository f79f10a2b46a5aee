#include "bench/comm/comm.hpp"

#include <unistd.h>

#include <chrono>
#include <limits>
#include <memory>
#include <stdexcept>
#include <thread>

namespace capbench {

namespace {
// Buffers of operations abandoned at a deadline: MPI may still write into them when a late
// peer's message arrives, so they are kept alive until the process ends.
std::vector<std::shared_ptr<void>>& abandoned_buffers() {
  static auto* kept = new std::vector<std::shared_ptr<void>>();  // never destroyed, on purpose
  return *kept;
}
template <class T>
void keep_alive(std::shared_ptr<T> p) {
  abandoned_buffers().push_back(std::move(p));
}
}  // namespace

Comm::Comm() {
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm_dup(MPI_COMM_WORLD, &runner_comm_);
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
  MPI_Exscan(&is_leader, &leaders_before, 1, MPI_INT, MPI_SUM, runner_comm_);
  if (rank_ == 0) leaders_before = 0;
  int my_index = leaders_before;
  MPI_Bcast(&my_index, 1, MPI_INT, 0, node_comm_);
  node_index_ = my_index;
  MPI_Allreduce(&is_leader, &node_count_, 1, MPI_INT, MPI_SUM, runner_comm_);
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
  // Spin (yielding the core) for the first 2 ms, then back off with sleeps: the runner waits
  // here while peers measure, and a busy loop on an oversubscribed node would steal their
  // cores. The spin matters for the barrier before each collective sample: a rank asleep when
  // the last peer arrives leaves up to one sleep late, and its peers' next timed sample holds
  // that lag (a 4 KiB all_reduce measured 0.36x a plain MPI loop; docs/performance.md).
  const auto spin_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
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
    if (std::chrono::steady_clock::now() < spin_until) {
      std::this_thread::yield();
      continue;
    }
    std::this_thread::sleep_for(sleep);
    sleep = std::min(sleep * 2, std::chrono::microseconds(2000));
  }
}

WaitResult Comm::barrier(const Deadline& deadline) {
  WaitResult r;
  const bool in_case = case_comm_ != MPI_COMM_NULL;
  MPI_Request req;
  MPI_Ibarrier(in_case ? case_comm_ : runner_comm_, &req);
  // An abandoned request is left pending on purpose: it has no buffer, and inside a case the
  // communicator it belongs to is never used again.
  if (!poll(&req, 1, deadline, &r) && in_case) case_comm_clean_ = false;
  return r;
}

WaitResult Comm::begin_case(const Deadline& deadline) {
  WaitResult r;
  auto fresh = std::make_shared<MPI_Comm>(MPI_COMM_NULL);
  MPI_Request req;
  MPI_Comm_idup(runner_comm_, fresh.get(), &req);
  if (!poll(&req, 1, deadline, &r)) {
    keep_alive(fresh);  // MPI writes the handle when the late ranks arrive
    return r;
  }
  case_comm_ = *fresh;
  case_comm_clean_ = true;
  return r;
}

void Comm::end_case() {
  if (case_comm_ == MPI_COMM_NULL) return;
  if (case_comm_clean_) MPI_Comm_free(&case_comm_);
  case_comm_ = MPI_COMM_NULL;
  case_comm_clean_ = true;
}

WaitResult Comm::gather(const std::string& payload, std::vector<std::string>* out, const Deadline& deadline,
                        int tag) {
  WaitResult r;
  // Heap buffers, handed to keep_alive when the wait is abandoned (MPI may still use them).
  auto sizes = std::make_shared<std::vector<int>>(static_cast<std::size_t>(size_), 0);
  (*sizes)[static_cast<std::size_t>(rank_)] = static_cast<int>(payload.size());
  const int my_size = static_cast<int>(payload.size());
  if (rank_ == 0) {
    auto reqs = std::make_shared<std::vector<MPI_Request>>(static_cast<std::size_t>(size_ - 1));
    for (int src = 1; src < size_; ++src)
      MPI_Irecv(&(*sizes)[static_cast<std::size_t>(src)], 1, MPI_INT, src, tag, runner_comm_,
                &(*reqs)[static_cast<std::size_t>(src - 1)]);
    if (!reqs->empty() && !poll(reqs->data(), static_cast<int>(reqs->size()), deadline, &r)) {
      for (int src = 1; src < size_; ++src) {
        int done = 0;
        MPI_Test(&(*reqs)[static_cast<std::size_t>(src - 1)], &done, MPI_STATUS_IGNORE);
        if (!done) r.missing_ranks.push_back(src);
      }
      keep_alive(sizes);
      keep_alive(reqs);
      return r;
    }
  } else {
    MPI_Request req;
    MPI_Isend(&(*sizes)[static_cast<std::size_t>(rank_)], 1, MPI_INT, 0, tag, runner_comm_, &req);
    if (!poll(&req, 1, deadline, &r)) {
      keep_alive(sizes);
      return r;
    }
  }
  auto displs = std::make_shared<std::vector<int>>();
  auto buf = std::make_shared<std::vector<char>>();
  auto sent = std::make_shared<std::string>(payload);
  if (rank_ == 0) {
    displs->assign(static_cast<std::size_t>(size_), 0);
    long long total = 0;
    for (int i = 0; i < size_; ++i) {
      (*displs)[static_cast<std::size_t>(i)] = static_cast<int>(total);
      total += (*sizes)[static_cast<std::size_t>(i)];
      // MPI_Gatherv displacements are ints: past 2 GiB they would wrap and scramble results.
      // Stop loudly instead (docs/performance.md: per-node aggregation lifts this limit).
      if (total > std::numeric_limits<int>::max())
        throw std::runtime_error("one case's results from all ranks exceed 2 GiB, the limit of MPI_Gatherv's "
                                 "int displacements; split the run or shorten the sweep");
    }
    buf->resize(static_cast<std::size_t>(total));
  }
  MPI_Request req;
  MPI_Igatherv(sent->data(), my_size, MPI_CHAR, buf->data(), sizes->data(), displs->data(), MPI_CHAR, 0,
               runner_comm_, &req);
  if (!poll(&req, 1, deadline, &r)) {
    keep_alive(sizes);
    keep_alive(displs);
    keep_alive(buf);
    keep_alive(sent);
    return r;
  }
  if (rank_ == 0 && out) {
    out->clear();
    for (int i = 0; i < size_; ++i)
      out->emplace_back(buf->data() + (*displs)[static_cast<std::size_t>(i)],
                        static_cast<std::size_t>((*sizes)[static_cast<std::size_t>(i)]));
  }
  return r;
}

WaitResult Comm::broadcast(std::string* s, const Deadline& deadline) {
  WaitResult r;
  auto n = std::make_shared<long long>(static_cast<long long>(s->size()));
  MPI_Request req;
  MPI_Ibcast(n.get(), 1, MPI_LONG_LONG, 0, runner_comm_, &req);
  if (!poll(&req, 1, deadline, &r)) {
    keep_alive(n);
    return r;
  }
  auto text = std::make_shared<std::string>(*s);
  text->resize(static_cast<std::size_t>(*n));
  MPI_Ibcast(text->data(), static_cast<int>(*n), MPI_CHAR, 0, runner_comm_, &req);
  if (!poll(&req, 1, deadline, &r)) {
    keep_alive(text);
    return r;
  }
  *s = *text;
  return r;
}

WaitResult Comm::all_min(int* value, const Deadline& deadline) {
  WaitResult r;
  auto in = std::make_shared<int>(*value);
  auto out = std::make_shared<int>(*value);
  MPI_Request req;
  MPI_Iallreduce(in.get(), out.get(), 1, MPI_INT, MPI_MIN, runner_comm_, &req);
  if (!poll(&req, 1, deadline, &r)) {
    keep_alive(in);
    keep_alive(out);
    return r;
  }
  *value = *out;
  return r;
}

WaitResult Comm::all_max(std::vector<double>* values, const Deadline& deadline) {
  WaitResult r;
  const bool in_case = case_comm_ != MPI_COMM_NULL;
  auto in = std::make_shared<std::vector<double>>(*values);
  auto out = std::make_shared<std::vector<double>>(values->size());
  MPI_Request req;
  MPI_Iallreduce(in->data(), out->data(), static_cast<int>(in->size()), MPI_DOUBLE, MPI_MAX,
                 in_case ? case_comm_ : runner_comm_, &req);
  if (!poll(&req, 1, deadline, &r)) {
    // MPI may still write into the buffers when the late ranks arrive.
    keep_alive(in);
    keep_alive(out);
    if (in_case) case_comm_clean_ = false;
    return r;
  }
  *values = *out;
  return r;
}

}  // namespace capbench
