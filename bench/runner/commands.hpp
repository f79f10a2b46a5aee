#pragma once
// `capbench list` and `capbench check`, and the plan options `run` and `check` share.
#include <string>

#include <CLI/CLI.hpp>

#include "common/suite_overrides.hpp"

namespace capbench {

// --only and --set on a subcommand (common/suite_overrides.hpp says what they accept).
void add_plan_options(CLI::App* sub, SuiteOverrides& overrides);

// Every benchmark with its parameters, defaults and units; JSON with as_json.
int run_list_command(bool as_json);

struct CheckOptions {
  std::string suite_path;
  std::string backend = "auto";
  int ranks = 0;  // ranks the estimate assumes (0: the ranks this check runs on)
  SuiteOverrides overrides;
};

// Validates the suite (with any overrides), prints each case's expected duration and the
// total, and asks the backend which cases it would skip and why. Starts MPI for that (a
// one-rank job without mpirun); runs nothing. Exit 0, 2 bad suite, 3 backend unavailable.
int run_check_command(const CheckOptions& opts, int* argc, char*** argv);

}  // namespace capbench
