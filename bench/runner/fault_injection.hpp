#pragma once
// Planted faults, for tests of the runner's failure handling only. CAPBENCH_FAULT names one
// rank, one case and what goes wrong there:
//   CAPBENCH_FAULT="rank=2,case=3,kind=hang"       case as numbered by `capbench check` (1-based)
//   CAPBENCH_FAULT="rank=1,case=gemm/fp64/64x64x64,kind=exit"
//   CAPBENCH_FAULT="rank=0,case=1,kind=slow,seconds=2"
// kinds: throw (the case throws), hang (the rank stops answering, as a stuck kernel does),
// exit (the process is killed, as by the OOM killer), wrong (one output element is corrupted
// before the benchmark's own check), slow (the rank starts the case `seconds` late; default:
// half the case's timeout), flip (a storage read phase flips one byte of the stored file it
// reads, before reading it; the pattern check must name the file and offset), tear (rank 0
// only: it SIGKILLs itself halfway through writing the case into the results file, as a
// launcher's SIGKILL or the OOM killer can; `capreport salvage` must recover the cases before). Rank 0 reads the variable and sends it to every rank; the
// results file records it in run.environment so such a run is never taken for a real one.
#include <optional>
#include <string>

#include "common/suite.hpp"

namespace capbench {

enum class FaultKind { throw_error, hang, exit, wrong, slow, flip, tear };

struct FaultSpec {
  int rank = 0;
  int case_number = 0;  // 1-based; 0 when the case is named by id
  std::string case_id;
  FaultKind kind = FaultKind::throw_error;
  double seconds = 0;   // slow only; 0: half the case's timeout
  std::string text;     // the variable's value, as given

  bool applies(int my_rank, const PlannedCase& c) const {
    if (my_rank != rank) return false;
    return case_number > 0 ? c.index + 1 == case_number : c.id == case_id;
  }
};

inline constexpr const char* kFaultVariable = "CAPBENCH_FAULT";

std::string fault_kind_name(FaultKind k);

// Strict: every key once, known keys only, values of the right form. Throws
// std::invalid_argument with a message naming CAPBENCH_FAULT, the key and what was expected.
FaultSpec parse_fault_spec(const std::string& text);

// Checks the spec against the run: the rank exists, the case is in the plan.
void check_fault_against_plan(const FaultSpec& f, int nranks, const std::vector<PlannedCase>& plan);

// Acts out throw, hang, exit and slow on this rank at the start of the case (wrong is acted
// out by the benchmark through CaseContext::corrupt_result, tear by the results writer). `should_stop` is polled by slow.
void act_out_fault_before_case(const FaultSpec& f, const PlannedCase& c, bool (*should_stop)());

}  // namespace capbench
