#pragma once
// Samples thinned at the source. Above `--all-samples-up-to` ranks, every rank sends its case
// result with statistics only; rank 0, once it holds every rank's statistics, decides which
// ranks keep their samples (common/sample_retention: rank 0, the slowest and the fastest,
// the outliers, every rank not ok), tells every rank, and only those send their samples, point
// to point. The file holds exactly what thinning on rank 0 kept; the gather carries no
// sample of the other ranks. Each wait has a deadline: a kept rank that dies between the two
// exchanges is named, nothing hangs.
#include <string>
#include <vector>

#include "bench/comm/comm.hpp"
#include "common/results.hpp"

namespace capbench {

// Whether a run of `nranks` sends statistics first and the kept samples after.
bool thin_at_source(int nranks, int all_samples_up_to);

// The per-iteration samples of each metric, taken out of `r` (its statistics stay).
using MetricSamples = std::vector<std::vector<double>>;
MetricSamples take_samples(RankResult& r);
// Puts them back; false when they do not match r's metrics (count), which is then unchanged.
bool put_samples(RankResult& r, const MetricSamples& samples);
std::string samples_text(const MetricSamples& samples);
MetricSamples samples_from_text(const std::string& text);  // throws on malformed text

// The second exchange, on every rank after a complete gather of the statistics. On rank 0,
// `cr` holds every rank's result; the kept ranks' samples are put back into it (rank 0's from
// `mine`). Rank 0's deadline must come before the others'. missing_ranks: kept ranks whose
// samples did not come; incomplete without any named: the request did not reach every rank.
WaitResult exchange_kept_samples(Comm& comm, CaseResult* cr, const MetricSamples& mine, const Deadline& deadline,
                                 int tag);

}  // namespace capbench
