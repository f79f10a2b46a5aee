// host_device: copies between host memory and this GPU over its host link (PCIe or
// NVLink-C2C). Every rank of a node runs at once, so links that share a PCIe switch or a
// socket show their contention.
#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "bench/cuda/cuda_backend.hpp"
#include "bench/cuda/device_memory.hpp"
#include "bench/cuda/transfer_common.hpp"
#include "bench/timing.hpp"
#include "kernels/kernels.hpp"

namespace capbench {

namespace {

// Host memory of either kind: pinned (page-locked, DMA straight from it) or pageable
// (ordinary memory the driver stages through its own pinned buffers).
class HostBuffer {
 public:
  HostBuffer(std::size_t bytes, bool pinned) {
    if (pinned) {
      pinned_ = PinnedBuffer(bytes);
      p_ = static_cast<std::uint32_t*>(pinned_.get());
    } else {
      pageable_.reset(new std::uint32_t[(bytes + 3) / 4]);
      p_ = pageable_.get();
    }
  }
  std::uint32_t* get() const { return p_; }

 private:
  PinnedBuffer pinned_;
  std::unique_ptr<std::uint32_t[]> pageable_;
  std::uint32_t* p_ = nullptr;
};

class HostDeviceBenchmark final : public Benchmark {
 public:
  explicit HostDeviceBenchmark(CudaDevice dev) : dev_(std::move(dev)) {}
  std::string key() const override { return "host_device"; }
  std::string description() const override {
    return "cudaMemcpyAsync host to device, device to host, or both at once, pinned or pageable; all ranks of a "
           "node together; pattern-verified";
  }
  Support filter(const PlannedCase&) const override { return Support::yes(); }

  RankResult run(const CaseContext& ctx) override {
    CUDA_CHECK(cudaSetDevice(dev_.ordinal));
    const auto& p = ctx.spec.params;
    const std::string direction = p.at("direction").get<std::string>();
    const bool pinned = p.at("memory").get<std::string>() == "pinned";
    const std::int64_t words = p.at("bytes").get<std::int64_t>() / 4;
    if (words <= 0) throw std::runtime_error("host_device needs at least 4 bytes");
    const std::size_t bytes = std::size_t(words) * 4;
    const bool h2d = direction != "d2h", d2h = direction != "h2d";
    const auto seed_up = derive_seed(ctx.seed, 0x42D), seed_down = derive_seed(ctx.seed, 0xD24);

    // h2d: host_up → dev_up; d2h: dev_down → host_down.
    std::unique_ptr<HostBuffer> host_up, host_down;
    DeviceBuffer dev_up, dev_down;
    CudaStream s_up, s_down;
    if (h2d) {
      host_up = std::make_unique<HostBuffer>(bytes, pinned);
      host_pattern_fill(host_up->get(), words, seed_up);
      dev_up = DeviceBuffer(bytes);
      CUDA_CHECK(kernels::pattern_fill(dev_up.as<std::uint32_t>(), words, ~seed_up, s_up.get()));
    }
    if (d2h) {
      host_down = std::make_unique<HostBuffer>(bytes, pinned);
      host_pattern_fill(host_down->get(), words, ~seed_down);  // also touches every page before timing
      dev_down = DeviceBuffer(bytes);
      CUDA_CHECK(kernels::pattern_fill(dev_down.as<std::uint32_t>(), words, seed_down, s_down.get()));
    }
    CUDA_CHECK(cudaDeviceSynchronize());

    CudaEvent start, end_up, end_down;
    double t_up = 0, t_down = 0;
    // Both directions start from one event, so in bidir the copies overlap from the start.
    auto batch = [&](int reps) {
      CUDA_CHECK(cudaEventRecord(start.get(), h2d ? s_up.get() : s_down.get()));
      if (h2d && d2h) CUDA_CHECK(cudaStreamWaitEvent(s_down.get(), start.get(), 0));
      for (int r = 0; r < reps; ++r) {
        if (h2d) CUDA_CHECK(cudaMemcpyAsync(dev_up.get(), host_up->get(), bytes, cudaMemcpyHostToDevice, s_up.get()));
        if (d2h)
          CUDA_CHECK(cudaMemcpyAsync(host_down->get(), dev_down.get(), bytes, cudaMemcpyDeviceToHost, s_down.get()));
      }
      if (h2d) CUDA_CHECK(cudaEventRecord(end_up.get(), s_up.get()));
      if (d2h) CUDA_CHECK(cudaEventRecord(end_down.get(), s_down.get()));
      t_up = h2d ? event_seconds(start, end_up) : 0;
      t_down = d2h ? event_seconds(start, end_down) : 0;
      return std::max(t_up, t_down);
    };
    const int reps = reps_for_target(batch(1), kTransferSampleTarget_s, kTransferMaxReps);
    std::vector<double> up_bw, down_bw, both_bw;
    int calls = 0;
    timed_batches(ctx, [&] {
      const double t = batch(reps);
      if (calls++ >= ctx.spec.warmup) {
        const double moved = double(bytes) * reps;
        if (h2d) up_bw.push_back(moved / t_up);
        if (d2h) down_bw.push_back(moved / t_down);
        if (h2d && d2h) both_bw.push_back(2.0 * moved / t);
      }
      return t;
    });

    RankResult r;
    if (h2d) r.metrics.push_back(make_metric("h2d_bandwidth", "B/s", std::move(up_bw)));
    if (d2h) r.metrics.push_back(make_metric("d2h_bandwidth", "B/s", std::move(down_bw)));
    if (h2d && d2h) r.metrics.push_back(make_metric("bidir_bandwidth", "B/s", std::move(both_bw)));

    std::int64_t bad_up = 0, bad_down = 0;
    if (h2d) {
      DeviceBuffer bad(sizeof(unsigned long long));
      CUDA_CHECK(cudaMemsetAsync(bad.get(), 0, bad.bytes(), s_up.get()));
      CUDA_CHECK(kernels::pattern_compare(dev_up.as<std::uint32_t>(), words, seed_up, bad.as<unsigned long long>(),
                                          s_up.get()));
      unsigned long long h = 0;
      CUDA_CHECK(cudaMemcpyAsync(&h, bad.get(), sizeof h, cudaMemcpyDeviceToHost, s_up.get()));
      CUDA_CHECK(cudaStreamSynchronize(s_up.get()));
      bad_up = std::int64_t(h);
    }
    if (d2h) {
      CUDA_CHECK(cudaStreamSynchronize(s_down.get()));
      bad_down = host_pattern_mismatches(host_down->get(), words, seed_down);
    }
    auto& v = r.verification;
    v.method = "pattern-compare";
    v.mismatches = bad_up + bad_down;
    v.max_error = double(v.mismatches);
    v.status = v.mismatches == 0 ? "passed" : "failed";
    v.detail = fmt::format("{} words wrong on the device after h2d, {} on the host after d2h, of {} per direction",
                           bad_up, bad_down, words);
    r.info = {{"bytes", bytes},
              {"direction", direction},
              {"memory", pinned ? "pinned (cudaMallocHost)" : "pageable (new[])"},
              {"copies_per_sample", reps},
              {"bidir_bandwidth_meaning", "bytes of both directions / time until both finished"},
              {"device", dev_.describe()}};
    return r;
  }

 private:
  CudaDevice dev_;
};

}  // namespace

std::unique_ptr<Benchmark> make_host_device_benchmark(const CudaDevice& dev) {
  return std::make_unique<HostDeviceBenchmark>(dev);
}

}  // namespace capbench
