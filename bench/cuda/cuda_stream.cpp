// STREAM on the GPU: kernels in kernels/stream.cu, timed with CUDA events, checked on the
// device against the replayed factors.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "bench/cuda/candidate_choice.hpp"
#include "bench/cuda/cuda_backend.hpp"
#include "bench/cuda/device_memory.hpp"
#include "bench/cuda/stream_launches.hpp"
#include "common/stats.hpp"
#include "kernels/kernels.hpp"

namespace capbench {

namespace {

// Choosing each op's launch shape (kStreamLaunchShapes): every shape is launched once untimed,
// then timed in kChoiceRounds interleaved rounds of about kChoiceRound_s; a shape's time is its
// median round, and the first shape is kept unless another is faster by kChoiceMargin. Memory
// bandwidth hardly moves with the clock, so the margin is smaller than GEMM's.
constexpr int kChoiceRounds = 5;
constexpr double kChoiceRound_s = 0.5e-3;
constexpr double kChoiceMargin = 0.01;
constexpr int kOps = 4;  // copy, mul, add, triad; dot keeps the first shape (one partial per block)
constexpr const char* kOpNames[kOps] = {"copy", "mul", "add", "triad"};

class CudaStreamImpl final : public StreamImpl {
 public:
  CudaStreamImpl(CudaDevice dev, int ranks_on_device) : dev_(std::move(dev)), ranks_on_device_(ranks_on_device) {}
  ~CudaStreamImpl() override { release(); }

  Support supports(const std::string& precision) const override {
    return precision == "fp64" || precision == "fp32" ? Support::yes()
                                                      : Support::no("stream runs in fp64 and fp32 only");
  }

  std::int64_t auto_elements(const std::string& precision, double llc_multiple) const override {
    const double elem = precision == "fp64" ? 8.0 : 4.0;
    const double bytes = llc_multiple * double(std::max<std::int64_t>(dev_.l2_bytes, 1 << 20));
    return std::max<std::int64_t>(std::int64_t(std::ceil(bytes / elem)), 1 << 20);
  }

  void prepare(const std::string& precision, std::int64_t n, std::uint64_t seed) override {
    release();
    CUDA_CHECK(cudaSetDevice(dev_.ordinal));
    fp64_ = precision == "fp64";
    n_ = n;
    seed_ = seed;
    const std::size_t bytes = std::size_t(n) * (fp64_ ? 8 : 4);
    a_ = DeviceBuffer(bytes);
    b_ = DeviceBuffer(bytes);
    c_ = DeviceBuffer(bytes);
    grid_ = stream_launch(kStreamLaunchShapes[0], dev_.sm_count).grid;
    partials_ = DeviceBuffer(std::size_t(grid_ + 1) * sizeof(double));
    stream_ = std::make_unique<CudaStream>();
    CUDA_CHECK(kernels::stream_init(fp64_, a_.get(), b_.get(), c_.get(), n_, seed_, grid_, stream_->get()));
    choose_launches();
    // The choice moved the values on: the case's passes and their check start from the seed.
    CUDA_CHECK(kernels::stream_init(fp64_, a_.get(), b_.get(), c_.get(), n_, seed_, grid_, stream_->get()));
    CUDA_CHECK(cudaStreamSynchronize(stream_->get()));
  }

  double time_batch(StreamKernel k, int reps) override {
    const cudaStream_t s = stream_->get();
    CudaEvent start, stop;
    CUDA_CHECK(cudaEventRecord(start.get(), s));
    for (int r = 0; r < reps; ++r) {
      if (k == StreamKernel::dot)
        CUDA_CHECK(kernels::stream_dot(fp64_, a_.get(), b_.get(), n_, partials_.as<double>(),
                                       partials_.as<double>() + grid_, grid_, s));
      else
        CUDA_CHECK(kernels::stream_op(fp64_, int(k), a_.get(), b_.get(), c_.get(), n_, kStreamScalar,
                                      launches_[std::size_t(k)], s));
    }
    CUDA_CHECK(cudaEventRecord(stop.get(), s));
    const double t = event_seconds(start, stop);
    if (k == StreamKernel::dot)
      CUDA_CHECK(cudaMemcpy(&dot_, partials_.as<double>() + grid_, sizeof dot_, cudaMemcpyDeviceToHost));
    return t;
  }

  double last_dot() const override { return dot_; }

  StreamCheck check(const StreamExpectation& e) override {
    const cudaStream_t s = stream_->get();
    DeviceBuffer counts(sizeof(kernels::StreamCheckCounts));
    CUDA_CHECK(cudaMemsetAsync(counts.get(), 0, counts.bytes(), s));
    CUDA_CHECK(kernels::stream_check(fp64_, a_.get(), b_.get(), c_.get(), n_, seed_, e.a_factor, e.b_factor,
                                     e.c_factor, e.rel_tolerance, counts.as<kernels::StreamCheckCounts>(), grid_, s));
    kernels::StreamCheckCounts h{};
    CUDA_CHECK(cudaMemcpyAsync(&h, counts.get(), sizeof h, cudaMemcpyDeviceToHost, s));
    CUDA_CHECK(cudaStreamSynchronize(s));
    StreamCheck out;
    out.mismatches = std::int64_t(h.mismatches);
    std::memcpy(&out.max_rel_error, &h.worst_bits, sizeof(double));
    out.expected_dot = h.expected_dot;
    return out;
  }

  json info() const override {
    return {{"device", dev_.describe()},
            {"l2_bytes", dev_.l2_bytes},
            {"grid_blocks", grid_},
            {"block_threads", 256},
            {"vector_bytes", 16},
            {"launch", launch_names_},
            {"launch_choice", launch_choice_},
            {"ranks_on_device", ranks_on_device_}};
  }

  void release() override {
    if (stream_) cudaStreamSynchronize(stream_->get());
    a_.reset();
    b_.reset();
    c_.reset();
    partials_.reset();
    stream_.reset();
  }

 private:
  // Times one op in every launch shape, interleaved, and keeps the one choose_candidate picks.
  void choose_launches() {
    const cudaStream_t s = stream_->get();
    constexpr std::size_t shapes = std::size(kStreamLaunchShapes);
    launch_names_ = json::object();
    launch_names_["dot"] = kStreamLaunchShapes[0].name;
    json candidates = json::array();
    for (int op = 0; op < kOps; ++op) {
      auto run = [&](std::size_t i, int reps) {
        CudaEvent start, stop;
        CUDA_CHECK(cudaEventRecord(start.get(), s));
        for (int r = 0; r < reps; ++r)
          CUDA_CHECK(kernels::stream_op(fp64_, op, a_.get(), b_.get(), c_.get(), n_, kStreamScalar,
                                        stream_launch(kStreamLaunchShapes[i], dev_.sm_count), s));
        CUDA_CHECK(cudaEventRecord(stop.get(), s));
        return event_seconds(start, stop) / reps;
      };
      std::vector<int> reps(shapes);
      for (std::size_t i = 0; i < shapes; ++i) {
        run(i, 1);  // the first launch of a kernel loads it
        reps[i] = std::clamp(int(std::ceil(kChoiceRound_s / std::max(run(i, 1), 1e-7))), 1, 64);
      }
      std::vector<std::vector<double>> rounds(shapes);
      for (int round = 0; round < kChoiceRounds; ++round)
        for (std::size_t i = 0; i < shapes; ++i) rounds[i].push_back(run(i, reps[i]));
      std::vector<double> medians(shapes);
      for (std::size_t i = 0; i < shapes; ++i) {
        medians[i] = median(rounds[i]);
        candidates.push_back({{"op", kOpNames[op]}, {"shape", kStreamLaunchShapes[i].name},
                              {"seconds_per_launch", medians[i]}, {"launches_per_round", reps[i]},
                              {"rounds", kChoiceRounds}});
      }
      const int best = std::max(choose_candidate(medians, kChoiceMargin), 0);
      launches_[std::size_t(op)] = stream_launch(kStreamLaunchShapes[std::size_t(best)], dev_.sm_count);
      launch_names_[kOpNames[op]] = kStreamLaunchShapes[std::size_t(best)].name;
    }
    launch_choice_ = {{"rule", fmt::format("the first shape unless another is over {:.0f} % faster, each timed in {} "
                                           "interleaved rounds of about {:.1f} ms (median)",
                                           kChoiceMargin * 100, kChoiceRounds, kChoiceRound_s * 1e3)},
                      {"candidates", std::move(candidates)}};
  }

  CudaDevice dev_;
  int ranks_on_device_;
  bool fp64_ = true;
  std::int64_t n_ = 0;
  std::uint64_t seed_ = 0;
  int grid_ = 1;  // the first shape's grid: dot, the fill and the check
  std::array<kernels::StreamLaunch, kOps> launches_{};
  json launch_names_ = json::object(), launch_choice_ = json::object();
  double dot_ = 0;
  DeviceBuffer a_, b_, c_, partials_;
  std::unique_ptr<CudaStream> stream_;
};

}  // namespace

std::unique_ptr<StreamImpl> make_cuda_stream(const CudaDevice& dev, int ranks_on_device) {
  return std::make_unique<CudaStreamImpl>(dev, ranks_on_device);
}

}  // namespace capbench
