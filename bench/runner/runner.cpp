#include "bench/runner/runner.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include <fmt/format.h>

#include "bench/backend.hpp"
#include "bench/runner/case_assembly.hpp"
#include "bench/runner/exit_codes.hpp"
#include "bench/runner/fault_injection.hpp"
#include "bench/runner/gpu_launch_check.hpp"
#include "bench/runner/launch_check.hpp"
#include "bench/runner/progress.hpp"
#include "bench/runner/rank_liveness.hpp"
#include "bench/runner/results_writer.hpp"
#include "bench/runner/sample_exchange.hpp"
#include "bench/runner/signals.hpp"
#include "bench/runner/watchdog.hpp"
#include "bench/health/system_expectations.hpp"
#include "common/case_memory.hpp"
#include "common/plan_estimate.hpp"
#include "bench/storage/storage_session.hpp"
#include "common/random.hpp"
#include "common/sample_retention.hpp"
#include "common/suite.hpp"
#include "common/utf8.hpp"
#include "capbench/version.hpp"

namespace capbench {

namespace {

constexpr double kStartupTimeout_s = 300;  // identity and setup exchanges before any case
constexpr int kTagStartup = 1000;
constexpr int kTagCaseBase = 2000;
constexpr int kTagSamplesBase = 20000;  // + case index: the kept ranks' samples (sample_exchange.hpp)

// Stands in for a backend that could not start on this rank: the rank keeps taking part in
// every exchange and reports every case as failed, so a GPU that never started is never OK.
class FailedBackend final : public Backend {
 public:
  FailedBackend(std::string name, std::string why) : name_(std::move(name)), why_(std::move(why)) {}
  std::string name() const override { return name_; }
  DeviceIdentity identity() const override {
    DeviceIdentity d;
    d.kind = name_;
    d.name = "unavailable";
    d.details = {{"error", why_}};
    return d;
  }
  std::unique_ptr<Benchmark> make_benchmark(const std::string&) override { return nullptr; }
  bool healthy() const override { return false; }
  std::string health_reason() const override { return why_; }

 private:
  std::string name_, why_;
};

std::string make_run_id() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  return fmt::format("{}-{:06x}", buf, rd() & 0xFFFFFFu);
}

json run_environment() {
  json env = json::object();
  for (const char* var : {"SLURM_JOB_ID", "SLURM_JOB_NAME", "SLURM_JOB_NODELIST", "SLURM_NTASKS", "PBS_JOBID",
                          "CUDA_VISIBLE_DEVICES", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "NCCL_ALGO",
                          "NCCL_PROTO", "NCCL_IB_HCA"}) {
    if (const char* v = std::getenv(var)) env[var] = escape_invalid_utf8(v);
  }
  return env;
}

// Rank 0 ends the job after writing what it knows. MPI_Abort reaches every rank, hung ones too.
[[noreturn]] void abort_job(int code) {
  // Storage phases' files go first: MPI_Abort ends every rank without unwinding. Rank 0
  // removes the whole run directory, what the other ranks (killed by the abort) left too.
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  StorageSession::instance().remove_everything(rank == 0);
  std::fflush(stdout);
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);
}

// A non-root rank that stopped hearing from rank 0 gives rank 0 time to write and abort
// first, then leaves.
[[noreturn]] void leave_after_rank0(int code, double wait_s) {
  std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
  abort_job(code);
}

std::string describe_rank(const RankIdentity& r) {
  std::string dev = r.device.pci_bus_id.empty() ? r.device.name : r.device.pci_bus_id;
  if (!r.device.serial.empty()) dev += " serial " + r.device.serial;
  return fmt::format("rank {} (host {}, device {})", r.rank, r.host, dev);
}

// The case's record as planned, before any rank reports.
CaseResult open_case_result(const PlannedCase& spec) {
  CaseResult cr;
  cr.index = spec.index;
  cr.id = spec.id;
  cr.benchmark = spec.benchmark;
  cr.params = spec.params;
  cr.warmup = spec.warmup;
  cr.iterations = spec.iterations;
  cr.timeout_s = spec.timeout_s;
  cr.started_at = utc_now_iso8601();
  return cr;
}

RankResult run_case_here(Backend& backend, Benchmark* bench, const CaseContext& ctx, const FaultSpec* fault) {
  RankResult r;
  r.rank = ctx.comm.rank();
  const auto t0 = std::chrono::steady_clock::now();
  if (!backend.healthy()) {
    r.status = "failed";
    r.error = "device unavailable: " + backend.health_reason();
  } else if (!bench) {
    r.status = "skipped";
    r.error = fmt::format("the {} backend has no {} benchmark", backend.name(), ctx.spec.benchmark);
  } else if (auto s = bench->filter(ctx.spec); !s.ok) {
    r.status = "skipped";
    r.error = s.reason;
  } else {
    backend.begin_case(ctx.spec);
    try {
      if (fault) act_out_fault_before_case(*fault, ctx.spec, &stop_requested);
      r = bench->run(ctx);
      r.rank = ctx.comm.rank();
      if (r.verification.status == "failed") {
        r.status = "failed";
        r.error = "verification failed: " + r.verification.detail;
      } else {
        r.status = "ok";
      }
    } catch (const CaseTimeout& e) {
      r.status = "timeout";
      r.error = e.what();
    } catch (const std::exception& e) {
      r.status = "failed";
      r.error = e.what();
    } catch (...) {
      r.status = "failed";
      r.error = "the case threw an exception that is not a std::exception";
    }
    try {
      const json telemetry = backend.end_case();
      if (!telemetry.is_null())
        r.telemetry = telemetry_from(ConfigNode(&telemetry, std::make_shared<const std::string>("telemetry"), ""));
    } catch (const std::exception& e) {
      r.info["telemetry_error"] = e.what();
    }
  }
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

// Rank 0, before any case: a case whose buffers cannot fit this host's memory (shared by its
// ranks) or the smallest GPU's memory is refused with what it needs and what there is.
std::optional<std::string> plan_does_not_fit(const Suite& suite, const std::string& backend,
                                             const std::vector<RankIdentity>& ranks, int ranks_on_node) {
  std::uint64_t device_bytes = 0;
  std::string device_name;
  if (backend == "cuda") {
    for (const auto& r : ranks) {
      const auto it = r.device.details.find("memory_bytes");
      if (it == r.device.details.end() || !it->is_number_integer() || it->get<std::int64_t>() <= 0) continue;
      const auto b = static_cast<std::uint64_t>(it->get<std::int64_t>());
      if (device_bytes == 0 || b < device_bytes) {
        device_bytes = b;
        device_name = describe_rank(r);
      }
    }
  }
  return first_infeasible_case(suite, backend == "cuda", host_memory_bytes(), ranks_on_node, device_bytes,
                               device_name);
}

// One run of a suite, stage by stage: configure, backend, identities, health, results file,
// the cases one after another, close. Each stage that can end the run returns the exit code.
class RunSession {
 public:
  RunSession(const RunOptions& opts, Comm& comm)
      : opts_(opts), comm_(comm), root_(comm.rank() == 0), startup_(Deadline::after_seconds(kStartupTimeout_s)) {}

  int run() {
    if (auto code = configure()) return *code;
    if (auto code = choose_backend()) return *code;
    gather_identities();
    judge_health();
    if (auto code = open_results()) return *code;
    start_watchdog();
    run_cases();
    return close();
  }

 private:
  // Leaves when a startup exchange did not complete: rank 0 first, the others after a grace.
  void startup_failed(const WaitResult& w, const char* what) {
    if (root_)
      fmt::print(stderr, "capbench: {} {}\n", what,
                 w.interrupted ? fmt::format("(stopped by signal {})", stop_signal())
                               : fmt::format("within {} s", kStartupTimeout_s));
    if (root_) abort_job(kExitFailed);
    leave_after_rank0(kExitFailed, opts_.grace_s);
  }

  std::string describe(int r) const {
    return root_ ? describe_rank(writer_->results().ranks[static_cast<std::size_t>(r)])
                 : fmt::format("rank {} (host {})", r, comm_.host());
  }

  // 1. Configuration: rank 0 reads the suite and any planted fault (CAPBENCH_FAULT) and
  //    broadcasts them, so every rank plans from exactly what rank 0 read and hashed.
  std::optional<int> configure() {
    std::string message;  // JSON: {"suite": text, "fault": text} or {"error": message}
    if (root_) {
      try {
        const Suite s = load_suite_file(opts_.suite_path, opts_.overrides);
        if (!opts_.health.system_file.empty())
          system_shapes_ = std::make_shared<SystemShapes>(load_system_shapes(opts_.health.system_file));
        const char* fault_env = std::getenv(kFaultVariable);
        std::string fault_text = fault_env ? fault_env : "";
        if (fault_env) check_fault_against_plan(parse_fault_spec(fault_text), comm_.size(), s.plan);
        message = json_text(json{{"suite", s.text}, {"fault", fault_env ? json(fault_text) : json(nullptr)},
                                 {"overrides", opts_.overrides.to_json()}});
      } catch (const std::exception& e) {
        message = json_text(json{{"error", e.what()}});
      }
    }
    if (auto w = comm_.broadcast(&message, startup_); !w.complete) startup_failed(w, "ranks did not start together");
    const json config = json::parse(message);
    if (config.contains("error")) {
      if (root_) fmt::print(stderr, "capbench: {}\n", config.at("error").get<std::string>());
      return kExitUsage;
    }
    suite_ = parse_suite(config.at("suite").get<std::string>(), opts_.suite_path,
                         SuiteOverrides::from_json(config.at("overrides")));
    if (!config.at("fault").is_null()) fault_ = parse_fault_spec(config.at("fault").get<std::string>());
    if (fault_ && root_)
      fmt::print(stderr, "capbench: FAULT INJECTION ACTIVE ({}={}): these results are a test, not a measurement\n",
                 kFaultVariable, fault_->text);
    return std::nullopt;
  }

  // 2. Backend: every rank must agree; auto means CUDA only where every rank can use it.
  std::optional<int> choose_backend() {
    const Support cuda = cuda_backend_status();
    int all_cuda_ok = cuda.ok ? 1 : 0;
    if (auto w = comm_.all_min(&all_cuda_ok, startup_); !w.complete)
      startup_failed(w, "ranks did not agree on a backend");
    backend_name_ = opts_.backend;
    if (backend_name_ == "auto") backend_name_ = all_cuda_ok ? "cuda" : "cpu";
    if (backend_name_ == "cuda" && !all_cuda_ok) {
      std::vector<std::string> reasons;
      comm_.gather(cuda.ok ? "" : fmt::format("rank {} on {}: {}", comm_.rank(), comm_.host(), cuda.reason),
                   &reasons, startup_, kTagStartup);
      if (root_) {
        for (const auto& r : reasons)
          if (!r.empty()) {
            fmt::print(stderr, "capbench: --backend cuda cannot run: {}; {}\n", r, kCpuBackendAdvice);
            break;
          }
      }
      return kExitEnvironment;
    }
    BackendOptions bopts;
    bopts.threads = opts_.threads;
    bopts.device = opts_.device;
    try {
      backend_ = backend_name_ == "cuda" ? make_cuda_backend(bopts, comm_) : make_cpu_backend(bopts, comm_);
    } catch (const std::exception& e) {
      backend_ = std::make_unique<FailedBackend>(backend_name_, e.what());
    }
    return std::nullopt;
  }

  // 3. Who is where: every rank's host and device identity reaches rank 0.
  void gather_identities() {
    me_.rank = comm_.rank();
    me_.local_rank = comm_.local_rank();
    me_.node_index = comm_.node_index();
    me_.host = escape_invalid_utf8(comm_.host());
    try {
      me_.device = backend_->identity();
      for (std::string* field : {&me_.device.name, &me_.device.pci_bus_id, &me_.device.pci_device_id,
                                 &me_.device.uuid, &me_.device.serial})
        *field = escape_invalid_utf8(*field);
    } catch (const std::exception& e) {
      me_.device.kind = backend_name_;
      me_.device.name = "unidentified";
      me_.device.details = {{"error", e.what()}};
    }
    const json me_json = {{"local_rank", me_.local_rank}, {"node_index", me_.node_index}, {"host", me_.host},
                          {"pid", static_cast<int>(::getpid())},
                          {"device", {{"kind", me_.device.kind}, {"name", me_.device.name},
                                      {"pci_bus_id", me_.device.pci_bus_id},
                                      {"pci_device_id", me_.device.pci_device_id}, {"uuid", me_.device.uuid},
                                      {"serial", me_.device.serial}, {"details", me_.device.details}}},
                          {"visible_gpus", planted_visible_gpus().value_or(cuda_visible_device_count())}};
    if (auto w = comm_.gather(json_text(me_json), &identities_, startup_, kTagStartup + 1); !w.complete) {
      if (root_ && !w.missing_ranks.empty())
        fmt::print(stderr, "capbench: ranks {} never reported their identity\n", fmt::join(w.missing_ranks, ", "));
      startup_failed(w, "not every rank reported its identity");
    }
  }

  // 3b. Health: every node's facts, judged before the first case (bench/health/).
  void judge_health() {
    HealthOptions health_opts = opts_.health;
    health_opts.expect.gpus_expected = backend_name_ == "cuda";
    health_opts.system = system_shapes_;
    if (auto w = health_.run(comm_, health_opts, me_.device.details, startup_); !w.complete)
      startup_failed(w, "ranks did not complete the health stage");
  }

  // Rank 0: the run's header, the suite and every rank's identity, before any case.
  ResultsFile results_header(const std::string& run_id) {
    ResultsFile rf;
    rf.run.id = run_id;
    rf.run.started_at = utc_now_iso8601();
    rf.run.tool_name = kToolName;
    rf.run.tool_version = kVersion;
    rf.run.git_commit = kGitCommit;
    for (const auto& arg : opts_.command_line) rf.run.command_line.push_back(escape_invalid_utf8(arg));
    rf.run.backend = backend_name_;
    rf.run.nranks = comm_.size();
    rf.run.nnodes = comm_.node_count();
    rf.run.mpi_library = Comm::library_version();
    rf.run.environment = run_environment();
    // A planted fault is part of the record: a report can never take this run for a real one.
    if (fault_) rf.run.environment[kFaultVariable] = fault_->text;
    rf.suite.name = suite_.name;
    rf.suite.path = escape_invalid_utf8(opts_.suite_path);
    rf.suite.sha256 = suite_.sha256;
    rf.suite.content = suite_.content;
    rf.suite.overrides = suite_.overrides;
    rf.health = health_.record();
    for (int r = 0; r < comm_.size(); ++r) {
      const json j = json::parse(identities_[static_cast<std::size_t>(r)]);
      RankIdentity id;
      id.rank = r;
      id.local_rank = j.at("local_rank").get<int>();
      id.node_index = j.at("node_index").get<int>();
      id.host = j.at("host").get<std::string>();
      const auto& d = j.at("device");
      id.device.kind = d.at("kind").get<std::string>();
      id.device.name = d.at("name").get<std::string>();
      id.device.pci_bus_id = d.at("pci_bus_id").get<std::string>();
      id.device.pci_device_id = d.at("pci_device_id").get<std::string>();
      id.device.uuid = d.at("uuid").get<std::string>();
      id.device.serial = d.at("serial").get<std::string>();
      id.device.details = d.at("details");
      rank_pids_.push_back(j.value("pid", 0));
      rf.ranks.push_back(std::move(id));
    }
    return rf;
  }

  // 4. Rank 0 opens the results file (or refuses the launch); every rank learns whether to go on.
  std::optional<int> open_results() {
    bool gpu_refused = false;
    if (root_) {
      const std::string run_id = opts_.run_id.empty() ? make_run_id() : opts_.run_id;
      ResultsFile rf = results_header(run_id);
      for (const auto& w : shared_gpu_warnings(rf.ranks)) fmt::print(stderr, "capbench: warning: {}\n", w);
      gpu_refused = check_gpu_launch(rf.ranks, identities_, backend_name_, opts_);
      const std::optional<std::string> infeasible =
          gpu_refused ? std::nullopt : plan_does_not_fit(suite_, backend_name_, rf.ranks, comm_.local_size());
      if (infeasible) fmt::print(stderr, "capbench: {}\n", *infeasible);
      std::string path = opts_.results_path;
      std::string open_error;
      if (!gpu_refused) try {
          if (path.empty()) {
            std::filesystem::create_directories(opts_.out_dir);
            path = (std::filesystem::path(opts_.out_dir) / ("capbench-" + run_id + ".json")).string();
          } else if (const auto parent = std::filesystem::path(path).parent_path(); !parent.empty()) {
            std::filesystem::create_directories(parent);
          }
          if (!infeasible) writer_ = std::make_unique<ResultsWriter>(path, std::move(rf));
        } catch (const std::exception& e) {
          open_error = e.what();
        }
      if (gpu_refused)
        fmt::print(stderr, "capbench: --strict-gpus: refusing to run; nothing was measured\n");
      else if (!writer_ && !infeasible)
        fmt::print(stderr, "capbench: cannot write results: {}\n", open_error);
      else if (writer_)
        fmt::print(stderr, "capbench {} ({}), {} ranks on {} nodes, backend {}, suite {} ({} cases)\nresults: {}\n",
                   kVersion, kGitCommit, comm_.size(), comm_.node_count(), backend_name_, suite_.name,
                   suite_.plan.size(), writer_->path());
    }
    int writer_ok = root_ ? (gpu_refused ? -1 : writer_ ? 1 : 0) : 1;  // -1: refused by --strict-gpus
    if (auto w = comm_.all_min(&writer_ok, startup_); !w.complete) startup_failed(w, "ranks did not start the cases");
    if (writer_ok < 1) return writer_ok < 0 ? kExitEnvironment : kExitUsage;
    if (root_) fmt::print(stderr, "capbench: health: {}\n", health_.summary());
    if (health_.stop()) {
      if (!root_) return kExitOk;  // rank 0 decides the job's exit code
      const std::string why = "health gate failed (--health-gate stop), nothing measured: " + health_.summary();
      writer_->finish("incomplete", why);
      fmt::print(stderr, "capbench: {}\nresults: {}\n", why, writer_->path());
      return kExitFailed;
    }
    return std::nullopt;
  }

  // What rank 0 records for the case under way when it gets stuck in it.
  CaseResult in_progress_case(const std::string& rank0_status, const std::string& rank0_error,
                              const std::string& others_error) const {
    CaseResult cr = open_case_result(*current_);
    for (int r = 0; r < comm_.size(); ++r) {
      RankResult rr;
      rr.rank = r;
      rr.status = r == 0 ? rank0_status : "missing";
      rr.error = r == 0 ? rank0_error : others_error;
      cr.ranks.push_back(std::move(rr));
    }
    return cr;
  }

  // The watchdog ends a rank stuck where no deadline reaches, and a run stopped by a signal;
  // rank 0 first marks the results file incomplete with the reason.
  void start_watchdog() {
    watchdog_ = std::make_unique<Watchdog>(
        [this](const std::string& phase, double limit_s) {
          const std::string reason =
              fmt::format("{} did not finish {} within {:.0f} s: stuck in a call no deadline reaches (a blocking "
                          "collective waiting for a hung or dead peer, a kernel or driver call that never returns)",
                          describe(comm_.rank()), phase, limit_s);
          fmt::print(stderr, "capbench: {}\n", reason);
          if (!root_) return;
          std::lock_guard<std::mutex> lock(current_mu_);
          std::optional<CaseResult> cr;
          if (current_) cr = in_progress_case("timeout", reason, "not collected: rank 0 was stuck in the case");
          try {
            writer_->mark_incomplete_if_running(reason, cr ? &*cr : nullptr);
            fmt::print(stderr, "capbench: results so far: {}\n", writer_->path());
          } catch (const std::exception& e) {
            fmt::print(stderr, "capbench: could not write results: {}\n", e.what());
          }
        },
        [this](int sig) {
          if (!root_) return;
          std::lock_guard<std::mutex> lock(current_mu_);
          const std::string reason =
              current_ ? fmt::format("stopped by signal {} during case {} ({}); results of that case are lost", sig,
                                     current_->index + 1, current_->id)
                       : fmt::format("stopped by signal {}", sig);
          try {
            if (writer_->mark_incomplete_if_running(reason))
              fmt::print(stderr, "capbench: {}\ncapbench: results so far: {}\n", reason, writer_->path());
          } catch (const std::exception& e) {
            fmt::print(stderr, "capbench: could not write results: {}\n", e.what());
          }
        });
    // Storage files go as soon as a stop signal arrives: mpirun's SIGKILL follows its SIGTERM
    // by 1 s, which a rank in a long write or a stuck call would not survive to unwind.
    watchdog_->set_at_stop([this] { StorageSession::instance().remove_everything(root_); });
    // The watchdog's own exit (2 s after a stop signal) skips every destructor: storage files go
    // first there too, as in abort_job().
    watchdog_->set_before_exit([this] {
      if (root_) writer_->hold_for_exit();
      StorageSession::instance().remove_everything(root_);
    });
  }

  // 5. The cases, one after another, every rank at once.
  void run_cases() {
    progress_ = std::make_unique<Progress>(static_cast<int>(suite_.plan.size()), stderr);
    progress_->set_expected(expected_durations(suite_.plan, backend_name_, comm_.size()));
    progress_->set_plan(suite_.plan);
    for (const auto& spec : suite_.plan) {
      if (stop_requested()) {
        stop_reason_ = fmt::format("stopped by signal {} before case {} of {}", stop_signal(), spec.index + 1,
                                   suite_.plan.size());
        break;
      }
      if (!run_case(spec)) break;
    }
  }

  // This rank's part of one case: set up, measured and checked here, before the gather.
  RankResult measure_here(const PlannedCase& spec, std::unique_ptr<Benchmark>& bench) {
    const bool fault_here = fault_ && fault_->applies(comm_.rank(), spec);
    health_.before_case();
    RankResult mine;
    try {
      bench = backend_->healthy() ? backend_->make_benchmark(spec.benchmark) : nullptr;
      CaseContext ctx{spec, comm_, derive_seed(suite_.seed, std::uint64_t(comm_.rank()), std::uint64_t(spec.index)),
                      derive_seed(suite_.seed, 0xC0FFEEull, std::uint64_t(spec.index)),
                      Deadline::after_seconds(spec.timeout_s)};
      ctx.corrupt_result = fault_here && fault_->kind == FaultKind::wrong;
      ctx.window = backend_->timed_window();
      if (root_) ctx.phases = progress_.get();
      ctx.flip_stored_byte = fault_here && fault_->kind == FaultKind::flip;
      mine = run_case_here(*backend_, bench.get(), ctx, fault_here ? &*fault_ : nullptr);
    } catch (const std::exception& e) {
      mine.rank = comm_.rank();
      mine.status = "failed";
      mine.error = std::string("the case could not be set up: ") + e.what();
    }
    if (json h = health_.after_case(); !h.is_null()) mine.info["health"] = std::move(h);
    if (fault_here) mine.info["fault_injection"] = fault_->text;
    return mine;
  }

  // Rank 0, when the gather was given up on: every silent rank named (died or hung), the
  // ranks that did report kept, the file closed as incomplete and the job ended.
  [[noreturn]] void abandon_case(const PlannedCase& spec, CaseResult cr, const WaitResult& g, RankResult mine,
                                 const MetricSamples& my_samples, const std::vector<std::string>& payloads,
                                 double root_wait_s) {
    std::vector<bool> silent(static_cast<std::size_t>(comm_.size()), false);
    for (int r : g.missing_ranks) silent[static_cast<std::size_t>(r)] = true;
    std::vector<std::string> names;
    for (int r = 0; r < comm_.size(); ++r) {
      RankResult rr;
      rr.rank = r;
      if (r == 0) {
        rr = mine;
        put_samples(rr, my_samples);
      } else if (silent[static_cast<std::size_t>(r)]) {
        rr.status = "timeout";
        const auto& ids = writer_->results().ranks;
        const bool died = ids[static_cast<std::size_t>(r)].node_index == ids[0].node_index &&
                          process_is_gone(rank_pids_[static_cast<std::size_t>(r)]);
        if (died) {
          rr.error = fmt::format("died: its process (pid {}, on rank 0's node) ended without reporting a result, "
                                 "{:.1f} s into the case",
                                 rank_pids_[static_cast<std::size_t>(r)], cr.wall_s);
          names.push_back(describe(r) + " (died)");
          cr.ranks.push_back(std::move(rr));
          continue;
        }
        rr.error = g.interrupted
                       ? fmt::format("no result when the run was stopped by signal {} ({:.1f} s into the case): "
                                     "still measuring, hung or dead",
                                     stop_signal(), cr.wall_s)
                       : fmt::format("no result within {:.0f} s (timeout {:.0f} s + grace {:.0f} s): hung or dead",
                                     root_wait_s, spec.timeout_s, opts_.grace_s);
        names.push_back(describe(r));
      } else {
        // Collected before the gather was given up on (node leaders pass on what came).
        try {
          rr = rank_result_from_json(json::parse(payloads[static_cast<std::size_t>(r)]), "result", "");
          rr.rank = r;
        } catch (const std::exception&) {
          rr.status = "missing";
          rr.error = "its result was not collected: the gather was abandoned";
        }
      }
      cr.ranks.push_back(std::move(rr));
    }
    const std::string who = names.empty() ? std::string("some ranks") : fmt::format("{}", fmt::join(names, "; "));
    stop_reason_ = g.interrupted ? fmt::format("stopped by signal {} in case {} ({}); not reported: {}", stop_signal(),
                                               spec.index + 1, spec.id, who)
                                 : fmt::format("case {} ({}): {} did not report within {:.0f} s", spec.index + 1,
                                               spec.id, who, root_wait_s);
    end_incomplete(std::move(cr));
  }

  // Rank 0: the case as far as it got, the file closed as incomplete, the job ended.
  [[noreturn]] void end_incomplete(CaseResult cr) {
    {
      std::lock_guard<std::mutex> lock(current_mu_);
      current_ = nullptr;
      writer_->add_case(std::move(cr));
      writer_->finish("incomplete", stop_reason_);
    }
    fmt::print(stderr, "capbench: {}\ncapbench: results so far: {}\n", stop_reason_, writer_->path());
    abort_job(kExitFailed);
  }

  // Rank 0: the kept ranks' samples, asked for after the gather (sample_exchange.hpp).
  void collect_kept_samples(const PlannedCase& spec, CaseResult& cr, const MetricSamples& my_samples) {
    const auto x = exchange_kept_samples(comm_, &cr, my_samples, Deadline::after_seconds(opts_.grace_s),
                                         kTagSamplesBase + spec.index);
    if (x.complete) return;
    std::vector<std::string> names;
    for (int r : x.missing_ranks) {
      RankResult& rr = cr.ranks[static_cast<std::size_t>(r)];
      rr.status = "timeout";
      rr.error = fmt::format("reported its statistics, but its samples, asked for after the gather, did not "
                             "come within {:.0f} s: hung or dead after the case",
                             opts_.grace_s);
      names.push_back(describe(r));
    }
    stop_reason_ = fmt::format("case {} ({}): {}", spec.index + 1, spec.id,
                               names.empty() ? std::string("the request for the kept ranks' samples did not "
                                                           "reach every rank")
                                             : fmt::format("{} did not send its samples", fmt::join(names, "; ")));
    end_incomplete(std::move(cr));
  }

  // Rank 0: the gathered case judged, printed and appended to the results file.
  void record_case(CaseResult cr, const RankResult& mine, Benchmark* bench, const std::string& job_basis,
                   std::vector<Metric> job_metrics) {
    if (!job_basis.empty() && mine.status == "ok") {
      cr.metrics = std::move(job_metrics);
      cr.info["metrics_basis"] = job_basis;
    }
    if (bench)
      if (const json extra = bench->job_wide_info(); extra.is_object()) cr.info.update(extra);
    thin_samples(cr, opts_.all_samples_up_to);
    const std::string status = derive_case_status(cr.ranks);
    if (status == "failed") {
      any_failed_ = true;
      for (const auto& rr : cr.ranks)
        if (rr.status != "ok" || rr.verification.status == "failed")
          fmt::print(stderr, "  FAILED {}: {}\n", describe(rr.rank), rr.error);
    }
    progress_->end_case(cr, status);
    std::lock_guard<std::mutex> lock(current_mu_);
    current_ = nullptr;
    const auto notes = fold_case_health_into(writer_->results(), cr);
    for (const auto& note : notes) fmt::print(stderr, "capbench: {}\n", note);
    if (!notes.empty()) writer_->note_health_changed();
    writer_->add_case(std::move(cr));
  }

  // One case on every rank; false when the run stops here (stop_reason_ says why).
  bool run_case(const PlannedCase& spec) {
    // Rank 0 gives up on a silent rank at timeout + grace after the start; the others wait
    // longer, so that rank 0 is the one that names it, writes the file and ends the job. The
    // watchdog ends a rank stuck beyond any of these (rank 0 first).
    const double root_wait_s = spec.timeout_s + opts_.grace_s;
    const double wait_s = root_ ? root_wait_s : spec.timeout_s + 2 * opts_.grace_s;
    const double stuck_s = root_ ? spec.timeout_s + 1.5 * opts_.grace_s : spec.timeout_s + 4 * opts_.grace_s;
    const auto started = comm_.begin_case(Deadline::after_seconds(wait_s));
    if (!started.complete) {
      stop_reason_ = started.interrupted
                         ? fmt::format("stopped by signal {} at the start of case {}", stop_signal(), spec.index + 1)
                         : fmt::format("ranks did not reach the start of case {} ({}) within {:.0f} s",
                                       spec.index + 1, spec.id, wait_s);
      if (!root_) leave_after_rank0(kExitFailed, opts_.grace_s);
      return false;
    }
    {
      std::lock_guard<std::mutex> lock(current_mu_);
      current_ = &spec;
    }
    watchdog_->arm(fmt::format("case {} ({})", spec.index + 1, spec.id), stuck_s);
    if (root_) progress_->start_case(spec.index, spec.id);
    CaseResult cr = open_case_result(spec);
    const auto t0 = std::chrono::steady_clock::now();
    const auto seconds_since_start = [&] {
      return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    };

    std::unique_ptr<Benchmark> bench_owner;
    RankResult mine = measure_here(spec, bench_owner);
    Benchmark* bench = bench_owner.get();
    // Job-wide figures are the same on every rank: rank 0 records them once, in the case.
    const std::string job_basis = bench ? bench->job_wide_basis() : std::string();
    std::vector<Metric> job_metrics;
    if (!job_basis.empty()) job_metrics = std::exchange(mine.metrics, {});
    // Above --all-samples-up-to ranks the gather carries statistics only (sample_exchange.hpp).
    const bool samples_later = thin_at_source(comm_.size(), opts_.all_samples_up_to);
    const MetricSamples my_samples = samples_later ? take_samples(mine) : MetricSamples{};

    const auto gather_deadline = Deadline::after_seconds(std::max(0.0, wait_s - seconds_since_start()));
    // A node leader gives up on a silent rank of its node half a grace before rank 0 gives up,
    // so that its message naming that rank reaches rank 0 in time.
    const auto node_deadline =
        Deadline::after_seconds(std::max(0.0, root_wait_s - 0.5 * opts_.grace_s - seconds_since_start()));
    std::vector<std::string> payloads;
    const auto g = comm_.gather(json_text(rank_result_to_json(mine)), &payloads, gather_deadline,
                                kTagCaseBase + spec.index, &node_deadline);
    comm_.end_case();
    cr.finished_at = utc_now_iso8601();
    cr.wall_s = seconds_since_start();
    if (!root_) {
      if (!g.complete) {
        if (!g.interrupted)
          fmt::print(stderr, "capbench: rank {} (host {}): rank 0 did not collect case {} within {:.0f} s\n",
                     comm_.rank(), comm_.host(), spec.index + 1, wait_s);
        leave_after_rank0(kExitFailed, g.interrupted ? opts_.grace_s : 2 * opts_.grace_s);
      }
      if (samples_later) {
        const auto x = exchange_kept_samples(comm_, nullptr, my_samples, Deadline::after_seconds(2 * opts_.grace_s),
                                             kTagSamplesBase + spec.index);
        if (!x.complete) leave_after_rank0(kExitFailed, x.interrupted ? opts_.grace_s : 2 * opts_.grace_s);
      }
      watchdog_->disarm();
      return true;
    }
    if (!g.complete) abandon_case(spec, std::move(cr), g, mine, my_samples, payloads, root_wait_s);
    read_rank_payloads(cr, payloads);  // frees each text once read
    if (samples_later) collect_kept_samples(spec, cr, my_samples);
    if (fault_ && fault_->kind == FaultKind::tear && fault_->applies(comm_.rank(), spec))
      writer_->plant_tear_in_next_case();
    record_case(std::move(cr), mine, bench, job_basis, std::move(job_metrics));
    watchdog_->disarm();
    return true;
  }

  // 6. The end: complete, or incomplete with the reason. Non-zero whenever anything failed.
  int close() {
    if (!root_) {
      if (!stop_reason_.empty()) leave_after_rank0(kExitFailed, opts_.grace_s);
      return kExitOk;  // rank 0 decides the job's exit code
    }
    const std::string fault_note =
        fault_ ? fmt::format("; fault injection active ({}={})", kFaultVariable, fault_->text) : "";
    if (!stop_reason_.empty()) {
      writer_->finish("incomplete", stop_reason_ + fault_note);
      fmt::print(stderr, "capbench: {}\ncapbench: results so far: {}\n", stop_reason_, writer_->path());
      abort_job(kExitFailed);
    }
    writer_->finish("complete", (any_failed_ ? std::string("one or more cases failed") : std::string()) + fault_note);
    fmt::print(stderr, "capbench: {} cases, {}; results: {}\n", suite_.plan.size(),
               any_failed_ ? "SOME FAILED" : "all passed or skipped", writer_->path());
    return any_failed_ ? kExitFailed : kExitOk;
  }

  const RunOptions& opts_;
  Comm& comm_;
  const bool root_;
  const Deadline startup_;
  // configure()
  Suite suite_;
  std::optional<FaultSpec> fault_;
  std::shared_ptr<const SystemShapes> system_shapes_;  // --system, read on rank 0 (it judges health)
  // choose_backend(), gather_identities(), judge_health()
  std::string backend_name_;
  std::unique_ptr<Backend> backend_;
  RankIdentity me_;
  std::vector<std::string> identities_;
  HealthStage health_;
  // open_results(): rank 0's file, and each rank's process id to tell a dead rank on its node
  std::unique_ptr<ResultsWriter> writer_;
  std::vector<int> rank_pids_;
  // run_cases(): the case under way (for the watchdog), progress and the outcome so far
  const PlannedCase* current_ = nullptr;
  mutable std::mutex current_mu_;
  std::unique_ptr<Watchdog> watchdog_;
  std::unique_ptr<Progress> progress_;
  bool any_failed_ = false;
  std::string stop_reason_;
};

}  // namespace

int run_capbench(const RunOptions& opts, Comm& comm) {
  install_stop_handlers();
  // Every return removes what storage phases wrote (rank 0: the whole run directory).
  StorageSession::instance().set_path_override(opts.storage_path);
  struct StorageCleanup {
    bool whole_tree;
    ~StorageCleanup() { StorageSession::instance().remove_everything(whole_tree); }
  } storage_cleanup{comm.rank() == 0};
  comm.set_stop_check([] { return stop_requested(); });
  return RunSession(opts, comm).run();
}

}  // namespace capbench
