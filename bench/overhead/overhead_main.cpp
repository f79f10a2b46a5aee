// capbench_overhead: does capbench measure the machine or itself? On the CPU backend it runs
// capbench's gemm, stream and all_reduce code paths (the same Benchmark objects the runner
// uses) and, alternately, the same library calls timed directly: a cblas_dgemm loop, a plain
// OpenMP triad loop, an MPI_Allreduce loop, with the same sizes and thread counts. It prints
// capbench / direct for each, as the median over repetitions with the spread.
//   mpirun -np 2 build/bench/overhead/capbench_overhead --repetitions 5
#include <cblas.h>
#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <random>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/backend.hpp"
#include "bench/comm/comm.hpp"
#include "bench/cpu/cpu_backend.hpp"
#include "common/collectives.hpp"
#include "common/random.hpp"
#include "common/stats.hpp"
#include "common/suite.hpp"

namespace capbench {
namespace {

struct Options {
  int repetitions = 5;
  int warmup = 2, iterations = 10;
  std::int64_t gemm_n = 1024;
  std::string stream_elements = "auto";  // or a count per array
  std::int64_t allreduce_bytes = 16 << 20;
  int threads = 0;  // 0: as capbench chooses (the node's cores / its ranks)
  std::string json_out;
  double min_ratio = 0;  // > 0: exit 1 when a median ratio is below it
};

double steady_seconds(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Median over ranks of each rank's figure, known on every rank.
double across_ranks(double mine) {
  int n = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  std::vector<double> all(static_cast<std::size_t>(n));
  MPI_Allgather(&mine, 1, MPI_DOUBLE, all.data(), 1, MPI_DOUBLE, MPI_COMM_WORLD);
  return median(all);
}

[[noreturn]] void die(const std::string& why) {
  fmt::print(stderr, "capbench_overhead: {}\n", why);
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::exit(1);
}

std::string suite_text(const Options& o) {
  const std::string elements = o.stream_elements == "auto" ? "\"auto\"" : o.stream_elements;
  return fmt::format(R"({{
  "schema": "capbench.suite/1", "name": "overhead",
  "defaults": {{ "warmup": {w}, "iterations": {i}, "timeout_s": 3600 }},
  "cases": [
    {{ "benchmark": "gemm", "precisions": ["fp64"], "shapes": [[{n}, {n}, {n}]] }},
    {{ "benchmark": "stream", "precisions": ["fp64"], "elements": {e} }},
    {{ "benchmark": "collective", "operations": ["all_reduce"], "dtype": "fp32", "sizes": [{s}] }}
  ]
}})",
                     fmt::arg("w", o.warmup), fmt::arg("i", o.iterations), fmt::arg("n", o.gemm_n),
                     fmt::arg("e", elements), fmt::arg("s", o.allreduce_bytes));
}

// ---- capbench's path: the runner's per-case barrier, then the benchmark's run() ----

const Metric& find_metric(const RankResult& r, const std::string& name) {
  for (const auto& m : r.metrics)
    if (m.name == name) return m;
  die("capbench's result has no metric " + name);
}

RankResult run_capbench_case(Backend& backend, const PlannedCase& spec, Comm& comm) {
  auto bench = backend.make_benchmark(spec.benchmark);
  if (!bench) die("the CPU backend has no " + spec.benchmark + " benchmark");
  if (auto s = bench->filter(spec); !s.ok) die(spec.id + ": " + s.reason);
  CaseContext ctx{spec, comm, derive_seed(0x0E4Eull, std::uint64_t(comm.rank()), std::uint64_t(spec.index)),
                  derive_seed(0x0E4Eull, 0xC0FFEEull, std::uint64_t(spec.index)),
                  Deadline::after_seconds(spec.timeout_s)};
  if (!comm.barrier(Deadline::after_seconds(spec.timeout_s)).complete) die("ranks did not meet before " + spec.id);
  RankResult r = bench->run(ctx);
  if (r.verification.status != "passed") die(spec.id + " failed its own verification: " + r.verification.detail);
  return r;
}

// ---- the direct loops ----

double direct_gemm(std::int64_t n, int threads, int warmup, int iterations, std::uint64_t seed) {
  openblas_set_num_threads(threads);
  const auto count = std::size_t(n * n);
  std::vector<double> a(count), b(count), c(count, 0.0);
  for (std::size_t i = 0; i < count; ++i) {
    a[i] = uniform_pm1(seed, i);
    b[i] = uniform_pm1(seed + 1, i);
  }
  const int ni = int(n);
  auto once = [&] {
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, ni, ni, ni, 1.0, a.data(), ni, b.data(), ni, 0.0,
                c.data(), ni);
  };
  for (int i = 0; i < warmup; ++i) once();
  std::vector<double> rate;
  for (int i = 0; i < iterations; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    once();
    rate.push_back(2.0 * double(n) * double(n) * double(n) / steady_seconds(t0));
  }
  // A few entries recomputed by hand: a wrong product is a failure, not a figure.
  std::mt19937_64 pick(seed);
  for (int t = 0; t < 16; ++t) {
    const std::int64_t i = std::int64_t(pick() % std::uint64_t(n)), j = std::int64_t(pick() % std::uint64_t(n));
    double want = 0, mag = 0;
    for (std::int64_t k = 0; k < n; ++k) {
      want += a[std::size_t(i + k * n)] * b[std::size_t(k + j * n)];
      mag += std::fabs(a[std::size_t(i + k * n)] * b[std::size_t(k + j * n)]);
    }
    if (std::fabs(c[std::size_t(i + j * n)] - want) > 4.0 * double(n) * 0x1.0p-53 * mag)
      die(fmt::format("direct dgemm: C({},{}) = {} but {} expected", i, j, c[std::size_t(i + j * n)], want));
  }
  return median(rate);
}

double direct_triad(std::int64_t n, int threads, int warmup, int iterations, std::uint64_t seed) {
  std::unique_ptr<double[]> a(new double[std::size_t(n)]), b(new double[std::size_t(n)]),
      c(new double[std::size_t(n)]);
  double* __restrict pa = a.get();
  double* __restrict pb = b.get();
  double* __restrict pc = c.get();
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t i = 0; i < n; ++i) {
    pa[i] = 0;
    pb[i] = 0.5 + uniform01(seed, std::uint64_t(i));
    pc[i] = 0.5 + uniform01(seed + 1, std::uint64_t(i));
  }
  const double s = 0.4;
  auto once = [&] {
#pragma omp parallel for schedule(static) num_threads(threads)
    for (std::int64_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
  };
  for (int i = 0; i < warmup; ++i) once();
  std::vector<double> bw;
  for (int i = 0; i < iterations; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    once();
    bw.push_back(3.0 * sizeof(double) * double(n) / steady_seconds(t0));
  }
  for (std::int64_t i = 0; i < n; i += 4099)
    if (pa[i] != pb[i] + s * pc[i]) die(fmt::format("direct triad: a[{}] wrong", i));
  return median(bw);
}

double direct_allreduce(std::int64_t bytes, int warmup, int iterations, std::uint64_t seed) {
  int rank = 0, n = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  const std::int64_t count = bytes / 4;
  // Small integers: every summation order gives the same exact float.
  std::vector<float> send(static_cast<std::size_t>(count)), recv(static_cast<std::size_t>(count));
  for (std::int64_t i = 0; i < count; ++i) send[std::size_t(i)] = float(uniform_int(seed + rank, i, -8, 8));
  auto once = [&] { MPI_Allreduce(send.data(), recv.data(), int(count), MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD); };
  for (int i = 0; i < warmup; ++i) once();
  std::vector<double> times;
  for (int i = 0; i < iterations; ++i) {
    MPI_Barrier(MPI_COMM_WORLD);
    const double t0 = MPI_Wtime();
    once();
    times.push_back(MPI_Wtime() - t0);
  }
  // The same basis as capbench's figure: each iteration's time is the slowest rank's.
  MPI_Allreduce(MPI_IN_PLACE, times.data(), int(times.size()), MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
  std::vector<double> busbw;
  for (const double t : times) busbw.push_back(busbw_bytes_per_s(Collective::all_reduce, n, double(count * 4), t));
  for (std::int64_t i = 0; i < count; ++i) {
    float want = 0;
    for (int r = 0; r < n; ++r) want += float(uniform_int(seed + r, i, -8, 8));
    if (recv[std::size_t(i)] != want) die(fmt::format("direct all_reduce: element {} wrong", i));
  }
  return median(busbw);
}

struct Pair {
  std::string name, unit;
  std::vector<double> capbench, direct;
};

// The three measurements, each timed by capbench and directly, one repetition after another.
struct Pairs {
  Pair gemm{"gemm fp64 (FLOP/s)", "FLOP/s", {}, {}}, triad{"stream triad fp64 (B/s)", "B/s", {}, {}},
      allreduce{"all_reduce busbw fp32 (B/s)", "B/s", {}, {}};
  std::int64_t stream_n = 0;  // the array size capbench chose (its 4x LLC rule)
};

class OverheadRun {
 public:
  OverheadRun(const Options& o, Comm& comm, Backend& backend, const Suite& suite, int threads)
      : o_(o), comm_(comm), backend_(backend), suite_(suite), threads_(threads), with_allreduce_(comm.size() > 1) {}

  bool with_allreduce() const { return with_allreduce_; }

  Pairs measure() {
    Pairs p;
    for (int rep = 0; rep < o_.repetitions; ++rep) {
      const bool capbench_first = rep % 2 == 0;  // alternate, so drift hits both alike
      for (int half = 0; half < 2; ++half) {
        if ((half == 0) == capbench_first)
          capbench_half(p);
        else
          direct_half(p, rep);
      }
      if (comm_.rank() == 0) fmt::print(stderr, "  repetition {} of {} done\n", rep + 1, o_.repetitions);
    }
    return p;
  }

 private:
  const PlannedCase& gemm_case() const { return suite_.plan[0]; }
  const PlannedCase& stream_case() const { return suite_.plan[1]; }
  const PlannedCase& allreduce_case() const { return suite_.plan[2]; }

  void capbench_half(Pairs& p) {
    RankResult g = run_capbench_case(backend_, gemm_case(), comm_);
    p.gemm.capbench.push_back(across_ranks(find_metric(g, "throughput").stats.median));
    RankResult s = run_capbench_case(backend_, stream_case(), comm_);
    p.stream_n = s.info.at("elements").get<std::int64_t>();
    p.triad.capbench.push_back(across_ranks(find_metric(s, "triad_bandwidth").stats.median));
    if (with_allreduce_) {
      RankResult a = run_capbench_case(backend_, allreduce_case(), comm_);
      p.allreduce.capbench.push_back(across_ranks(find_metric(a, "busbw").stats.median));
    }
  }

  void direct_half(Pairs& p, int rep) {
    const std::uint64_t seed = derive_seed(0xD1EC7ull, std::uint64_t(comm_.rank()), std::uint64_t(rep));
    MPI_Barrier(MPI_COMM_WORLD);
    p.gemm.direct.push_back(across_ranks(direct_gemm(o_.gemm_n, threads_, o_.warmup, o_.iterations, seed)));
    // The array size capbench chose is known after its first run.
    if (p.stream_n == 0) {
      RankResult s = run_capbench_case(backend_, stream_case(), comm_);
      p.stream_n = s.info.at("elements").get<std::int64_t>();
    }
    MPI_Barrier(MPI_COMM_WORLD);
    p.triad.direct.push_back(across_ranks(direct_triad(p.stream_n, threads_, o_.warmup, o_.iterations, seed)));
    if (with_allreduce_) {
      MPI_Barrier(MPI_COMM_WORLD);
      // Every rank must predict every other rank's inputs: one seed for all of them.
      p.allreduce.direct.push_back(across_ranks(
          direct_allreduce(o_.allreduce_bytes, o_.warmup, o_.iterations, derive_seed(0xA11ull, std::uint64_t(rep)))));
    }
  }

  const Options& o_;
  Comm& comm_;
  Backend& backend_;
  const Suite& suite_;
  const int threads_;
  const bool with_allreduce_;
};

// Rank 0: the table (and --json); returns 1 when a median ratio is below --min-ratio.
int report_pairs(const Options& o, int ranks, int threads, const Pairs& pairs) {
  int rc = 0;
  fmt::print("  stream arrays: {} elements ({:.1f} MiB each)\n", pairs.stream_n, double(pairs.stream_n) * 8 / 1048576.0);
  fmt::print("{:<30} {:>12} {:>12} {:>8} {:>17} {:>9} {:>8} {:>8}\n", "figure (median over ranks)", "capbench",
             "direct", "ratio", "95 % interval", "pairwise", "min", "max");
  json out = {{"ranks", ranks}, {"threads_per_rank", threads}, {"repetitions", o.repetitions},
              {"gemm_n", o.gemm_n}, {"stream_elements", pairs.stream_n}, {"allreduce_bytes", o.allreduce_bytes},
              {"figures", json::array()}};
  for (const Pair* p : {&pairs.gemm, &pairs.triad, &pairs.allreduce}) {
    if (p->capbench.empty()) continue;
    std::vector<double> ratio;
    for (std::size_t i = 0; i < p->capbench.size(); ++i) ratio.push_back(p->capbench[i] / p->direct[i]);
    // "ratio": capbench's median figure over the direct median figure, the criterion's
    // basis; "pairwise": the median of each repetition's own ratio.
    const RatioInterval rom = ratio_of_medians(p->capbench, p->direct);
    const double pairwise = median(ratio);
    fmt::print("{:<30} {:>12.4e} {:>12.4e} {:>8.4f}  [{:.4f}, {:.4f}] {:>9.4f} {:>8.4f} {:>8.4f}\n", p->name,
               median(p->capbench), median(p->direct), rom.value, rom.low, rom.high, pairwise,
               *std::min_element(ratio.begin(), ratio.end()), *std::max_element(ratio.begin(), ratio.end()));
    out["figures"].push_back({{"name", p->name}, {"unit", p->unit}, {"capbench", p->capbench},
                              {"direct", p->direct}, {"ratio", ratio}, {"median_ratio", pairwise},
                              {"ratio_of_medians", rom.value}, {"ratio_of_medians_95", {rom.low, rom.high}}});
    if (o.min_ratio > 0 && rom.value < o.min_ratio) rc = 1;
  }
  if (!o.json_out.empty()) std::ofstream(o.json_out) << out.dump(1) << "\n";
  if (rc) fmt::print("capbench_overhead: a median ratio is below {}\n", o.min_ratio);
  return rc;
}

}  // namespace
}  // namespace capbench

int main(int argc, char** argv) {
  using namespace capbench;
  Options o;
  CLI::App app{"capbench_overhead: capbench's CPU gemm, triad and all_reduce against the same calls timed directly"};
  app.add_option("--repetitions", o.repetitions, "Alternating capbench/direct pairs")->check(CLI::Range(1, 1000));
  app.add_option("--warmup", o.warmup, "Warm-up iterations of each measurement")->check(CLI::Range(0, 1000));
  app.add_option("--iterations", o.iterations, "Timed iterations of each measurement")->check(CLI::Range(1, 100000));
  app.add_option("--gemm-n", o.gemm_n, "DGEMM m = n = k")->check(CLI::Range(16, 16384));
  app.add_option("--stream-elements", o.stream_elements, "Elements per array, or auto (capbench's 4x LLC rule)");
  app.add_option("--allreduce-bytes", o.allreduce_bytes, "All-reduce message size (fp32)")
      ->check(CLI::Range(std::int64_t(4), std::int64_t(1) << 31));
  app.add_option("--threads", o.threads, "Threads per rank for both (default: capbench's choice)");
  app.add_option("--json", o.json_out, "Write every figure here (rank 0)");
  app.add_option("--min-ratio", o.min_ratio, "Exit 1 when a median ratio is below this");
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    const int code = rank == 0 ? app.exit(e) : 1;
    MPI_Finalize();
    return code == 0 ? 0 : 2;
  }

  int rc = 0;
  {
    Comm comm;
    Suite suite;
    try {
      suite = parse_suite(suite_text(o), "(capbench_overhead's suite)");
    } catch (const std::exception& e) {
      die(e.what());
    }
    BackendOptions bopts;
    bopts.threads = o.threads;
    auto backend = make_cpu_backend(bopts, comm);
    const int threads = o.threads > 0 ? o.threads : cpu_threads_per_rank(comm.local_size());
    OverheadRun run(o, comm, *backend, suite, threads);
    if (comm.rank() == 0)
      fmt::print("capbench_overhead: {} ranks ({} on this node), {} threads per rank, {} repetitions\n"
                 "  gemm fp64 {}^3; stream fp64 elements {}; all_reduce fp32 {} B{}\n",
                 comm.size(), comm.local_size(), threads, o.repetitions, o.gemm_n, o.stream_elements,
                 o.allreduce_bytes, run.with_allreduce() ? "" : " (skipped: needs 2 ranks or more)");
    const Pairs pairs = run.measure();
    if (comm.rank() == 0) rc = report_pairs(o, comm.size(), threads, pairs);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
  }
  MPI_Finalize();
  return rc;
}
