#include "bench/runner/sample_exchange.hpp"

#include <stdexcept>

#include "bench/runner/case_assembly.hpp"
#include "common/sample_retention.hpp"
#include "common/utf8.hpp"

namespace capbench {

bool thin_at_source(int nranks, int all_samples_up_to) {
  return all_samples_up_to >= 0 && nranks > all_samples_up_to;
}

MetricSamples take_samples(RankResult& r) {
  MetricSamples s;
  s.reserve(r.metrics.size());
  for (auto& m : r.metrics) s.push_back(std::exchange(m.samples, {}));
  return s;
}

bool put_samples(RankResult& r, const MetricSamples& samples) {
  if (samples.size() != r.metrics.size()) return false;
  for (std::size_t i = 0; i < samples.size(); ++i) r.metrics[i].samples = samples[i];
  return true;
}

std::string samples_text(const MetricSamples& samples) { return json_text(json(samples)); }

MetricSamples samples_from_text(const std::string& text) {
  const json j = json::parse(text);
  if (!j.is_array()) throw std::runtime_error("samples: expected an array of arrays of numbers");
  MetricSamples s;
  for (const auto& m : j) {
    if (!m.is_array()) throw std::runtime_error("samples: expected an array of numbers per metric");
    std::vector<double> v;
    v.reserve(m.size());
    for (const auto& x : m) {
      if (!x.is_number()) throw std::runtime_error("samples: expected numbers");
      v.push_back(x.get<double>());
    }
    s.push_back(std::move(v));
  }
  return s;
}

WaitResult exchange_kept_samples(Comm& comm, CaseResult* cr, const MetricSamples& mine, const Deadline& deadline,
                                 int tag) {
  const bool root = comm.rank() == 0;
  std::string request;  // the kept ranks, as a JSON array
  std::vector<int> kept;
  if (root) {
    kept = ranks_keeping_samples(*cr);
    request = json_text(json(kept));
  }
  if (auto w = comm.broadcast(&request, deadline); !w.complete) return w;
  if (!root) kept = json::parse(request).get<std::vector<int>>();
  std::vector<int> sources;
  for (int r : kept)
    if (r != 0) sources.push_back(r);
  std::vector<std::string> texts;
  WaitResult w = comm.gather_from(sources, root ? std::string() : samples_text(mine), &texts, deadline, tag);
  if (!root || !w.complete) return w;
  put_samples(cr->ranks.front(), mine);
  merge_kept_samples(*cr, sources, texts);
  return w;
}

}  // namespace capbench
