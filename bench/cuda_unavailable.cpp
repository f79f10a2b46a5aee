// Linked where capbench was built without nvcc: the CUDA backend says why it cannot run.
#include <stdexcept>

#include "bench/backend.hpp"

namespace capbench {

Support cuda_backend_status() { return Support::no("this capbench was built without CUDA (nvcc not found)"); }

int cuda_visible_device_count() { return 0; }

std::unique_ptr<Backend> make_cuda_backend(const BackendOptions&, const Comm&) {
  throw std::runtime_error("this capbench was built without CUDA (nvcc not found)");
}

}  // namespace capbench
