// device_copy: cudaMemcpyAsync device to device, i.e. the copy engines' path through HBM.
#include <fmt/format.h>

#include "bench/cuda/cuda_backend.hpp"
#include "bench/cuda/device_memory.hpp"
#include "bench/cuda/transfer_common.hpp"
#include "bench/timing.hpp"
#include "kernels/kernels.hpp"

namespace capbench {

namespace {

class DeviceCopyBenchmark final : public Benchmark {
 public:
  explicit DeviceCopyBenchmark(CudaDevice dev) : dev_(std::move(dev)) {}
  std::string key() const override { return "device_copy"; }
  std::string description() const override {
    return "cudaMemcpyAsync device to device; bandwidth counts bytes read + written (2 x size); pattern-verified";
  }
  Support filter(const PlannedCase&) const override { return Support::yes(); }

  RankResult run(const CaseContext& ctx) override {
    CUDA_CHECK(cudaSetDevice(dev_.ordinal));
    const std::int64_t words = ctx.spec.params.at("bytes").get<std::int64_t>() / 4;
    if (words <= 0) throw std::runtime_error("device_copy needs at least 4 bytes");
    const std::size_t bytes = std::size_t(words) * 4;
    DeviceBuffer src(bytes), dst(bytes);
    CudaStream stream;
    const cudaStream_t s = stream.get();
    const auto seed = derive_seed(ctx.seed, 0xDC);
    CUDA_CHECK(kernels::pattern_fill(src.as<std::uint32_t>(), words, seed, s));
    // The destination starts as another pattern: a word the copy missed cannot match.
    CUDA_CHECK(kernels::pattern_fill(dst.as<std::uint32_t>(), words, ~seed, s));

    CudaEvent start, stop;
    auto batch = [&](int reps) {
      CUDA_CHECK(cudaEventRecord(start.get(), s));
      for (int r = 0; r < reps; ++r)
        CUDA_CHECK(cudaMemcpyAsync(dst.get(), src.get(), bytes, cudaMemcpyDeviceToDevice, s));
      CUDA_CHECK(cudaEventRecord(stop.get(), s));
      return event_seconds(start, stop);
    };
    const int reps = reps_for_target(batch(1), kTransferSampleTarget_s, kTransferMaxReps);
    const auto seconds = timed_batches(ctx, [&] { return batch(reps); });

    RankResult r;
    std::vector<double> bw;
    for (double t : seconds) bw.push_back(2.0 * double(bytes) * reps / t);
    r.metrics.push_back(make_metric("copy_bandwidth", "B/s", std::move(bw)));

    DeviceBuffer bad(sizeof(unsigned long long));
    CUDA_CHECK(cudaMemsetAsync(bad.get(), 0, bad.bytes(), s));
    CUDA_CHECK(kernels::pattern_compare(dst.as<std::uint32_t>(), words, seed, bad.as<unsigned long long>(), s));
    unsigned long long mismatches = 0;
    CUDA_CHECK(cudaMemcpyAsync(&mismatches, bad.get(), sizeof mismatches, cudaMemcpyDeviceToHost, s));
    CUDA_CHECK(cudaStreamSynchronize(s));
    auto& v = r.verification;
    v.method = "pattern-compare";
    v.mismatches = std::int64_t(mismatches);
    v.max_error = double(mismatches);
    v.status = mismatches == 0 ? "passed" : "failed";
    v.detail = fmt::format("{} of {} 32-bit words differ from the seeded pattern", mismatches, words);
    r.info = {{"bytes", bytes},
              {"copies_per_sample", reps},
              {"bytes_counted", "read + written = 2 x bytes per copy"},
              {"device", dev_.describe()}};
    return r;
  }

 private:
  CudaDevice dev_;
};

}  // namespace

std::unique_ptr<Benchmark> make_device_copy_benchmark(const CudaDevice& dev) {
  return std::make_unique<DeviceCopyBenchmark>(dev);
}

}  // namespace capbench
