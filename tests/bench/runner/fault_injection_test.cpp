#include "bench/runner/fault_injection.hpp"

#include <gtest/gtest.h>

namespace capbench {
namespace {

std::string error_of(const std::string& text) {
  try {
    parse_fault_spec(text);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

PlannedCase planned(int index, std::string id) {
  PlannedCase c;
  c.index = index;
  c.id = std::move(id);
  c.timeout_s = 4;
  return c;
}

TEST(FaultInjection, ParsesEveryKind) {
  EXPECT_EQ(parse_fault_spec("rank=2,case=1,kind=hang").kind, FaultKind::hang);
  EXPECT_EQ(parse_fault_spec("rank=2,case=1,kind=throw").kind, FaultKind::throw_error);
  EXPECT_EQ(parse_fault_spec("rank=2,case=1,kind=exit").kind, FaultKind::exit);
  EXPECT_EQ(parse_fault_spec("rank=2,case=1,kind=wrong").kind, FaultKind::wrong);
  EXPECT_EQ(parse_fault_spec("rank=1,case=storage/easy_read,kind=flip").kind, FaultKind::flip);
  EXPECT_EQ(parse_fault_spec("rank=0,case=2,kind=tear").kind, FaultKind::tear);
  const auto slow = parse_fault_spec("kind=slow,seconds=1.5,case=3,rank=0");
  EXPECT_EQ(slow.kind, FaultKind::slow);
  EXPECT_DOUBLE_EQ(slow.seconds, 1.5);
  EXPECT_EQ(slow.case_number, 3);
  EXPECT_EQ(slow.rank, 0);
}

TEST(FaultInjection, CaseByNumberIsOneBasedAndByIdIsExact) {
  const auto by_number = parse_fault_spec("rank=1,case=2,kind=throw");
  EXPECT_FALSE(by_number.applies(1, planned(0, "a")));
  EXPECT_TRUE(by_number.applies(1, planned(1, "b")));
  EXPECT_FALSE(by_number.applies(0, planned(1, "b")));  // another rank
  const auto by_id = parse_fault_spec("rank=1,case=gemm/fp64/64x64x64,kind=throw");
  EXPECT_TRUE(by_id.applies(1, planned(7, "gemm/fp64/64x64x64")));
  EXPECT_FALSE(by_id.applies(1, planned(7, "gemm/fp64/64x64x6")));
}

TEST(FaultInjection, RejectsMalformedValuesNamingTheVariable) {
  for (const char* bad : {"", "rank=1", "rank=1,case=1", "rank=x,case=1,kind=hang", "rank=-1,case=1,kind=hang",
                          "rank=1,case=1,kind=explode", "rank=1,case=0,kind=hang", "rank=1,case=1,kind=hang,x=1",
                          "rank=1,rank=2,case=1,kind=hang", "rank=1,case=1,kind=hang,seconds=2",
                          "rank=1,case=1,kind=slow,seconds=0", "rank=1,case=1,kind=slow,seconds=nan",
                          "rank=1,case=1,kind=slow,seconds=1e9", "rank=1,case=1,kind=hang,", "rank=1,case=,kind=hang",
                          "=1,case=1,kind=hang", "rank=1;case=1;kind=hang", "rank=99999999999,case=1,kind=hang"}) {
    const std::string e = error_of(bad);
    EXPECT_NE(e.find("CAPBENCH_FAULT"), std::string::npos) << "accepted: '" << bad << "'";
  }
  EXPECT_NE(error_of("rank=1,case=1,kind=explode").find("throw, hang, exit, wrong, slow"), std::string::npos);
  EXPECT_NE(error_of("rank=1,case=1,kind=hang,x=1").find("unknown key \"x\""), std::string::npos);
}

TEST(FaultInjection, ChecksRankAndCaseAgainstThePlan) {
  const std::vector<PlannedCase> plan{planned(0, "a/b"), planned(1, "c/d")};
  EXPECT_NO_THROW(check_fault_against_plan(parse_fault_spec("rank=3,case=2,kind=hang"), 4, plan));
  EXPECT_NO_THROW(check_fault_against_plan(parse_fault_spec("rank=0,case=a/b,kind=hang"), 4, plan));
  EXPECT_THROW(check_fault_against_plan(parse_fault_spec("rank=4,case=1,kind=hang"), 4, plan),
               std::invalid_argument);
  EXPECT_THROW(check_fault_against_plan(parse_fault_spec("rank=0,case=3,kind=hang"), 4, plan),
               std::invalid_argument);
  EXPECT_THROW(check_fault_against_plan(parse_fault_spec("rank=0,case=x/y,kind=hang"), 4, plan),
               std::invalid_argument);
  // Only rank 0 writes the results file, so only rank 0 can be killed in the middle of writing it.
  EXPECT_NO_THROW(check_fault_against_plan(parse_fault_spec("rank=0,case=2,kind=tear"), 4, plan));
  try {
    check_fault_against_plan(parse_fault_spec("rank=1,case=2,kind=tear"), 4, plan);
    ADD_FAILURE() << "kind=tear accepted on rank 1";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("rank must be 0"), std::string::npos) << e.what();
  }
}

TEST(FaultInjection, ThrowGoesThroughTheNormalExceptionPath) {
  const auto f = parse_fault_spec("rank=0,case=1,kind=throw");
  EXPECT_THROW(act_out_fault_before_case(f, planned(0, "a"), [] { return false; }), std::runtime_error);
}

TEST(FaultInjection, SlowWaitsTheGivenTimeAndStopsOnRequest) {
  const auto f = parse_fault_spec("rank=0,case=1,kind=slow,seconds=0.2");
  auto t0 = std::chrono::steady_clock::now();
  act_out_fault_before_case(f, planned(0, "a"), [] { return false; });
  const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_GE(waited, 0.2);
  EXPECT_LT(waited, 2.0);
  const auto long_slow = parse_fault_spec("rank=0,case=1,kind=slow,seconds=60");
  t0 = std::chrono::steady_clock::now();
  act_out_fault_before_case(long_slow, planned(0, "a"), [] { return true; });
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
}

}  // namespace
}  // namespace capbench
