#pragma once
// A binary whose MPI does not match the launcher starts N independent one-rank jobs that
// all write results. Catch that before anything runs.
#include <optional>
#include <string>

namespace capbench {

struct LauncherSize {
  int size = 0;
  std::string variable;  // the environment variable that said so
};

// What the launcher (mpirun, srun, hydra) says the world size is, if anything.
std::optional<LauncherSize> launcher_world_size();

// A message when MPI's world size disagrees with the launcher's; nullopt when consistent.
std::optional<std::string> launcher_mismatch(int mpi_world_size);

}  // namespace capbench
