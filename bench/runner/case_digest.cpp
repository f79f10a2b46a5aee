#include "bench/runner/case_digest.hpp"

#include <algorithm>

namespace capbench {

namespace {
RankStatus rank_status_of(const std::string& s) {
  if (s == "ok") return RankStatus::ok;
  if (s == "failed") return RankStatus::failed;
  if (s == "skipped") return RankStatus::skipped;
  if (s == "timeout") return RankStatus::timeout;
  if (s == "missing") return RankStatus::missing;
  return RankStatus::other;
}
VerificationStatus verification_status_of(const std::string& s) {
  if (s == "not_run") return VerificationStatus::not_run;
  if (s == "passed") return VerificationStatus::passed;
  if (s == "failed") return VerificationStatus::failed;
  return VerificationStatus::other;
}
}  // namespace

const char* to_string(RankStatus s) {
  switch (s) {
    case RankStatus::ok: return "ok";
    case RankStatus::failed: return "failed";
    case RankStatus::skipped: return "skipped";
    case RankStatus::timeout: return "timeout";
    case RankStatus::missing: return "missing";
    case RankStatus::other: break;
  }
  return "other";
}

const char* to_string(VerificationStatus s) {
  switch (s) {
    case VerificationStatus::not_run: return "not_run";
    case VerificationStatus::passed: return "passed";
    case VerificationStatus::failed: return "failed";
    case VerificationStatus::other: break;
  }
  return "other";
}

const std::string& CaseDigest::error(int rank) const {
  static const std::string none;
  const auto it = std::lower_bound(errors.begin(), errors.end(), rank,
                                   [](const std::pair<int, std::string>& e, int r) { return e.first < r; });
  return it != errors.end() && it->first == rank ? it->second : none;
}

CaseDigest digest_case(const CaseResult& c) {
  CaseDigest d;
  d.index = c.index;
  d.id = c.id;
  d.status = c.status.empty() ? derive_case_status(c.ranks) : c.status;
  d.wall_s = c.wall_s;
  d.ranks.resize(c.ranks.size());
  for (std::size_t i = 0; i < c.ranks.size(); ++i) {
    const RankResult& r = c.ranks[i];
    RankDigest& g = d.ranks[i];
    g.status = rank_status_of(r.status);
    g.verification = verification_status_of(r.verification.status);
    if (!r.error.empty()) d.errors.emplace_back(r.rank, r.error);
    if (!r.metrics.empty() && r.metrics.front().stats.n > 0) {
      g.headline = static_cast<float>(r.metrics.front().stats.median);
      g.has_headline = true;
    }
  }
  return d;
}

}  // namespace capbench
