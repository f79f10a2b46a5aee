#pragma once
// Rank 0's side of a case once the gather is complete: every rank's text read into the case
// record, each text freed as soon as it is read, so that rank 0 holds the case once (as
// records), not twice (records and texts). Shared by the runner and the gather simulation
// (tests/tools/capbench_gather_sim).
#include <string>
#include <vector>

#include "common/results.hpp"

namespace capbench {

// Appends one RankResult per payload, in rank order, to cr.ranks; a text that does not read
// becomes a failed rank saying why. Empties `payloads`.
void read_rank_payloads(CaseResult& cr, std::vector<std::string>& payloads);

// Puts the samples each of `sources` sent (texts[i] from sources[i]) back into its result; a
// text that does not read, or does not match the rank's metrics, fails that rank.
void merge_kept_samples(CaseResult& cr, const std::vector<int>& sources, const std::vector<std::string>& texts);

}  // namespace capbench
