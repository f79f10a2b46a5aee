// The fabric benchmark's transport on the CUDA backend: ncclSend/ncclRecv between this GPU
// and the GPU of the same local rank on the peer node (one pair per rail), on the job's
// NCCL communicator. Payloads are written and compared on the device (kernels/pattern.cu);
// times come from CUDA events; every wait is bounded by the case's deadline (NcclSession).
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "bench/cuda/device_memory.hpp"
#include "bench/cuda/nccl_session.hpp"
#include "bench/fabric/fabric_transport.hpp"
#include "common/fabric.hpp"
#include "kernels/kernels.hpp"
#include "kernels/pattern.hpp"

namespace capbench {

namespace {

class NcclFabric final : public FabricTransport {
 public:
  explicit NcclFabric(std::shared_ptr<NcclSession> session) : s_(std::move(session)) {}
  ~NcclFabric() override { release(); }
  std::string name() const override { return "nccl"; }

  void prepare(Comm&, std::int64_t max_bytes, int window) override {
    release();
    CUDA_CHECK(cudaSetDevice(s_->device().ordinal));
    max_bytes_ = max_bytes;
    window_ = window;
    stream_ = std::make_unique<CudaStream>();
    comm_ = s_->comm();  // every rank reaches prepare: the communicator's creation is collective
    // Ping-pong sends a ring of `window` prefilled messages; bandwidth one message `window` times.
    send_ = DeviceBuffer(std::size_t(max_bytes) * std::size_t(window));
    slots_ = DeviceBuffer(std::size_t(max_bytes) * std::size_t(window));
    tokens_ = DeviceBuffer(2 * sizeof(std::uint32_t));
    bad_ = DeviceBuffer(sizeof(unsigned long long));
  }

  PairOutcome ping_pong(const PairTask& t, const Deadline&) override {
    PairOutcome out;
    const std::int64_t words = t.bytes / 4;
    bool corrupt = t.corrupt;
    const cudaStream_t st = stream_->get();
    // Round trips in chunks of `window`: prefill, run the chunk with an event between round
    // trips (no host round trip inside), then check every message received.
    for (int first = 0; first < t.warmup + t.count; first += window_) {
      const int n = std::min(window_, t.warmup + t.count - first);
      for (int k = 0; k < n; ++k)
        CUDA_CHECK(kernels::pattern_fill(send_slot(k), words, seed_out(t, first + k - t.warmup), st));
      std::vector<std::unique_ptr<CudaEvent>> marks;
      for (int k = 0; k <= n; ++k) marks.push_back(std::make_unique<CudaEvent>());
      for (int k = 0; k < n; ++k) {
        CUDA_CHECK(cudaEventRecord(marks[std::size_t(k)]->get(), st));
        if (t.initiator) {
          s_->check(ncclSend(send_slot(k), std::size_t(words), ncclUint32, t.peer, comm_, st), "ncclSend (ping)");
          s_->check(ncclRecv(recv_slot(k), std::size_t(words), ncclUint32, t.peer, comm_, st), "ncclRecv (pong)");
        } else {
          s_->check(ncclRecv(recv_slot(k), std::size_t(words), ncclUint32, t.peer, comm_, st), "ncclRecv (ping)");
          s_->check(ncclSend(send_slot(k), std::size_t(words), ncclUint32, t.peer, comm_, st), "ncclSend (pong)");
        }
      }
      CUDA_CHECK(cudaEventRecord(marks[std::size_t(n)]->get(), st));
      s_->wait_event(marks[std::size_t(n)]->get(), "fabric ping-pong");
      for (int k = 0; k < n; ++k) {
        if (first + k < t.warmup || !t.initiator) continue;
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, marks[std::size_t(k)]->get(), marks[std::size_t(k + 1)]->get()));
        out.seconds.push_back(double(ms) * 1e-3);
      }
      for (int k = 0; k < n; ++k) check(recv_slot(k), words, seed_in(t, first + k - t.warmup), corrupt, out);
    }
    return out;
  }

  PairOutcome stream(const PairTask& t, StreamMode mode, const Deadline&) override {
    PairOutcome out;
    const std::int64_t words = t.bytes / 4;
    bool corrupt = t.corrupt;
    const cudaStream_t st = stream_->get();
    auto* token_out = tokens_.as<std::uint32_t>();
    auto* token_in = token_out + 1;
    for (int i = 0; i < t.warmup + t.count; ++i) {
      const std::int64_t iter = i - t.warmup;
      const bool sends = mode != StreamMode::receive, receives = mode != StreamMode::send;
      if (sends) CUDA_CHECK(kernels::pattern_fill(send_slot(0), words, seed_out(t, iter), st));
      CudaEvent start, stop;
      // The receiver says it is ready; the clock starts once that token is in.
      s_->check(ncclGroupStart(), "ncclGroupStart");
      if (receives) s_->check(ncclSend(token_out, 1, ncclUint32, t.peer, comm_, st), "ncclSend (ready)");
      if (sends) s_->check(ncclRecv(token_in, 1, ncclUint32, t.peer, comm_, st), "ncclRecv (ready)");
      s_->check(ncclGroupEnd(), "ncclGroupEnd (ready)");
      CUDA_CHECK(cudaEventRecord(start.get(), st));
      s_->check(ncclGroupStart(), "ncclGroupStart");
      for (int k = 0; k < t.window; ++k) {
        if (sends) s_->check(ncclSend(send_slot(0), std::size_t(words), ncclUint32, t.peer, comm_, st), "ncclSend");
        if (receives)
          s_->check(ncclRecv(recv_slot(k), std::size_t(words), ncclUint32, t.peer, comm_, st), "ncclRecv");
      }
      s_->check(ncclGroupEnd(), "ncclGroupEnd (window)");
      // The acknowledgement: the receiving side's transfers are complete.
      s_->check(ncclGroupStart(), "ncclGroupStart");
      if (receives) s_->check(ncclSend(token_out, 1, ncclUint32, t.peer, comm_, st), "ncclSend (ack)");
      if (sends) s_->check(ncclRecv(token_in, 1, ncclUint32, t.peer, comm_, st), "ncclRecv (ack)");
      s_->check(ncclGroupEnd(), "ncclGroupEnd (ack)");
      CUDA_CHECK(cudaEventRecord(stop.get(), st));
      s_->wait_event(stop.get(), "fabric window");
      if (iter >= 0 && (mode == StreamMode::send || (mode == StreamMode::both && t.initiator))) {
        float ms = 0;
        CUDA_CHECK(cudaEventElapsedTime(&ms, start.get(), stop.get()));
        out.seconds.push_back(double(ms) * 1e-3);
      }
      if (receives)
        for (int k = 0; k < t.window; ++k) check(recv_slot(k), words, seed_in(t, iter), corrupt, out);
    }
    return out;
  }

  json info() const override {
    int version = 0;
    ncclGetVersion(&version);
    return {{"transport", "nccl"}, {"library", "NCCL"}, {"nccl_version", version}, {"timer", "cudaEvent"},
            {"device", s_->device().describe()}};
  }

  void release() override {
    if (stream_) cudaStreamSynchronize(stream_->get());
    send_.reset();
    slots_.reset();
    tokens_.reset();
    bad_.reset();
    stream_.reset();
  }

 private:
  std::uint32_t* send_slot(int k) const {
    return reinterpret_cast<std::uint32_t*>(send_.as<char>() + std::size_t(k) * std::size_t(max_bytes_));
  }
  void* recv_slot(int k) const { return slots_.as<char>() + std::size_t(k) * std::size_t(max_bytes_); }
  std::uint64_t seed_out(const PairTask& t, std::int64_t iter) const {
    return fabric_message_seed(t.case_seed, s_->rank(), t.peer, iter);
  }
  std::uint64_t seed_in(const PairTask& t, std::int64_t iter) const {
    return fabric_message_seed(t.case_seed, t.peer, s_->rank(), iter);
  }

  // Compares every word of one received message on the device.
  void check(void* p, std::int64_t words, std::uint64_t seed, bool& corrupt, PairOutcome& out) {
    const cudaStream_t st = stream_->get();
    auto* words_p = static_cast<std::uint32_t*>(p);
    if (corrupt && words > 0) {
      // A planted wrong byte (CAPBENCH_FAULT kind=wrong): one word, flipped.
      const std::uint32_t wrong = pattern_word(seed, words / 2) ^ 0x40u;
      CUDA_CHECK(cudaMemcpyAsync(words_p + words / 2, &wrong, sizeof wrong, cudaMemcpyHostToDevice, st));
      CUDA_CHECK(cudaStreamSynchronize(st));
      corrupt = false;
    }
    CUDA_CHECK(cudaMemsetAsync(bad_.get(), 0, sizeof(unsigned long long), st));
    CUDA_CHECK(kernels::pattern_compare(words_p, words, seed, bad_.as<unsigned long long>(), st));
    unsigned long long bad = 0;
    CUDA_CHECK(cudaMemcpyAsync(&bad, bad_.get(), sizeof bad, cudaMemcpyDeviceToHost, st));
    CudaEvent done;
    CUDA_CHECK(cudaEventRecord(done.get(), st));
    s_->wait_event(done.get(), "fabric payload check");
    out.words_checked += words;
    out.mismatches += std::int64_t(bad);
  }

  std::shared_ptr<NcclSession> s_;
  ncclComm_t comm_ = nullptr;
  std::int64_t max_bytes_ = 0;
  int window_ = 1;
  DeviceBuffer send_, slots_, tokens_, bad_;
  std::unique_ptr<CudaStream> stream_;
};

}  // namespace

std::unique_ptr<FabricTransport> make_nccl_fabric(std::shared_ptr<NcclSession> session) {
  return std::make_unique<NcclFabric>(std::move(session));
}

}  // namespace capbench
