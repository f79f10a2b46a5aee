// The fabric benchmark's transport on the CPU backend: MPI point-to-point on the case's own
// communicator, every wait a spin on MPI_Test bounded by the case's deadline.
#include <mpi.h>
#include <sched.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "bench/fabric/fabric_transport.hpp"
#include "common/fabric.hpp"
#include "kernels/pattern.hpp"

namespace capbench {

namespace {

enum Tag : int { kPing = 0x4650, kPong, kData, kReady, kAck };

using Clock = std::chrono::steady_clock;

void fill_words(std::uint32_t* p, std::int64_t words, std::uint64_t seed) {
  for (std::int64_t i = 0; i < words; ++i) p[i] = pattern_word(seed, i);
}

std::int64_t count_wrong(const std::uint32_t* p, std::int64_t words, std::uint64_t seed) {
  std::int64_t bad = 0;
  for (std::int64_t i = 0; i < words; ++i) bad += p[i] != pattern_word(seed, i);
  return bad;
}

class MpiFabric final : public FabricTransport {
 public:
  ~MpiFabric() override {
    // A wait abandoned at the deadline may still be written by MPI: its buffers stay.
    if (abandoned_) {
      static std::vector<std::vector<std::uint32_t>> kept;
      kept.push_back(std::move(send_));
      kept.push_back(std::move(slots_));
    }
  }
  std::string name() const override { return "mpi"; }

  void prepare(Comm& comm, std::int64_t max_bytes, int window) override {
    comm_ = &comm;
    max_words_ = max_bytes / 4;
    send_.assign(static_cast<std::size_t>(max_words_), 0);
    slots_.assign(static_cast<std::size_t>(max_words_) * static_cast<std::size_t>(window), 0);
  }

  PairOutcome ping_pong(const PairTask& t, const Deadline& deadline) override {
    PairOutcome out;
    const int words = static_cast<int>(t.bytes / 4);
    bool corrupt = t.corrupt;
    MPI_Request reqs[2];
    for (int i = 0; i < t.warmup + t.count; ++i) {
      const std::int64_t iter = i - t.warmup;  // warm-up messages carry their own (negative) iterations
      fill_words(send_.data(), words, fabric_message_seed(t.case_seed, comm_->rank(), t.peer, iter));
      if (t.initiator) {
        MPI_Irecv(slots_.data(), words, MPI_UINT32_T, t.peer, kPong, mpi(), &reqs[0]);
        const auto t0 = Clock::now();
        MPI_Isend(send_.data(), words, MPI_UINT32_T, t.peer, kPing, mpi(), &reqs[1]);
        wait(reqs, 2, t.peer, deadline, "in a ping-pong");
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (iter >= 0) out.seconds.push_back(s);
      } else {
        MPI_Irecv(slots_.data(), words, MPI_UINT32_T, t.peer, kPing, mpi(), &reqs[0]);
        wait(reqs, 1, t.peer, deadline, "in a ping-pong");
        MPI_Isend(send_.data(), words, MPI_UINT32_T, t.peer, kPong, mpi(), &reqs[1]);
        wait(&reqs[1], 1, t.peer, deadline, "in a ping-pong");
      }
      check(slots_.data(), words, t, iter, corrupt, out);
    }
    return out;
  }

  PairOutcome stream(const PairTask& t, StreamMode mode, const Deadline& deadline) override {
    PairOutcome out;
    const int words = static_cast<int>(t.bytes / 4);
    const int w = t.window;
    bool corrupt = t.corrupt;
    std::vector<MPI_Request> reqs(static_cast<std::size_t>(2 * w + 2));
    int token_out = 1, token_in = 0;
    for (int i = 0; i < t.warmup + t.count; ++i) {
      const std::int64_t iter = i - t.warmup;
      const bool sends = mode != StreamMode::receive, receives = mode != StreamMode::send;
      if (sends) fill_words(send_.data(), words, fabric_message_seed(t.case_seed, comm_->rank(), t.peer, iter));
      int n = 0;
      if (receives)
        for (int k = 0; k < w; ++k)
          MPI_Irecv(slot(k), words, MPI_UINT32_T, t.peer, kData, mpi(), &reqs[std::size_t(n++)]);
      // The receives are posted before the clock starts: the ready token says so.
      if (mode == StreamMode::receive) {
        MPI_Isend(&token_out, 1, MPI_INT, t.peer, kReady, mpi(), &reqs[std::size_t(n++)]);
        wait(reqs.data(), n, t.peer, deadline, "receiving a window");
        MPI_Isend(&token_out, 1, MPI_INT, t.peer, kAck, mpi(), &reqs[0]);
        wait(reqs.data(), 1, t.peer, deadline, "acknowledging a window");
      } else {
        // Both ways, the tokens go round twice. The first exchange waits out the peer's check
        // of the last window (milliseconds, unequal); after the second both sides post their
        // sends within one message latency of each other. Started further apart, the data of
        // the side that starts first fills the connection ahead of its answers to the other's
        // rendezvous requests, and the two directions run one after the other (seen on Open
        // MPI's TCP BTL; docs/performance.md).
        const int exchanges = mode == StreamMode::both ? 2 : 1;
        for (int x = 0; x < exchanges; ++x) {
          MPI_Request ready[2];
          int r = 0;
          MPI_Irecv(&token_in, 1, MPI_INT, t.peer, kReady, mpi(), &ready[r++]);
          if (mode == StreamMode::both) MPI_Isend(&token_out, 1, MPI_INT, t.peer, kReady, mpi(), &ready[r++]);
          wait(ready, r, t.peer, deadline, "waiting for the peer's receives");
        }
        const auto t0 = Clock::now();
        for (int k = 0; k < w; ++k) MPI_Isend(send_.data(), words, MPI_UINT32_T, t.peer, kData, mpi(), &reqs[std::size_t(n++)]);
        if (mode == StreamMode::both) {
          // Done when both sides are: each says so once its own transfers completed.
          wait(reqs.data(), n, t.peer, deadline, "sending and receiving a window");
          n = 0;
          MPI_Isend(&token_out, 1, MPI_INT, t.peer, kAck, mpi(), &reqs[std::size_t(n++)]);
        }
        MPI_Irecv(&token_in, 1, MPI_INT, t.peer, kAck, mpi(), &reqs[std::size_t(n++)]);
        wait(reqs.data(), n, t.peer, deadline, "sending a window");
        const double s = std::chrono::duration<double>(Clock::now() - t0).count();
        if (iter >= 0 && (mode == StreamMode::send || t.initiator)) out.seconds.push_back(s);
      }
      if (receives)
        for (int k = 0; k < w; ++k) check(slot(k), words, t, iter, corrupt, out);
    }
    return out;
  }

  json info() const override {
    return {{"transport", "mpi"}, {"library", Comm::library_version()}, {"timer", "steady_clock"}};
  }
  void release() override {
    if (abandoned_) return;
    send_ = {};
    slots_ = {};
  }

 private:
  MPI_Comm mpi() const { return comm_->case_comm(); }
  std::uint32_t* slot(int k) { return slots_.data() + static_cast<std::size_t>(k) * std::size_t(max_words_); }

  void check(std::uint32_t* p, int words, const PairTask& t, std::int64_t iter, bool& corrupt, PairOutcome& out) {
    if (corrupt && words > 0) {
      p[words / 2] ^= 0x40u;  // a planted wrong byte (CAPBENCH_FAULT kind=wrong)
      corrupt = false;
    }
    out.words_checked += words;
    out.mismatches += count_wrong(p, words, fabric_message_seed(t.case_seed, t.peer, comm_->rank(), iter));
  }

  // Spins: a latency sample must not hold a sleep. Past the first 20 us each poll yields the
  // core, so that where ranks outnumber cores (several "nodes" on one machine) the peer gets
  // to run instead of waiting out a scheduler slice. The deadline is read every 1024 polls.
  void wait(MPI_Request* reqs, int n, int peer, const Deadline& deadline, const char* what) {
    const auto spin_until = Clock::now() + std::chrono::microseconds(20);
    bool yielding = false;
    for (unsigned polls = 0;; ++polls) {
      int done = 0;
      MPI_Testall(n, reqs, &done, MPI_STATUSES_IGNORE);
      if (done) return;
      if (yielding) sched_yield();
      else if ((polls & 63u) == 63u) yielding = Clock::now() >= spin_until;
      if ((polls & 1023u) == 1023u && deadline.expired()) {
        abandoned_ = true;
        comm_->abandon_case_comm();
        throw CaseTimeout(fmt::format("deadline passed {} with rank {}", what, peer));
      }
    }
  }

  Comm* comm_ = nullptr;
  std::vector<std::uint32_t> send_, slots_;
  std::int64_t max_words_ = 0;
  bool abandoned_ = false;
};

}  // namespace

std::unique_ptr<FabricTransport> make_mpi_fabric() { return std::make_unique<MpiFabric>(); }

}  // namespace capbench
