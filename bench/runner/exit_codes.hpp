#pragma once
// capbench's exit codes, for schedulers and scripts.
namespace capbench {
inline constexpr int kExitOk = 0;           // every case passed on every rank (or was skipped with a reason)
inline constexpr int kExitFailed = 1;       // a case failed, a check failed, or a rank hung, died or was stopped
inline constexpr int kExitUsage = 2;        // bad command line or configuration: nothing ran
inline constexpr int kExitEnvironment = 3;  // the requested backend or launcher cannot work here: nothing ran
}  // namespace capbench
