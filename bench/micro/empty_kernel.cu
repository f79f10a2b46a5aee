// An empty kernel, for launch latency: nothing but the launch and its completion is timed.
#include "bench/micro/empty_kernel.hpp"

namespace capbench::micro {

__global__ void empty_kernel() {}

cudaError_t launch_empty_kernel(cudaStream_t stream) {
  empty_kernel<<<1, 1, 0, stream>>>();
  return cudaGetLastError();
}

}  // namespace capbench::micro
