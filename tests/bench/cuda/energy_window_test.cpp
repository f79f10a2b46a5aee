// The CUDA backend's energy window over a planted counter: no GPU, no NVML.
#include "bench/cuda/energy_window.hpp"

#include <gtest/gtest.h>

#include <deque>

namespace capbench {
namespace {

EnergyWindow planted(std::deque<std::optional<std::uint64_t>>& reads) {
  return EnergyWindow([&reads]() -> std::optional<std::uint64_t> {
    auto v = reads.front();
    reads.pop_front();
    return v;
  });
}

TEST(EnergyWindow, SumsJoulesOverWindowsAndGivesWorkPerJoule) {
  std::deque<std::optional<std::uint64_t>> reads{1000, 3000, 10000, 12000};  // mJ
  EnergyWindow w = planted(reads);
  w.reset();
  w.begin();
  w.end();
  w.begin();
  w.end();
  w.add_work(8e12, "FLOP");
  const json j = w.to_json();
  EXPECT_DOUBLE_EQ(j["joules"].get<double>(), 4.0);
  EXPECT_EQ(j["windows"], 2);
  EXPECT_EQ(j["work_unit"], "FLOP");
  EXPECT_DOUBLE_EQ(j["work_per_joule"].get<double>(), 2e12);
}

TEST(EnergyWindow, NoFigureWhenTheCounterFailsOrRunsBackwards) {
  std::deque<std::optional<std::uint64_t>> reads{1000, std::nullopt};
  EnergyWindow w = planted(reads);
  w.begin();
  w.end();
  EXPECT_TRUE(w.to_json().is_null());
  std::deque<std::optional<std::uint64_t>> back{5000, 4000};
  EnergyWindow b = planted(back);
  b.begin();
  b.end();
  EXPECT_TRUE(b.to_json().is_null());
}

TEST(EnergyWindow, NoEfficiencyWhenTheCounterDidNotMoveOrNoWorkWasStated) {
  std::deque<std::optional<std::uint64_t>> reads{7000, 7000, 1, 501};
  EnergyWindow w = planted(reads);
  w.begin();
  w.end();
  w.add_work(1e9, "B");
  EXPECT_FALSE(w.to_json().contains("work_per_joule"));
  w.reset();
  w.begin();
  w.end();
  const json j = w.to_json();
  EXPECT_DOUBLE_EQ(j["joules"].get<double>(), 0.5);
  EXPECT_FALSE(j.contains("work_unit"));
  EXPECT_FALSE(j.contains("work_per_joule"));
}

}  // namespace
}  // namespace capbench
