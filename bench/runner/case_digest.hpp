#pragma once
// What rank 0 remembers of a case once it is in the results file: per rank its status, its
// verification and its headline figure (8 bytes), and the error text of the ranks that have
// one, instead of the whole RankResult (samples, telemetry, info). At 100,000 ranks and the
// acceptance suite's 49 cases: about 40 MB.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/results.hpp"

namespace capbench {

// A short word kept as its index in a small table, so that a digest is 40 bytes, not 100.
enum class RankStatus : std::uint8_t { ok, failed, skipped, timeout, missing, other };
enum class VerificationStatus : std::uint8_t { not_run, passed, failed, other };

struct RankDigest {
  RankStatus status = RankStatus::ok;
  VerificationStatus verification = VerificationStatus::not_run;
  bool has_headline = false;
  float headline = 0;  // median of the rank's first metric, when it has one
  bool ok() const { return status == RankStatus::ok; }
};

const char* to_string(RankStatus s);
const char* to_string(VerificationStatus s);

struct CaseDigest {
  int index = 0;
  std::string id, status;
  double wall_s = 0;
  std::vector<RankDigest> ranks;  // by rank
  std::vector<std::pair<int, std::string>> errors;  // (rank, error) of the ranks with one, by rank
  // The rank's error text; empty when it had none.
  const std::string& error(int rank) const;
};

CaseDigest digest_case(const CaseResult& c);

}  // namespace capbench
