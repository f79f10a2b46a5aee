#include "bench/collective/collective_benchmark.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "bench/release_guard.hpp"
#include "bench/timing.hpp"

namespace capbench {

CollectiveShape collective_shape(Collective op, std::int64_t requested_bytes, int nranks, int elem_bytes) {
  CollectiveShape s;
  const std::int64_t elems = std::max<std::int64_t>(requested_bytes / elem_bytes, 1);
  switch (op) {
    case Collective::all_reduce:
    case Collective::broadcast:
    case Collective::reduce:
    case Collective::sendrecv:
      s.send_count = s.recv_count = elems;
      s.size_bytes = elems * elem_bytes;
      break;
    case Collective::all_gather: {
      const std::int64_t per_rank = std::max<std::int64_t>(elems / nranks, 1);
      s.send_count = per_rank;
      s.recv_count = per_rank * nranks;
      s.size_bytes = s.recv_count * elem_bytes;
      break;
    }
    case Collective::reduce_scatter: {
      const std::int64_t per_rank = std::max<std::int64_t>(elems / nranks, 1);
      s.send_count = per_rank * nranks;
      s.recv_count = per_rank;
      s.size_bytes = s.send_count * elem_bytes;
      break;
    }
    case Collective::alltoall: {
      const std::int64_t per_peer = std::max<std::int64_t>(elems / nranks, 1);
      s.send_count = s.recv_count = per_peer * nranks;
      s.size_bytes = s.send_count * elem_bytes;
      break;
    }
  }
  return s;
}

Support CollectiveBenchmark::filter(const PlannedCase& spec) const {
  const auto op = collective_from_key(spec.params.at("operation").get<std::string>());
  return impl_->supports(*op, spec.params.at("dtype").get<std::string>());
}

RankResult CollectiveBenchmark::run(const CaseContext& ctx) {
  const auto& p = ctx.spec.params;
  const Collective op = *collective_from_key(p.at("operation").get<std::string>());
  const std::string dtype = p.at("dtype").get<std::string>();
  const int elem_bytes = dtype == "fp64" ? 8 : 4;
  const bool in_place = p.at("in_place").get<bool>();
  const int batch = p.at("batch").get<int>();
  const int n = ctx.comm.size();
  const SlowRank slow = SlowRank::from(ctx.spec);

  ReleaseGuard<CollectiveImpl> guard{*impl_};

  RankResult r;
  Verification& v = r.verification;
  v.method = "exact-integer-inputs";
  v.status = "passed";
  json sizes_done = json::array();
  for (const auto& requested : p.at("sizes")) {
    const auto shape = collective_shape(op, requested.get<std::int64_t>(), n, elem_bytes);
    impl_->prepare(op, dtype, shape, in_place, ctx.case_seed);
    // Every blocking collective below is entered only after a bounded barrier, so a peer that
    // hung or failed before it is detected at the deadline instead of blocking this rank.
    auto meet_peers = [&] {
      const auto w = ctx.comm.barrier(ctx.deadline);
      if (!w.complete) throw CaseTimeout(w.interrupted ? "stopped by a signal" : "deadline passed waiting for peers");
    };
    meet_peers();
    for (int i = 0; i < ctx.spec.warmup; ++i) impl_->time_batch(batch);
    std::vector<double> time, algbw, busbw;
    for (int i = 0; i < ctx.spec.iterations; ++i) {
      // Start every sample together, so a sample measures the collective, not a late peer.
      meet_peers();
      time.push_back(slow.apply(ctx.comm.rank(), impl_->time_batch(batch)) / batch);
    }
    // The operation is done when the last rank is done: each sample is the slowest rank's time,
    // the same figure on every rank (nccl-tests reports one time per size for the whole job).
    meet_peers();
    if (const auto w = ctx.comm.all_max(&time, ctx.deadline); !w.complete)
      throw CaseTimeout(w.interrupted ? "stopped by a signal" : "deadline passed combining the ranks' times");
    for (const double t : time) {
      algbw.push_back(algbw_bytes_per_s(double(shape.size_bytes), t));
      busbw.push_back(busbw_bytes_per_s(op, n, double(shape.size_bytes), t));
    }
    const json labels = {{"size_bytes", shape.size_bytes}};
    r.metrics.push_back(make_metric("time", "s", std::move(time), labels));
    r.metrics.push_back(make_metric("algbw", "B/s", std::move(algbw), labels));
    r.metrics.push_back(make_metric("busbw", "B/s", std::move(busbw), labels));
    meet_peers();
    const Verification vs = impl_->verify();
    v.mismatches += vs.mismatches;
    v.max_error = std::max(v.max_error, vs.max_error);
    if (vs.status != "passed") {
      v.status = "failed";
      v.detail += fmt::format("{}size {} B: {}", v.detail.empty() ? "" : "; ", shape.size_bytes, vs.detail);
    }
    sizes_done.push_back(shape.size_bytes);
    if (ctx.deadline.expired()) throw CaseTimeout("deadline passed in the size sweep");
  }
  if (v.status == "passed")
    v.detail = fmt::format("every element of every size matched exactly ({} sizes)", sizes_done.size());
  r.info = impl_->info();
  r.info["bus_factor"] = bus_factor(op, n);
  r.info["size_meaning"] = std::string(collective_info(op).size_meaning);
  r.info["sizes_bytes"] = sizes_done;
  return r;
}

}  // namespace capbench
