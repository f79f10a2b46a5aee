// p2p: cudaMemcpyPeerAsync from this rank's GPU to every other GPU it can reach by peer
// access (NVLink or PCIe), one peer at a time.
#include <cstdlib>

#include <fmt/format.h>

#include "bench/cuda/cuda_backend.hpp"
#include "bench/cuda/device_memory.hpp"
#include "bench/cuda/transfer_common.hpp"
#include "bench/timing.hpp"
#include "kernels/kernels.hpp"

namespace capbench {

namespace {

// Makes `ordinal` current and restores the previous device however the scope ends.
class DeviceScope {
 public:
  explicit DeviceScope(int ordinal) {
    CUDA_CHECK(cudaGetDevice(&previous_));
    CUDA_CHECK(cudaSetDevice(ordinal));
  }
  ~DeviceScope() { cudaSetDevice(previous_); }
  DeviceScope(const DeviceScope&) = delete;
  DeviceScope& operator=(const DeviceScope&) = delete;

 private:
  int previous_ = 0;
};

class P2pBenchmark final : public Benchmark {
 public:
  explicit P2pBenchmark(CudaDevice dev) : dev_(std::move(dev)) {}
  std::string key() const override { return "p2p"; }
  std::string description() const override {
    return "cudaMemcpyPeerAsync from this GPU to each peer-accessible GPU; bandwidth per peer; pattern-verified";
  }

  Support filter(const PlannedCase&) const override {
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) return Support::no("cudaGetDeviceCount failed");
    if (count < 2) {
      const char* vis = std::getenv("CUDA_VISIBLE_DEVICES");
      return Support::no(fmt::format(
          "only one GPU is visible to this rank (CUDA_VISIBLE_DEVICES={}); peer copies need the node's other GPUs "
          "visible to the process",
          vis ? vis : "unset"));
    }
    if (peers().empty())
      return Support::no(fmt::format("none of the {} other visible GPUs is reachable by peer access from {}",
                                     count - 1, dev_.describe()));
    return Support::yes();
  }

  RankResult run(const CaseContext& ctx) override {
    CUDA_CHECK(cudaSetDevice(dev_.ordinal));
    const std::int64_t words = ctx.spec.params.at("bytes").get<std::int64_t>() / 4;
    if (words <= 0) throw std::runtime_error("p2p needs at least 4 bytes");
    const std::size_t bytes = std::size_t(words) * 4;
    const auto seed = derive_seed(ctx.seed, 0x929);
    DeviceBuffer src(bytes);
    CudaStream stream;
    const cudaStream_t s = stream.get();
    CUDA_CHECK(kernels::pattern_fill(src.as<std::uint32_t>(), words, seed, s));
    CUDA_CHECK(cudaStreamSynchronize(s));

    RankResult r;
    json per_peer = json::array();
    std::int64_t total_bad = 0;
    std::string bad_detail;
    for (int peer : peers()) {
      const cudaError_t en = cudaDeviceEnablePeerAccess(peer, 0);
      if (en == cudaErrorPeerAccessAlreadyEnabled)
        cudaGetLastError();  // clears the non-sticky "already enabled"
      else
        CUDA_CHECK(en);
      DeviceBuffer dst;
      {
        DeviceScope on_peer(peer);
        dst = DeviceBuffer(bytes);
        CUDA_CHECK(kernels::pattern_fill(dst.as<std::uint32_t>(), words, ~seed, nullptr));
        CUDA_CHECK(cudaDeviceSynchronize());
      }
      CudaEvent start, stop;
      auto batch = [&](int reps) {
        CUDA_CHECK(cudaEventRecord(start.get(), s));
        for (int i = 0; i < reps; ++i) CUDA_CHECK(cudaMemcpyPeerAsync(dst.get(), peer, src.get(), dev_.ordinal, bytes, s));
        CUDA_CHECK(cudaEventRecord(stop.get(), s));
        return event_seconds(start, stop);
      };
      const int reps = reps_for_target(batch(1), kTransferSampleTarget_s, kTransferMaxReps);
      std::vector<double> bw;
      for (double t : timed_batches(ctx, [&] { return batch(reps); })) bw.push_back(double(bytes) * reps / t);
      r.metrics.push_back(make_metric("p2p_bandwidth", "B/s", std::move(bw), {{"peer", peer}}));

      unsigned long long bad = 0;
      {
        DeviceScope on_peer(peer);
        DeviceBuffer counter(sizeof(unsigned long long));
        CUDA_CHECK(cudaMemset(counter.get(), 0, counter.bytes()));
        CUDA_CHECK(kernels::pattern_compare(dst.as<std::uint32_t>(), words, seed, counter.as<unsigned long long>(),
                                            nullptr));
        CUDA_CHECK(cudaMemcpy(&bad, counter.get(), sizeof bad, cudaMemcpyDeviceToHost));
        dst.reset();
      }
      total_bad += std::int64_t(bad);
      if (bad) bad_detail += fmt::format("{}peer {}: {} of {} words wrong", bad_detail.empty() ? "" : "; ", peer, bad, words);
      per_peer.push_back({{"peer", peer}, {"copies_per_sample", reps}, {"mismatched_words", bad}});
    }
    auto& v = r.verification;
    v.method = "pattern-compare";
    v.mismatches = total_bad;
    v.max_error = double(total_bad);
    v.status = total_bad == 0 ? "passed" : "failed";
    v.detail = total_bad == 0 ? fmt::format("every word arrived intact at {} peers", per_peer.size()) : bad_detail;
    r.info = {{"bytes", bytes}, {"peers", per_peer}, {"device", dev_.describe()},
              {"bytes_counted", "bytes per copy, one direction"}};
    return r;
  }

 private:
  std::vector<int> peers() const {
    std::vector<int> out;
    int count = 0;
    if (cudaGetDeviceCount(&count) != cudaSuccess) return out;
    for (int d = 0; d < count; ++d) {
      int can = 0;
      if (d != dev_.ordinal && cudaDeviceCanAccessPeer(&can, dev_.ordinal, d) == cudaSuccess && can) out.push_back(d);
    }
    return out;
  }

  CudaDevice dev_;
};

}  // namespace

std::unique_ptr<Benchmark> make_p2p_benchmark(const CudaDevice& dev) { return std::make_unique<P2pBenchmark>(dev); }

}  // namespace capbench
