#pragma once
// Which GEMM precisions each GPU model of the run was measured in, which its units cannot run
// (the ranks skipped them for the model's compute capability: T4 has no BF16, A100 no FP8), and
// which were not measured for another reason. A report never says "not measured" for what a
// model lacks.
#include <string>
#include <vector>

#include "reports/capacity/capacity.hpp"

namespace capbench {

struct PrecisionGap {
  std::string family;  // capacity family key, e.g. "fp8_e4m3" or "fp8_e4m3_fast_accum"
  std::string reason;  // one rank's reason, as recorded
};

struct ModelPrecisions {
  std::string model_key, label;
  int gpus = 0;   // distinct GPUs of the model: ranks sharing one count once
  int ranks = 0;  // the model's ranks
  std::vector<std::string> measured;     // families with at least one verified figure of this model
  std::vector<PrecisionGap> cannot;      // every rank of the model skipped it for its capability
  std::vector<PrecisionGap> not_measured;  // planned, but no verified figure for another reason
};

// True for the skip reason the CUDA backend gives when a GPU generation lacks the units
// (bench/cuda/gemm_rules.cpp: "... needs compute capability X.Y or newer (...); this GPU is A.B").
bool skip_means_model_lacks_it(const std::string& reason);

std::vector<ModelPrecisions> model_precisions(const Analysis& a);

// "384 NVIDIA T4: measured in FP64, FP32, FP16, INT8; cannot run TF32, BF16, FP8 (E4M3) (compute
// capability 7.5)" — one line per model, for the coverage block.
std::string describe(const ModelPrecisions& m);

}  // namespace capbench
