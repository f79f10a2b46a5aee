#pragma once
// The launch shapes a STREAM copy, mul, add or triad kernel may run in on the GPU. Each op of a
// case is timed in every shape before the case is measured and runs in the fastest
// (bench/cuda/cuda_stream.cpp); the first is the shape every op had before there was a choice.
#include <algorithm>

#include "kernels/kernels.hpp"

namespace capbench {

struct StreamLaunchShape {
  const char* name;
  int blocks_per_sm;       // grid-stride shapes: blocks of 256 threads per SM
  int vectors_per_thread;  // tiled shapes (kernels::StreamLaunch); 0 for grid-stride
};

inline constexpr StreamLaunchShape kStreamLaunchShapes[] = {
    {"grid-stride, 4 blocks of 256 threads per SM", 4, 0},
    {"grid-stride, 8 blocks of 256 threads per SM", 8, 0},
    {"tiled, 1 vector of 16 bytes per thread", 0, 1},
    {"tiled, 2 vectors of 16 bytes per thread", 0, 2},
    {"tiled, 4 vectors of 16 bytes per thread", 0, 4},
};

inline kernels::StreamLaunch stream_launch(const StreamLaunchShape& shape, int sm_count) {
  return {std::max(1, sm_count * std::max(shape.blocks_per_sm, 1)), shape.vectors_per_thread};
}

}  // namespace capbench
