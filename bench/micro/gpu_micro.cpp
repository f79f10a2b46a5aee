// GPU micro-benchmarks (built with CUDA only; skipped at run time where no GPU is present):
// kernel launch latency, GEMM shapes through the CUDA backend's GemmImpl, cudaMemcpy sizes.
#include <benchmark/benchmark.h>
#include <cuda_runtime_api.h>
#include <unistd.h>

#include <cstring>
#include <random>
#include <vector>

#include "bench/cuda/cuda_backend.hpp"
#include "bench/micro/empty_kernel.hpp"
#include "common/precision.hpp"

namespace capbench::micro {
namespace {

// False (and the benchmark marked skipped with the reason) where no CUDA device can be used.
bool have_gpu(benchmark::State& state) {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess || n == 0) {
    state.SkipWithError(e != cudaSuccess ? cudaGetErrorString(e) : "no CUDA device");
    return false;
  }
  return true;
}

bool ok(benchmark::State& state, cudaError_t e) {
  if (e == cudaSuccess) return true;
  state.SkipWithError(cudaGetErrorString(e));
  return false;
}

// One launch and its completion, end to end, as the host sees it.
void BM_KernelLaunchSync(benchmark::State& state) {
  if (!have_gpu(state)) return;
  cudaStream_t s{};
  if (!ok(state, cudaStreamCreate(&s))) return;
  for (auto _ : state) {
    if (!ok(state, launch_empty_kernel(s)) || !ok(state, cudaStreamSynchronize(s))) break;
  }
  cudaStreamDestroy(s);
  state.SetItemsProcessed(state.iterations());  // launches
}
BENCHMARK(BM_KernelLaunchSync)->Unit(benchmark::kMicrosecond)->UseRealTime();

// Back-to-back launches, one synchronisation per batch: the launch rate the host sustains.
void BM_KernelLaunchThroughput(benchmark::State& state) {
  if (!have_gpu(state)) return;
  cudaStream_t s{};
  if (!ok(state, cudaStreamCreate(&s))) return;
  const int per_batch = int(state.range(0));
  for (auto _ : state) {
    for (int i = 0; i < per_batch; ++i)
      if (!ok(state, launch_empty_kernel(s))) break;
    if (!ok(state, cudaStreamSynchronize(s))) break;
  }
  cudaStreamDestroy(s);
  state.SetItemsProcessed(state.iterations() * per_batch);
}
BENCHMARK(BM_KernelLaunchThroughput)->Arg(1000)->Unit(benchmark::kMicrosecond)->UseRealTime();

// GEMM through the backend's GemmImpl: args precision index (0 fp64, 1 bf16), m = n = k.
void BM_CudaGemm(benchmark::State& state) {
  if (!have_gpu(state)) return;
  const Precision p = state.range(0) == 0 ? Precision::fp64 : Precision::bf16;
  const std::int64_t dim = state.range(1);
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  try {
    auto impl = make_cuda_gemm(open_cuda_device(0, host));
    if (auto sup = impl->supports(p); !sup.ok) {
      state.SkipWithError(sup.reason.c_str());
      return;
    }
    GemmProblem problem;
    problem.precision = p;
    problem.m = problem.n = problem.k = dim;
    problem.seed = 0xC0DEull + std::uint64_t(dim);
    impl->prepare(problem);
    const int batch = impl->default_batch();
    for (auto _ : state) state.SetIterationTime(impl->time_batch(batch));
    const Verification v = impl->verify(0x5EEDull);
    if (v.status != "passed") state.SkipWithError(("verification failed: " + v.detail).c_str());
    impl->release();
    const double ops = 2.0 * double(dim) * double(dim) * double(dim) * batch;
    state.counters["FLOP/s"] = benchmark::Counter(ops * double(state.iterations()), benchmark::Counter::kIsRate);
    state.SetLabel(std::string(precision_info(p).key));
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}
BENCHMARK(BM_CudaGemm)
    ->ArgsProduct({{0, 1}, {1024, 2048, 4096, 8192}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// cudaMemcpy between pinned host memory and the device; arg 0: host to device, 1: back.
void BM_CudaMemcpy(benchmark::State& state) {
  if (!have_gpu(state)) return;
  const bool to_device = state.range(0) == 0;
  const std::size_t bytes = std::size_t(state.range(1));
  void *host = nullptr, *check = nullptr, *dev = nullptr;
  if (!ok(state, cudaMallocHost(&host, bytes)) || !ok(state, cudaMallocHost(&check, bytes)) ||
      !ok(state, cudaMalloc(&dev, bytes))) {
    cudaFreeHost(host);
    cudaFreeHost(check);
    return;
  }
  std::mt19937_64 rng(bytes);
  auto* words = static_cast<std::uint64_t*>(host);
  for (std::size_t i = 0; i < bytes / 8; ++i) words[i] = rng();
  if (!to_device) ok(state, cudaMemcpy(dev, host, bytes, cudaMemcpyHostToDevice));
  for (auto _ : state) {
    const cudaError_t e = to_device ? cudaMemcpy(dev, host, bytes, cudaMemcpyHostToDevice)
                                    : cudaMemcpy(check, dev, bytes, cudaMemcpyDeviceToHost);
    if (!ok(state, e)) break;
  }
  // The bytes must have arrived intact, whichever way they went.
  if (to_device) ok(state, cudaMemcpy(check, dev, bytes, cudaMemcpyDeviceToHost));
  if (std::memcmp(host, check, bytes) != 0) state.SkipWithError("copied bytes differ from the source");
  cudaFree(dev);
  cudaFreeHost(host);
  cudaFreeHost(check);
  state.SetBytesProcessed(std::int64_t(bytes) * state.iterations());
  state.SetLabel(to_device ? "host_to_device" : "device_to_host");
}
BENCHMARK(BM_CudaMemcpy)
    ->ArgsProduct({{0, 1}, {4 << 10, 256 << 10, 16 << 20, 256 << 20}})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace capbench::micro
