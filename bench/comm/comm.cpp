#include "bench/comm/comm.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
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
  // Who is on this node (for its leader) and, on rank 0, who is on every node: gather()
  // goes through the node leaders.
  node_ranks_.assign(static_cast<std::size_t>(local_size_), 0);
  MPI_Allgather(&rank_, 1, MPI_INT, node_ranks_.data(), 1, MPI_INT, node_comm_);
  std::vector<int> node_of(rank_ == 0 ? static_cast<std::size_t>(size_) : 1, 0);
  MPI_Gather(&node_index_, 1, MPI_INT, node_of.data(), 1, MPI_INT, 0, runner_comm_);
  if (rank_ == 0) {
    node_members_.assign(static_cast<std::size_t>(node_count_), {});
    for (int r = 0; r < size_; ++r) node_members_[static_cast<std::size_t>(node_of[static_cast<std::size_t>(r)])].push_back(r);
    for (const auto& m : node_members_) leaders_.push_back(m.empty() ? -1 : m.front());
  }
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

namespace {

// A node's message to rank 0: per rank of the node, its world rank, whether it reported, and
// its payload's length and bytes.
void put_record(std::string& packet, int world_rank, bool present, const std::string& payload) {
  const std::int32_t head[2] = {world_rank, present ? 1 : 0};
  const std::int64_t length = static_cast<std::int64_t>(payload.size());
  packet.append(reinterpret_cast<const char*>(head), sizeof head);
  packet.append(reinterpret_cast<const char*>(&length), sizeof length);
  packet.append(payload);
}

// Reads a node's message into `out` (by world rank); the ranks it says did not report, and
// any rank of `members` it does not mention, go to `missing`.
void take_packet(const std::string& packet, const std::vector<int>& members, std::vector<std::string>* out,
                 std::vector<int>* missing) {
  std::vector<bool> seen(members.size(), false);
  std::size_t at = 0;
  while (at + 16 <= packet.size()) {
    std::int32_t head[2];
    std::int64_t length = 0;
    std::memcpy(head, packet.data() + at, sizeof head);
    std::memcpy(&length, packet.data() + at + 8, sizeof length);
    at += 16;
    if (length < 0 || static_cast<std::size_t>(length) > packet.size() - at) break;
    const auto it = std::lower_bound(members.begin(), members.end(), head[0]);
    if (it != members.end() && *it == head[0]) {
      seen[static_cast<std::size_t>(it - members.begin())] = head[1] != 0;
      if (head[1] != 0 && out)
        (*out)[static_cast<std::size_t>(head[0])].assign(packet.data() + at, static_cast<std::size_t>(length));
    }
    at += static_cast<std::size_t>(length);
  }
  for (std::size_t i = 0; i < members.size(); ++i)
    if (!seen[i]) missing->push_back(members[i]);
}

}  // namespace

// Local ranks 1.. send their payloads to the leader on the node communicator, point to point;
// the leader waits until the deadline and packs what came, naming what did not.
std::string Comm::collect_node(const std::string& payload, const Deadline& deadline, int tag, WaitResult* result) {
  const std::size_t n = static_cast<std::size_t>(local_size_ - 1);
  auto sizes = std::make_shared<std::vector<long long>>(n, -1);
  auto reqs = std::make_shared<std::vector<MPI_Request>>(n);
  for (std::size_t i = 0; i < n; ++i)
    MPI_Irecv(&(*sizes)[i], 1, MPI_LONG_LONG, static_cast<int>(i + 1), tag, node_comm_, &(*reqs)[i]);
  std::vector<bool> arrived(n, true);
  auto note_arrivals = [&] {
    for (std::size_t i = 0; i < n; ++i) {
      if (!arrived[i]) continue;
      int done = 0;
      MPI_Test(&(*reqs)[i], &done, MPI_STATUS_IGNORE);
      if (!done) arrived[i] = false;
    }
  };
  bool abandoned = false;
  if (n && !poll(reqs->data(), static_cast<int>(n), deadline, result)) {
    note_arrivals();
    abandoned = true;
  }
  auto texts = std::make_shared<std::vector<std::string>>(n);
  auto data_reqs = std::make_shared<std::vector<MPI_Request>>();
  std::vector<std::size_t> waiting;
  for (std::size_t i = 0; i < n; ++i) {
    if (!arrived[i]) continue;
    const long long len = (*sizes)[i];
    if (len < 0 || len > std::numeric_limits<int>::max()) {
      arrived[i] = false;
      continue;
    }
    (*texts)[i].resize(static_cast<std::size_t>(len));
    data_reqs->emplace_back();
    MPI_Irecv((*texts)[i].data(), static_cast<int>(len), MPI_CHAR, static_cast<int>(i + 1), tag, node_comm_,
              &data_reqs->back());
    waiting.push_back(i);
  }
  if (!data_reqs->empty()) {
    WaitResult data_wait;
    if (!poll(data_reqs->data(), static_cast<int>(data_reqs->size()), deadline, &data_wait)) {
      for (std::size_t k = 0; k < waiting.size(); ++k) {
        int done = 0;
        MPI_Test(&(*data_reqs)[k], &done, MPI_STATUS_IGNORE);
        if (!done) arrived[waiting[k]] = false;
      }
      abandoned = true;
      if (data_wait.interrupted) result->interrupted = true;
      result->complete = false;
    }
  }
  if (abandoned) {
    keep_alive(sizes);
    keep_alive(reqs);
    keep_alive(texts);
    keep_alive(data_reqs);
  }
  std::string packet;
  put_record(packet, rank_, true, payload);
  for (std::size_t i = 0; i < n; ++i)
    put_record(packet, node_ranks_[i + 1], arrived[i], arrived[i] ? (*texts)[i] : std::string());
  return packet;
}

// A length, then the bytes, to `dest`; past the deadline the buffers outlive the call, since MPI
// may still read them.
void Comm::send_sized(std::shared_ptr<std::string> bytes, int dest, MPI_Comm comm, int tag, const Deadline& deadline,
                      WaitResult* r) {
  auto size = std::make_shared<long long>(static_cast<long long>(bytes->size()));
  auto reqs = std::make_shared<std::vector<MPI_Request>>(2);
  MPI_Isend(size.get(), 1, MPI_LONG_LONG, dest, tag, comm, &(*reqs)[0]);
  MPI_Isend(bytes->data(), static_cast<int>(bytes->size()), MPI_CHAR, dest, tag, comm, &(*reqs)[1]);
  if (!poll(reqs->data(), 2, deadline, r)) {
    keep_alive(size);
    keep_alive(bytes);
    keep_alive(reqs);
  }
}

WaitResult Comm::gather(const std::string& payload, std::vector<std::string>* out, const Deadline& deadline,
                        int tag, const Deadline* node_deadline) {
  if (out) out->clear();
  if (local_rank_ != 0) {  // to the node's leader
    WaitResult r;
    send_sized(std::make_shared<std::string>(payload), 0, node_comm_, tag, deadline, &r);
    return r;
  }
  if (rank_ != 0) return send_node_to_root(payload, deadline, node_deadline ? *node_deadline : deadline, tag);
  return gather_at_root(payload, out, deadline, tag);
}

// A leader other than rank 0: its node's payloads, as one message, to rank 0.
WaitResult Comm::send_node_to_root(const std::string& payload, const Deadline& deadline, const Deadline& node_wait,
                                   int tag) {
  WaitResult r, node;
  auto packet = std::make_shared<std::string>(collect_node(payload, node_wait, tag, &node));
  if (node.interrupted) {
    r.interrupted = true;
    r.complete = false;
    return r;
  }
  if (packet->size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw std::runtime_error("one node's results of one case exceed 2 GiB, the limit of one MPI message");
  send_sized(packet, 0, runner_comm_, tag, deadline, &r);
  return r;
}

WaitResult Comm::gather_at_root(const std::string& payload, std::vector<std::string>* out, const Deadline& deadline,
                                int tag) {
  WaitResult r;
  // The other leaders' sizes are posted first, so they arrive while rank 0's own node is read.
  const std::size_t nodes = leaders_.size();
  auto sizes = std::make_shared<std::vector<long long>>(nodes, -1);
  auto reqs = std::make_shared<std::vector<MPI_Request>>(nodes, MPI_REQUEST_NULL);
  for (std::size_t k = 1; k < nodes; ++k)
    MPI_Irecv(&(*sizes)[k], 1, MPI_LONG_LONG, leaders_[k], tag, runner_comm_, &(*reqs)[k]);
  std::vector<std::string> got(static_cast<std::size_t>(size_));
  std::vector<int> missing;
  WaitResult own;
  // Rank 0 names its own node's silent ranks itself, so it waits for them as long as for the
  // other nodes (node_deadline is for leaders that must report to rank 0 in time).
  const std::string own_packet = collect_node(payload, deadline, tag, &own);
  take_packet(own_packet, node_members_[0], &got, &missing);
  if (own.interrupted) {  // a stop: nothing more is waited for; every other node is unreported
    r.interrupted = true;
    r.complete = false;
  }
  std::vector<bool> arrived(nodes, !r.interrupted);
  bool abandoned = r.interrupted;
  if (!r.interrupted && nodes > 1 && !poll(reqs->data() + 1, static_cast<int>(nodes - 1), deadline, &r)) {
    abandoned = true;
    for (std::size_t k = 1; k < nodes; ++k) {
      int done = 0;
      MPI_Test(&(*reqs)[k], &done, MPI_STATUS_IGNORE);
      if (!done) arrived[k] = false;
    }
  }
  auto packets = std::make_shared<std::vector<std::string>>(nodes);
  auto data_reqs = std::make_shared<std::vector<MPI_Request>>();
  std::vector<std::size_t> waiting;
  if (!r.interrupted) {
    for (std::size_t k = 1; k < nodes; ++k) {
      if (!arrived[k]) continue;
      const long long len = (*sizes)[k];
      if (len < 0 || len > std::numeric_limits<int>::max()) {
        arrived[k] = false;
        continue;
      }
      (*packets)[k].resize(static_cast<std::size_t>(len));
      data_reqs->emplace_back();
      MPI_Irecv((*packets)[k].data(), static_cast<int>(len), MPI_CHAR, leaders_[k], tag, runner_comm_,
                &data_reqs->back());
      waiting.push_back(k);
    }
    if (!data_reqs->empty() && !poll(data_reqs->data(), static_cast<int>(data_reqs->size()), deadline, &r)) {
      abandoned = true;
      for (std::size_t i = 0; i < waiting.size(); ++i) {
        int done = 0;
        MPI_Test(&(*data_reqs)[i], &done, MPI_STATUS_IGNORE);
        if (!done) arrived[waiting[i]] = false;
      }
    }
  }
  if (abandoned || r.interrupted) {
    keep_alive(sizes);
    keep_alive(reqs);
    keep_alive(packets);
    keep_alive(data_reqs);
  }
  for (std::size_t k = 1; k < nodes; ++k) {
    if (!arrived[k] || r.interrupted) {
      missing.insert(missing.end(), node_members_[k].begin(), node_members_[k].end());
      continue;
    }
    take_packet((*packets)[k], node_members_[k], &got, &missing);
    std::string().swap((*packets)[k]);
  }
  std::sort(missing.begin(), missing.end());
  if (!missing.empty()) r.complete = false;
  r.missing_ranks = std::move(missing);
  if (out) *out = std::move(got);
  return r;
}

WaitResult Comm::gather_from(const std::vector<int>& sources, const std::string& payload,
                             std::vector<std::string>* out, const Deadline& deadline, int tag) {
  WaitResult r;
  if (rank_ != 0) {
    if (!std::binary_search(sources.begin(), sources.end(), rank_)) return r;
    auto size = std::make_shared<long long>(static_cast<long long>(payload.size()));
    auto sent = std::make_shared<std::string>(payload);
    auto reqs = std::make_shared<std::vector<MPI_Request>>(2);
    MPI_Isend(size.get(), 1, MPI_LONG_LONG, 0, tag, runner_comm_, &(*reqs)[0]);
    MPI_Isend(sent->data(), static_cast<int>(sent->size()), MPI_CHAR, 0, tag, runner_comm_, &(*reqs)[1]);
    if (!poll(reqs->data(), 2, deadline, &r)) {
      keep_alive(size);
      keep_alive(sent);
      keep_alive(reqs);
    }
    return r;
  }
  const std::size_t n = sources.size();
  auto sizes = std::make_shared<std::vector<long long>>(n, 0);
  auto reqs = std::make_shared<std::vector<MPI_Request>>(n);
  for (std::size_t i = 0; i < n; ++i)
    MPI_Irecv(&(*sizes)[i], 1, MPI_LONG_LONG, sources[i], tag, runner_comm_, &(*reqs)[i]);
  auto name_missing = [&] {
    for (std::size_t i = 0; i < n; ++i) {
      int done = 0;
      MPI_Test(&(*reqs)[i], &done, MPI_STATUS_IGNORE);
      if (!done) r.missing_ranks.push_back(sources[i]);
    }
  };
  if (n && !poll(reqs->data(), static_cast<int>(n), deadline, &r)) {
    name_missing();
    keep_alive(sizes);
    keep_alive(reqs);
    return r;
  }
  auto texts = std::make_shared<std::vector<std::string>>(n);
  for (std::size_t i = 0; i < n; ++i) {
    if ((*sizes)[i] < 0 || (*sizes)[i] > std::numeric_limits<int>::max())
      throw std::runtime_error("a rank announced a message of an impossible size");
    (*texts)[i].resize(static_cast<std::size_t>((*sizes)[i]));
    MPI_Irecv((*texts)[i].data(), static_cast<int>((*sizes)[i]), MPI_CHAR, sources[i], tag, runner_comm_,
              &(*reqs)[i]);
  }
  if (n && !poll(reqs->data(), static_cast<int>(n), deadline, &r)) {
    name_missing();
    keep_alive(sizes);
    keep_alive(reqs);
    keep_alive(texts);
    return r;
  }
  if (out) *out = std::move(*texts);
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
