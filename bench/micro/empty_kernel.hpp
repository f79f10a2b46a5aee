#pragma once
#include <cuda_runtime_api.h>

namespace capbench::micro {
// Launches one empty kernel (one thread) on `stream`; returns the launch status.
cudaError_t launch_empty_kernel(cudaStream_t stream);
}  // namespace capbench::micro
