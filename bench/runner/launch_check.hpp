#pragma once
// A binary whose MPI does not match the launcher starts N independent one-rank jobs that
// all write results. Catch that before anything runs.
#include <optional>
#include <string>
#include <vector>

#include "common/results.hpp"

namespace capbench {

struct LauncherSize {
  int size = 0;
  std::string variable;  // the environment variable that said so
};

// What the launcher (mpirun, srun, hydra) says the world size is, if anything.
std::optional<LauncherSize> launcher_world_size();

// A message when MPI's world size disagrees with the launcher's; nullopt when consistent.
std::optional<std::string> launcher_mismatch(int mpi_world_size);

// One message per GPU that more than one rank of a host uses (same host and PCI bus id): more
// ranks than GPUs on a node. Their figures share the GPU, and NCCL refuses such a communicator
// ("invalid usage"), so every collective case fails. Empty when each rank has its own GPU or
// the devices have no bus id (the CPU backend).
std::vector<std::string> shared_gpu_warnings(const std::vector<RankIdentity>& ranks);

}  // namespace capbench
