#include "bench/runner/case_assembly.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "bench/runner/sample_exchange.hpp"

namespace capbench {

void read_rank_payloads(CaseResult& cr, std::vector<std::string>& payloads) {
  cr.ranks.reserve(cr.ranks.size() + payloads.size());
  for (std::size_t r = 0; r < payloads.size(); ++r) {
    std::string& text = payloads[r];
    const std::string where = fmt::format("rank {} result of case {}", r, cr.id);
    try {
      cr.ranks.push_back(rank_result_from_json(json::parse(text), where, ""));
      cr.ranks.back().rank = static_cast<int>(r);
    } catch (const std::exception& e) {
      RankResult bad;
      bad.rank = static_cast<int>(r);
      bad.status = "failed";
      bad.error = std::string("unreadable result: ") + e.what();
      cr.ranks.push_back(std::move(bad));
    }
    std::string().swap(text);
  }
  std::vector<std::string>().swap(payloads);
}

void merge_kept_samples(CaseResult& cr, const std::vector<int>& sources, const std::vector<std::string>& texts) {
  for (std::size_t i = 0; i < sources.size() && i < texts.size(); ++i) {
    const auto at = static_cast<std::size_t>(sources[i]);
    if (at >= cr.ranks.size()) continue;
    RankResult& r = cr.ranks[at];
    try {
      if (!put_samples(r, samples_from_text(texts[i])))
        throw std::runtime_error("one list of samples per metric was expected");
    } catch (const std::exception& e) {
      if (r.status == "ok") {  // a rank already failed keeps the reason it failed for
        r.status = "failed";
        r.error = std::string("unreadable samples: ") + e.what();
      }
    }
  }
}

}  // namespace capbench
