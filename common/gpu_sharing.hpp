#pragma once
// Which ranks share one GPU. capbench runs one rank per GPU; where a launch puts two ranks on
// one device, each rank's figure is a share of that GPU, not a GPU's figure, and NCCL refuses
// a communicator with two ranks on one device. The runner warns of it, and the reports keep
// such figures out of every sum, median and projection.
#include <string>
#include <vector>

#include "common/results.hpp"

namespace capbench {

// What names one GPU across ranks: "HOST/UUID", else "HOST/PCI BUS ID". Empty for a rank that
// is not on a CUDA device, or whose device recorded neither: such a rank is taken to be alone.
std::string gpu_device_key(const RankIdentity& r);

struct SharedGpu {
  std::string host, device;  // the device as recorded: its UUID, else its PCI bus id
  std::vector<int> ranks;    // two or more, ascending
};

// Every GPU that more than one rank ran on, in the order of its lowest rank.
std::vector<SharedGpu> shared_gpus(const std::vector<RankIdentity>& ranks);

}  // namespace capbench
