#include "bench/runner/launch_check.hpp"

#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/gpu_sharing.hpp"

namespace capbench {

namespace {
std::optional<int> env_int(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  char* end = nullptr;
  const long x = std::strtol(v, &end, 10);
  if (*end != '\0' || x <= 0 || x > 10000000) return std::nullopt;
  return static_cast<int>(x);
}
}  // namespace

std::optional<LauncherSize> launcher_world_size() {
  // Open MPI's mpirun, MPICH/Intel hydra, MVAPICH, then a Slurm job step (srun).
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "MV2_COMM_WORLD_SIZE", "PMIX_SIZE"}) {
    if (auto n = env_int(var)) return LauncherSize{*n, var};
  }
  // SLURM_STEP_NUM_TASKS exists inside an srun step; the batch script's own step is not one.
  const char* step = std::getenv("SLURM_STEP_ID");
  if (step && std::string(step) != "4294967294" && std::string(step) != "batch") {
    if (auto n = env_int("SLURM_STEP_NUM_TASKS")) return LauncherSize{*n, "SLURM_STEP_NUM_TASKS"};
  }
  return std::nullopt;
}

std::optional<std::string> launcher_mismatch(int mpi_world_size) {
  const auto l = launcher_world_size();
  if (!l || l->size == mpi_world_size) return std::nullopt;
  return fmt::format(
      "the launcher started {} processes ({}={}) but MPI reports a world of {}: this capbench was built "
      "against a different MPI than the one launching it, so every process would run alone. Rebuild "
      "capbench with the launcher's MPI (or launch with the mpirun of the MPI it was built with).",
      l->size, l->variable, l->size, mpi_world_size);
}

std::vector<std::string> shared_gpu_warnings(const std::vector<RankIdentity>& ranks) {
  std::vector<std::string> out;
  for (const auto& g : shared_gpus(ranks))
    out.push_back(fmt::format(
        "ranks {} on host {} share GPU {}: each figure is a share of one GPU (the report keeps them out of its "
        "sums), and NCCL refuses a communicator with two ranks on one GPU, so collective cases will fail. "
        "Launch one rank per GPU.",
        fmt::join(g.ranks, ", "), g.host, g.device));
  return out;
}

}  // namespace capbench
