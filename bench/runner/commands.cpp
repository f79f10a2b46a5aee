#include "bench/runner/commands.hpp"
#include "common/utf8.hpp"

#include <mpi.h>

#include <fmt/format.h>

#include "bench/backend.hpp"
#include "bench/comm/comm.hpp"
#include "bench/runner/exit_codes.hpp"
#include "bench/runner/gpu_launch_check.hpp"
#include "bench/runner/progress.hpp"
#include "common/benchmark_catalog.hpp"
#include "common/case_memory.hpp"
#include "common/plan_estimate.hpp"

namespace capbench {

void add_plan_options(CLI::App* sub, SuiteOverrides& o) {
  sub->add_option("--only", o.only,
                  "Run only the cases whose id matches this glob (repeatable, or comma-separated): "
                  "'gemm/fp64/*', 'collective/all_reduce', '*/in_place'");
  sub->add_option("--set", o.set,
                  "Change a suite key before validation (repeatable): defaults.iterations=5, "
                  "gemm.shapes=[[2048,2048,2048]], sustained.duration_s=60, collective.sizes.max_bytes=1048576, "
                  "cases[0].bytes=1048576, '*.warmup=1'");
}

namespace {

std::string shown_default(const nlohmann::json& d) {
  if (d.is_null()) return "required";
  if (d.is_string()) return d.get<std::string>().empty() ? "\"\"" : d.get<std::string>();
  return json_text(d);
}

void print_parameters(const std::vector<ParameterInfo>& ps) {
  fmt::print("    {:<13} {:<58} {:<24} {:<10} {}\n", "key", "type", "default", "unit", "meaning");
  for (const auto& p : ps)
    fmt::print("    {:<13} {:<58} {:<24} {:<10} {}\n", p.key, p.type, shown_default(p.default_value), p.unit,
               p.description);
}

}  // namespace

int run_list_command(bool as_json) {
  if (as_json) {
    fmt::print("{}\n", benchmark_catalog_json().dump(2));
    return kExitOk;
  }
  fmt::print("Every case (docs/suite-format.md):\n");
  print_parameters(common_case_parameters());
  for (const auto& b : benchmark_catalog()) {
    fmt::print("\n{}  [{}]\n  {}\n", b.name, b.backends, b.summary);
    print_parameters(b.parameters);
  }
  return kExitOk;
}

namespace {

std::string seconds_text(double s) { return s < 60 ? fmt::format("{:.1f} s", s) : Progress::format_duration(s); }

// The backend's own answer for each case: runs, or skipped and why.
std::vector<std::string> skip_reasons(Backend& backend, const std::vector<PlannedCase>& plan) {
  std::vector<std::string> out;
  for (const auto& c : plan) {
    auto bench = backend.make_benchmark(c.benchmark);
    if (!bench) {
      out.push_back(fmt::format("the {} backend has no {} benchmark", backend.name(), c.benchmark));
      continue;
    }
    const auto s = bench->filter(c);
    out.push_back(s.ok ? std::string() : s.reason);
  }
  return out;
}

}  // namespace

int run_check_command(const CheckOptions& opts, int* argc, char*** argv) {
  Suite s;
  try {
    s = load_suite_file(opts.suite_path, opts.overrides);
    // Host memory here; device memory is known only on the ranks: `run` checks it there.
    if (auto why = first_infeasible_case(s, cuda_backend_status().ok, host_memory_bytes(), 1, 0, "")) {
      fmt::print(stderr, "capbench: {}\n", *why);
      return kExitUsage;
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "capbench: {}\n", e.what());
    return kExitUsage;
  }
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  int code = kExitOk;
  {
    Comm comm;
    const bool root = comm.rank() == 0;
    const Support cuda = cuda_backend_status();
    std::string backend_name = opts.backend == "auto" ? (cuda.ok ? "cuda" : "cpu") : opts.backend;
    const int ranks = opts.ranks > 0 ? opts.ranks : comm.size();
    std::vector<std::string> reasons(s.plan.size());
    std::string backend_note;
    if (backend_name == "cuda" && !cuda.ok) {
      backend_note = fmt::format("--backend cuda cannot run here: {}; {}", cuda.reason, kCpuBackendAdvice);
      code = kExitEnvironment;
    } else {
      try {
        BackendOptions bopts;
        auto backend = backend_name == "cuda" ? make_cuda_backend(bopts, comm) : make_cpu_backend(bopts, comm);
        reasons = skip_reasons(*backend, s.plan);
      } catch (const std::exception& e) {
        backend_note = fmt::format("the {} backend did not start: {}", backend_name, e.what());
        code = kExitEnvironment;
      }
    }
    if (root) {
      fmt::print("{}: suite '{}', sha256 {}, {} cases\n", opts.suite_path, s.name, s.sha256, s.plan.size());
      if (!s.overrides.is_null()) fmt::print("overrides: {}\n", json_text(s.overrides));
      double total = 0;
      int skipped = 0;
      fmt::print("  {:>3}  {:<44} {:>10}  {:>9}  {}\n", "#", "case", "expected", "timeout", "on " + backend_name);
      for (std::size_t i = 0; i < s.plan.size(); ++i) {
        const auto& c = s.plan[i];
        const auto e = estimate_case(c, backend_name, ranks);
        const bool skips = !reasons[i].empty();
        if (!skips) total += e.seconds;
        skipped += skips ? 1 : 0;
        fmt::print("  {:>3}  {:<44} {:>10}  {:>7.0f} s  {}\n", c.index + 1, c.id, skips ? "-" : "~" + seconds_text(e.seconds),
                   c.timeout_s, skips ? "skipped: " + reasons[i] : backend_note.empty() ? "runs: " + e.basis : "?");
      }
      fmt::print("expected ~{} in total on {} with {} rank{} ({} of {} cases skipped); estimates at nominal rates, "
                 "see docs/suite-format.md\n",
                 seconds_text(total), backend_name, ranks, ranks == 1 ? "" : "s", skipped, s.plan.size());
      if (!backend_note.empty()) fmt::print(stderr, "capbench: {}\n", backend_note);
    }
  }
  MPI_Finalize();
  return code;
}

}  // namespace capbench
