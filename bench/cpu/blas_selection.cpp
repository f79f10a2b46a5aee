#include "bench/cpu/blas_selection.hpp"

#include <cblas.h>
#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "bench/cpu/cpu_freivalds.hpp"
#include "common/random.hpp"

namespace capbench {

namespace {

constexpr int kOrderColMajor = 102, kNoTrans = 111;
constexpr int kProbeN = 1024;  // 2.1 GFLOP per call: long enough to rank kernels, short on a slow one
constexpr int kTimedCalls = 3;

void linked_dgemm(int o, int ta, int tb, int m, int n, int k, double al, const double* a, int lda, const double* b,
                  int ldb, double be, double* c, int ldc) {
  cblas_dgemm(CBLAS_ORDER(o), CBLAS_TRANSPOSE(ta), CBLAS_TRANSPOSE(tb), m, n, k, al, a, lda, b, ldb, be, c, ldc);
}
void linked_sgemm(int o, int ta, int tb, int m, int n, int k, float al, const float* a, int lda, const float* b,
                  int ldb, float be, float* c, int ldc) {
  cblas_sgemm(CBLAS_ORDER(o), CBLAS_TRANSPOSE(ta), CBLAS_TRANSPOSE(tb), m, n, k, al, a, lda, b, ldb, be, c, ldc);
}
void linked_threads(int t) { openblas_set_num_threads(t); }

BlasKernel linked_kernel() {
  BlasKernel k;
  k.name = "OpenBLAS as loaded";
  k.library = "linked libopenblas";
  k.core = openblas_get_corename();
  k.dgemm = linked_dgemm;
  k.sgemm = linked_sgemm;
  k.set_threads = linked_threads;
  return k;
}

// Loads a private copy of a library, with OPENBLAS_CORETYPE set (or not) while it starts.
std::optional<BlasKernel> load_copy(const std::string& name, const std::string& file, const char* core_type,
                                    std::string& problem) {
#if defined(CAPBENCH_NO_DLMOPEN)
  (void)name, (void)file, (void)core_type;
  problem = "not tried: this build (sanitizers) loads no private library copies";
  return std::nullopt;
#else
  const char* before = std::getenv("OPENBLAS_CORETYPE");
  const std::string saved = before ? before : "";
  if (core_type) ::setenv("OPENBLAS_CORETYPE", core_type, 1);
  void* h = ::dlmopen(LM_ID_NEWLM, file.c_str(), RTLD_NOW | RTLD_LOCAL);
  const char* err = h ? nullptr : ::dlerror();
  if (before) ::setenv("OPENBLAS_CORETYPE", saved.c_str(), 1);
  else ::unsetenv("OPENBLAS_CORETYPE");
  if (!h) {
    problem = fmt::format("{} did not load: {}", file, err ? err : "unknown error");
    return std::nullopt;
  }
  BlasKernel k;
  k.name = name;
  k.library = file;
  k.handle = h;  // never closed: a BLAS keeps threads that would outlive its code
  k.dgemm = reinterpret_cast<DgemmFn>(::dlsym(h, "cblas_dgemm"));
  k.sgemm = reinterpret_cast<SgemmFn>(::dlsym(h, "cblas_sgemm"));
  if (auto f = reinterpret_cast<void (*)(int)>(::dlsym(h, "openblas_set_num_threads"))) k.set_threads = f;
  else if (auto g = reinterpret_cast<void (*)(int)>(::dlsym(h, "bli_thread_set_num_threads"))) k.set_threads = g;
  if (auto c = reinterpret_cast<char* (*)()>(::dlsym(h, "openblas_get_corename"))) k.core = c();
  if (!k.dgemm || !k.sgemm) {
    problem = fmt::format("{} has no cblas_dgemm/cblas_sgemm", file);
    return std::nullopt;
  }
  return k;
#endif
}

template <class T>
std::vector<T> random_matrix(std::size_t count, std::uint64_t seed) {
  std::vector<T> v(count);
  for (std::size_t i = 0; i < count; ++i) v[i] = static_cast<T>(uniform_pm1(seed, i));
  return v;
}

// Times and checks one kernel: DGEMM at kProbeN (median of the timed calls), and one SGEMM,
// both judged by Freivalds' test as the benchmark's own results are.
BlasCandidateResult probe(const BlasKernel& k, int threads) {
  BlasCandidateResult r;
  r.name = k.name;
  r.core = k.core;
  if (k.set_threads) k.set_threads(threads);
  const int n = kProbeN;
  const auto nn = std::size_t(n) * std::size_t(n);
  const auto a = random_matrix<double>(nn, 0xB1A5A), b = random_matrix<double>(nn, 0xB1A5B);
  std::vector<double> c(nn, 0.0);
  k.dgemm(kOrderColMajor, kNoTrans, kNoTrans, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, c.data(), n);
  std::vector<double> seconds;
  for (int i = 0; i < kTimedCalls; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    k.dgemm(kOrderColMajor, kNoTrans, kNoTrans, n, n, n, 1.0, a.data(), n, b.data(), n, 0.0, c.data(), n);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(seconds.begin(), seconds.end());
  r.dgemm_flops = 2.0 * n * n * n / seconds[seconds.size() / 2];
  const Verification vd = freivalds_verify_host(a.data(), b.data(), c.data(), n, n, n,
                                                precision_info(Precision::fp64), 0xF4E1);
  const int ns = 512;
  const auto ms = std::size_t(ns) * std::size_t(ns);
  const auto as = random_matrix<float>(ms, 0xB1A5C), bs = random_matrix<float>(ms, 0xB1A5D);
  std::vector<float> cs(ms, 0.0f);
  k.sgemm(kOrderColMajor, kNoTrans, kNoTrans, ns, ns, ns, 1.0f, as.data(), ns, bs.data(), ns, 0.0f, cs.data(), ns);
  const Verification vs = freivalds_verify_host(as.data(), bs.data(), cs.data(), ns, ns, ns,
                                                precision_info(Precision::fp32), 0xF4E2);
  r.verified = vd.status == "passed" && vs.status == "passed";
  if (!r.verified)
    r.problem = fmt::format("wrong answers: dgemm {} ({}), sgemm {} ({})", vd.status, vd.detail, vs.status, vs.detail);
  return r;
}

std::vector<std::string> split_paths(const char* s) {
  std::vector<std::string> out;
  if (!s) return out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ':'))
    if (!item.empty()) out.push_back(item);
  return out;
}

BlasChoice search(int threads) {
  BlasChoice choice;
  std::vector<BlasKernel> kernels{linked_kernel()};
  choice.generic_fallback_detected = is_generic_openblas_core(kernels[0].core) && __builtin_cpu_supports("avx2");
  const char* mode = std::getenv("CAPBENCH_BLAS");
  if (mode && std::string(mode) == "linked") {
    choice.kernel = kernels[0];
    choice.reason = "CAPBENCH_BLAS=linked: the linked library as loaded, no search";
    return choice;
  }
  auto try_load = [&](const std::string& name, const std::string& file, const char* core) {
    std::string problem;
    if (auto k = load_copy(name, file, core, problem)) {
      // Two core types can map to one kernel (OpenBLAS 0.3.21 runs SapphireRapids as Cooperlake).
      for (const auto& seen : kernels)
        if (!k->core.empty() && seen.core == k->core && seen.library.find("openblas") != std::string::npos &&
            k->library.find("openblas") != std::string::npos)
          return;
      kernels.push_back(*k);
    } else {
      choice.candidates.push_back({name, "", 0, false, problem});
    }
  };
  for (const auto& core : openblas_core_types_for_this_cpu())
    try_load("OpenBLAS OPENBLAS_CORETYPE=" + core, "libopenblas.so.0", core.c_str());
  bool blis = false;
  for (const char* file : {"libblis.so.4", "libblis.so.3"}) {
    std::string problem;
    if (auto k = load_copy("BLIS", file, nullptr, problem)) {
      kernels.push_back(*k);
      blis = true;
      break;
    }
  }
  if (!blis) choice.candidates.push_back({"BLIS", "", 0, false, "not installed (Debian's libblis4)"});
  for (const auto& path : split_paths(std::getenv("CAPBENCH_BLAS_CANDIDATES"))) try_load(path, path, nullptr);

  int best = -1;
  for (std::size_t i = 0; i < kernels.size(); ++i) {
    auto r = probe(kernels[i], threads);
    if (r.verified && (best < 0 || r.dgemm_flops > choice.candidates[std::size_t(best)].dgemm_flops))
      best = int(choice.candidates.size());
    choice.candidates.push_back(r);
    kernels[i].core = r.core;
  }
  if (best < 0) {
    choice.kernel = kernels[0];
    choice.reason = "no candidate passed Freivalds' check; the linked library is used and its own checks decide";
    return choice;
  }
  const auto& winner = choice.candidates[std::size_t(best)];
  for (const auto& k : kernels)
    if (k.name == winner.name) choice.kernel = k;
  choice.reason = fmt::format("fastest of {} candidates whose DGEMM ({}^3) and SGEMM answers passed Freivalds' check: "
                              "{:.1f} GFLOP/s", kernels.size(), kProbeN, winner.dgemm_flops / 1e9);
  return choice;
}

}  // namespace

void* BlasKernel::symbol(const char* sym) const { return ::dlsym(handle ? handle : RTLD_DEFAULT, sym); }

std::vector<std::string> openblas_core_types_for_this_cpu() {
  __builtin_cpu_init();
  std::vector<std::string> out;
  if (__builtin_cpu_supports("avx512f")) {
    out.push_back("SkylakeX");
    if (__builtin_cpu_supports("avx512bf16")) out.push_back("Cooperlake");
  }
  if (__builtin_cpu_supports("avx2")) {
    out.push_back("Haswell");
    if (__builtin_cpu_is("amd")) out.push_back("Zen");
  }
  return out;
}

bool is_generic_openblas_core(const std::string& core) {
  std::string c = core;
  std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
  for (const char* generic : {"prescott", "core2", "penryn", "dunnington", "nehalem", "atom", "katmai", "coppermine",
                              "northwood", "banias", "opteron", "barcelona"})
    if (c == generic) return true;
  return false;
}

json BlasChoice::to_json() const {
  json cands = json::array();
  for (const auto& c : candidates) {
    json j = {{"name", c.name}, {"verified", c.verified}};
    if (!c.core.empty()) j["core"] = c.core;
    if (c.dgemm_flops > 0) j["dgemm_flops"] = c.dgemm_flops;
    if (!c.problem.empty()) j["problem"] = c.problem;
    cands.push_back(std::move(j));
  }
  return {{"used", kernel.name}, {"library", kernel.library}, {"core", kernel.core}, {"reason", reason},
          {"generic_fallback_detected", generic_fallback_detected}, {"candidates", cands},
          {"probe", fmt::format("DGEMM {0}x{0}x{0}, 1 warm-up and {1} timed calls (median), and SGEMM 512^3, each "
                                "checked by Freivalds' test", kProbeN, kTimedCalls)}};
}

const BlasChoice& choose_blas(int threads) {
  static std::once_flag once;
  static BlasChoice choice;
  std::call_once(once, [&] { choice = search(threads); });
  return choice;
}

}  // namespace capbench
