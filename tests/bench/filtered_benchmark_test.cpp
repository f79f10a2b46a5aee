#include "bench/filtered_benchmark.hpp"

#include <gtest/gtest.h>

#include "bench/collective/collective_benchmark.hpp"

using namespace capbench;

namespace {

// A benchmark whose every answer is known, to see which of them a wrapper passes on.
class KnownBenchmark final : public Benchmark {
 public:
  std::string key() const override { return "known"; }
  std::string description() const override { return "answers known in advance"; }
  Support filter(const PlannedCase& spec) const override {
    return spec.id == "refused" ? Support::no("the inner benchmark refuses it") : Support::yes();
  }
  RankResult run(const CaseContext&) override {
    RankResult r;
    r.status = "passed";
    return r;
  }
  std::string job_wide_basis() const override { return "the slowest rank"; }
  json job_wide_info() const override { return json{{"matrix", json::array({1, 2})}}; }
};

PlannedCase case_with_id(const std::string& id) {
  PlannedCase c;
  c.id = id;
  c.benchmark = "known";
  return c;
}

}  // namespace

// The CUDA backend wraps its collectives; a wrapper that dropped the basis made their figures,
// the same on every rank, land once per rank instead of once for the job.
TEST(FilteredBenchmark, AWrappedCollectiveKeepsItsJobWideBasis) {
  const CollectiveBenchmark plain(nullptr);
  const auto wrapped = with_extra_filter(std::make_unique<CollectiveBenchmark>(nullptr),
                                         [](const PlannedCase&) { return Support::yes(); });
  ASSERT_FALSE(plain.job_wide_basis().empty());
  EXPECT_EQ(wrapped->job_wide_basis(), plain.job_wide_basis());
  EXPECT_EQ(wrapped->key(), "collective");
}

TEST(FilteredBenchmark, PassesOnTheJobWideInfoKeyAndDescription) {
  const auto wrapped = with_extra_filter(std::make_unique<KnownBenchmark>(), [](const PlannedCase&) { return Support::yes(); });
  EXPECT_EQ(wrapped->job_wide_basis(), "the slowest rank");
  EXPECT_EQ(wrapped->job_wide_info(), (json{{"matrix", json::array({1, 2})}}));
  EXPECT_EQ(wrapped->key(), "known");
  EXPECT_EQ(wrapped->description(), "answers known in advance");
}

TEST(FilteredBenchmark, ItsOwnFilterIsAskedFirstThenTheInnerOne) {
  const auto wrapped = with_extra_filter(std::make_unique<KnownBenchmark>(), [](const PlannedCase& c) {
    return c.id == "shape" ? Support::no("the backend cannot do this shape") : Support::yes();
  });
  const Support shape = wrapped->filter(case_with_id("shape"));
  EXPECT_FALSE(shape.ok);
  EXPECT_EQ(shape.reason, "the backend cannot do this shape");
  const Support refused = wrapped->filter(case_with_id("refused"));
  EXPECT_FALSE(refused.ok);
  EXPECT_EQ(refused.reason, "the inner benchmark refuses it");
  EXPECT_TRUE(wrapped->filter(case_with_id("fine")).ok);
}

TEST(UnavailableBenchmark, SkipsEveryCaseWithItsReasonAndNeverRuns) {
  const auto b = unavailable_benchmark("lu", "capbench was built without cuSOLVER");
  EXPECT_EQ(b->key(), "lu");
  const Support s = b->filter(case_with_id("lu/fp64/n=1000"));
  EXPECT_FALSE(s.ok);
  EXPECT_EQ(s.reason, "capbench was built without cuSOLVER");
  EXPECT_NE(b->description().find("not in this build"), std::string::npos);
  EXPECT_TRUE(b->job_wide_basis().empty());
}
