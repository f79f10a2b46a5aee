#include "common/suite_overrides.hpp"

#include <gtest/gtest.h>

#include "common/sha256.hpp"
#include "tests/tools/config_error_of.hpp"

using namespace capbench;

namespace {
const std::string kSuite = R"({"schema": "capbench.suite/1", "name": "t",
  "defaults": {"iterations": 4},
  "cases": [
    {"benchmark": "gemm", "precisions": ["fp64", "fp32"], "shapes": [[64, 64, 64]]},
    {"benchmark": "gemm", "name": "sustained", "precisions": ["fp64"], "shapes": [[64, 64, 64]], "duration_s": 600},
    {"benchmark": "collective", "operations": ["all_reduce", "broadcast"], "sizes": [4096], "in_place": [false, true]},
    {"benchmark": "p2p"}
  ]})";

std::string error_of(const SuiteOverrides& o) {
  return capbench::testing::config_error_of([&] { parse_suite(kSuite, "t.json", o); });
}
}  // namespace

TEST(SuiteOverrides, NoneIsExactlyTheFile) {
  const Suite plain = parse_suite(kSuite, "t.json");
  const Suite same = parse_suite(kSuite, "t.json", SuiteOverrides{});
  EXPECT_EQ(same.sha256, plain.sha256);
  EXPECT_TRUE(same.overrides.is_null());
  EXPECT_EQ(same.plan.size(), plain.plan.size());
}

TEST(SuiteOverrides, SetByBenchmarkNameRootAndIndex) {
  SuiteOverrides o;
  o.set = {"gemm.shapes=[[128,256,512]]", "sustained.duration_s=30", "defaults.iterations=2", "cases[3].bytes=1024",
           "collective.sizes.0=8192"};
  // "sizes.0": a key path into an array by dot is not an index; the array form is [0].
  EXPECT_NE(error_of(o).find("an object at '0'"), std::string::npos) << error_of(o);
  o.set.back() = "collective.sizes[0]=8192";
  const Suite s = parse_suite(kSuite, "t.json", o);
  EXPECT_EQ(s.plan[0].id, "gemm/fp64/128x256x512");
  EXPECT_EQ(s.plan[2].id, "sustained/gemm/fp64/128x256x512");  // the benchmark selector reaches named entries too
  EXPECT_EQ(s.plan[2].params.at("duration_s"), 30.0);
  EXPECT_EQ(s.plan[0].iterations, 2);
  EXPECT_EQ(s.plan.back().params.at("bytes"), 1024);
  EXPECT_EQ(s.plan[3].params.at("sizes"), json::array({8192}));
  EXPECT_EQ(s.content["defaults"]["iterations"], 2);  // the recorded content is the changed document
  EXPECT_EQ(s.overrides.at("file_sha256"), sha256_hex(kSuite));
  EXPECT_NE(s.sha256, sha256_hex(kSuite));  // a changed plan never passes for the file's
}

TEST(SuiteOverrides, SetValuesAreValidatedAsTheFileIs) {
  SuiteOverrides o;
  o.set = {"defaults.iterations=0"};
  EXPECT_NE(error_of(o).find("defaults.iterations"), std::string::npos) << error_of(o);
  EXPECT_NE(error_of(o).find("as changed by --set"), std::string::npos);
  o.set = {"gemm.shape=[[1,1,1]]"};  // a misspelt key is refused by the validator, as in a file
  EXPECT_NE(error_of(o).find("shape"), std::string::npos) << error_of(o);
  o.set = {"gemm.precisions=fp64"};  // not JSON: a string, and a string is not a list
  EXPECT_NE(error_of(o).find("precisions"), std::string::npos) << error_of(o);
}

TEST(SuiteOverrides, BadSetArgumentsNameTheArgument) {
  SuiteOverrides o;
  o.set = {"gemn.shapes=[[1,1,1]]"};
  EXPECT_NE(error_of(o).find("did you mean 'gemm'"), std::string::npos) << error_of(o);
  o.set = {"cases[9].bytes=1"};
  EXPECT_NE(error_of(o).find("past the end"), std::string::npos) << error_of(o);
  o.set = {"iterations"};
  EXPECT_NE(error_of(o).find("PATH=VALUE"), std::string::npos) << error_of(o);
  o.set = {"gemm=3"};
  EXPECT_NE(error_of(o).find("a key after the case selector"), std::string::npos) << error_of(o);
}

TEST(SuiteOverrides, StarSetsEveryEntry) {
  SuiteOverrides o;
  o.set = {"*.warmup=0"};
  const Suite s = parse_suite(kSuite, "t.json", o);
  for (const auto& c : s.plan) EXPECT_EQ(c.warmup, 0) << c.id;
}

TEST(SuiteOverrides, OnlyKeepsMatchingCasesAndRenumbers) {
  SuiteOverrides o;
  o.only = {"collective/*/in_place,p2p", "gemm/fp32"};
  const Suite s = parse_suite(kSuite, "t.json", o);
  ASSERT_EQ(s.plan.size(), 4u);
  EXPECT_EQ(s.plan[0].id, "gemm/fp32/64x64x64");
  EXPECT_EQ(s.plan[1].id, "collective/all_reduce/fp32/in_place");
  EXPECT_EQ(s.plan[3].id, "p2p");
  for (std::size_t i = 0; i < s.plan.size(); ++i) EXPECT_EQ(s.plan[i].index, static_cast<int>(i));
  EXPECT_EQ(s.overrides.at("only").size(), 3u);  // split on commas, as recorded
}

TEST(SuiteOverrides, OnlyPatternMatchingNothingIsAnError) {
  SuiteOverrides o;
  o.only = {"gemm/fp16"};
  EXPECT_NE(error_of(o).find("--only gemm/fp16"), std::string::npos) << error_of(o);
}

TEST(SuiteOverrides, CaseIdMatching) {
  EXPECT_TRUE(case_id_matches("gemm", "gemm/fp64/1x1x1"));
  EXPECT_TRUE(case_id_matches("gemm/*/1x1x1", "gemm/fp64/1x1x1"));
  EXPECT_FALSE(case_id_matches("gem", "gemm/fp64/1x1x1"));
  EXPECT_FALSE(case_id_matches("stream", "sustained/gemm/fp64/1x1x1"));
  EXPECT_TRUE(case_id_matches("*/gemm/*", "sustained/gemm/fp64/1x1x1"));
}

TEST(SuiteOverrides, RoundTripsThroughJson) {
  SuiteOverrides o;
  o.only = {"a"};
  o.set = {"b=1"};
  const auto back = SuiteOverrides::from_json(o.to_json());
  EXPECT_EQ(back.only, o.only);
  EXPECT_EQ(back.set, o.set);
}
