#pragma once
// Feasibility at plan time: the memory a case's buffers take, against the memory there is.
// A case that cannot fit is refused before anything runs (`capbench check` and `run`, exit 2),
// with the bytes it needs and the bytes available, never a std::bad_alloc mid-run.
#include <cstdint>
#include <optional>
#include <string>

#include "common/suite.hpp"

namespace capbench {

struct CaseMemory {
  std::uint64_t host_bytes = 0;    // on the host (the CPU backend's buffers, pinned host buffers)
  std::uint64_t device_bytes = 0;  // on the GPU, under the CUDA backend
  std::string basis;               // how the figure was formed, for the message
};

// The case's largest buffers (a lower bound: library workspaces come on top). Under the CPU
// backend everything lives on the host; `cuda` says where the CUDA backend puts each buffer.
CaseMemory case_memory(const PlannedCase& c, bool cuda);

// This host's physical memory (sysconf), 0 when unknown.
std::uint64_t host_memory_bytes();

// The first case of the suite that cannot fit, as a message naming it, the bytes it needs and
// the bytes available; nullopt when all fit. `ranks_sharing` ranks divide the host's memory.
// `device_bytes` 0: the device is not checked.
std::optional<std::string> first_infeasible_case(const Suite& s, bool cuda, std::uint64_t host_bytes,
                                                 int ranks_sharing, std::uint64_t device_bytes,
                                                 const std::string& device_name);

}  // namespace capbench
