// capbench_gather_sim: rank 0's side of a run of N ranks without N processes. Rank payloads
// of the acceptance suite's sizes (synthetic results of a few hundred ranks, repeated to N)
// go through the runner's own code: the gathered texts read into the case
// (bench/runner/case_assembly), thinning, and the results writer. Two paths:
//   --path today  every rank sends its samples, rank 0 keeps every case in memory and
//                 rewrites the whole file after each case (write_results_file_atomic), as the
//                 runner of main f9910cd did;
//   --path new    above --all-samples-up-to ranks the payloads carry statistics only and the
//                 kept ranks' samples come in a second exchange; each case is appended by
//                 ResultsWriter and dropped (a digest stays).
// Prints rank 0's peak memory (VmHWM), bytes written (/proc/self/io) and the time.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "bench/runner/case_assembly.hpp"
#include "bench/runner/results_writer.hpp"
#include "bench/runner/sample_exchange.hpp"
#include "common/results.hpp"
#include "common/sample_retention.hpp"
#include "common/suite.hpp"
#include "common/utf8.hpp"
#include "tests/tools/synth_results.hpp"

namespace capbench {
namespace {

std::string proc_field(const char* file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key, 0) == 0) return line.substr(key.size());
  return "";
}

long long proc_number(const char* file, const std::string& key) {
  const std::string v = proc_field(file, key);
  return v.empty() ? -1 : std::stoll(v);
}

// What MPI_Igatherv leaves on rank 0 and main's Comm::gather handed out: one buffer of every
// text, then a string per rank cut from it (the buffer freed when gather returns).
std::vector<std::string> gathered(std::vector<std::string>& texts) {
  std::vector<char> buf;
  std::vector<std::size_t> sizes;
  std::size_t total = 0;
  for (const auto& t : texts) total += t.size();
  buf.reserve(total);
  for (auto& t : texts) {  // the ranks' own texts are not rank 0's: freed as they are copied
    buf.insert(buf.end(), t.begin(), t.end());
    sizes.push_back(t.size());
    std::string().swap(t);
  }
  std::vector<std::string> out;
  out.reserve(sizes.size());
  std::size_t at = 0;
  for (std::size_t n : sizes) {
    out.emplace_back(buf.data() + at, n);
    at += n;
  }
  return out;
}

CaseResult case_header(const CaseResult& c) {
  CaseResult h = c;
  h.ranks.clear();
  h.status.clear();
  h.info.erase("samples_kept");
  return h;
}

int run(int argc, char** argv) {
  CLI::App app{"capbench_gather_sim: rank 0's gather and writer for N synthetic ranks, today's path or the new"};
  int ranks = 16384, template_ranks = 256, threshold = kKeepAllSamplesUpTo;
  std::string suite_path, out_path, path = "new";
  app.add_option("--ranks", ranks, "Ranks to simulate")->required()->check(CLI::Range(1, 1 << 22));
  app.add_option("--suite", suite_path, "Suite whose cases the payloads hold")->required();
  app.add_option("--out", out_path, "Results file to write")->required();
  app.add_option("--path", path, "today | new")->check(CLI::IsMember({"today", "new"}));
  app.add_option("--template-ranks", template_ranks, "Distinct synthetic ranks, repeated to --ranks")
      ->check(CLI::Range(8, 4096));
  app.add_option("--all-samples-up-to", threshold, "As capbench run's option");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const Suite suite = load_suite_file(suite_path);
  SynthOptions so;
  so.ranks = template_ranks;
  so.all_samples_up_to = -1;  // the templates keep every sample: the ranks have them
  const ResultsFile tmpl = synthesize_results(suite, so);
  const bool today = path == "today";
  const bool later = !today && thin_at_source(ranks, threshold);

  ResultsFile head;
  head.run = tmpl.run;
  head.run.nranks = ranks;
  head.run.nnodes = (ranks + 7) / 8;
  head.suite = tmpl.suite;
  head.health = tmpl.health;
  for (int r = 0; r < ranks; ++r) {
    RankIdentity id = tmpl.ranks[static_cast<std::size_t>(r % template_ranks)];
    id.rank = r;
    id.local_rank = r % 8;
    id.node_index = r / 8;
    id.host = fmt::format("node{:05d}", r / 8 + 1);
    head.ranks.push_back(std::move(id));
  }
  const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const long long hwm_setup = proc_number("/proc/self/status", "VmHWM:");

  std::unique_ptr<ResultsWriter> writer;
  ResultsFile whole;  // today: every case stays on rank 0
  if (today) {
    whole = head;
    write_results_file_atomic(out_path, whole);
  } else {
    writer = std::make_unique<ResultsWriter>(out_path, head);
  }
  const auto t1 = std::chrono::steady_clock::now();
  for (const auto& tc : tmpl.cases) {
    // Each rank's text as it leaves the rank, in what the gather hands rank 0: one string per
    // rank (today: cut from the MPI_Igatherv buffer, which is held alongside them; new: cut
    // from each node's message, freed node by node, so at most one message alongside).
    std::vector<std::string> texts(static_cast<std::size_t>(ranks));
    for (int r = 0; r < ranks; ++r) {
      RankResult rr = tc.ranks[static_cast<std::size_t>(r % template_ranks)];
      rr.rank = r;
      if (later) take_samples(rr);
      texts[static_cast<std::size_t>(r)] = json_text(rank_result_to_json(rr));
    }
    std::vector<std::string> payloads = today ? gathered(texts) : std::move(texts);
    std::vector<std::string>().swap(texts);
    CaseResult cr = case_header(tc);
    if (today) {  // main f9910cd: every text stays until the whole case is read
      for (int r = 0; r < ranks; ++r) {
        cr.ranks.push_back(rank_result_from_json(json::parse(payloads[static_cast<std::size_t>(r)]), "sim", ""));
        cr.ranks.back().rank = r;
      }
      std::vector<std::string>().swap(payloads);
    } else {
      read_rank_payloads(cr, payloads);
    }
    if (later) {  // the second exchange: the kept ranks' samples
      std::vector<int> sources;
      std::vector<std::string> sample_texts;
      for (int r : ranks_keeping_samples(cr)) {
        RankResult rr = tc.ranks[static_cast<std::size_t>(r % template_ranks)];
        sources.push_back(r);
        sample_texts.push_back(samples_text(take_samples(rr)));
      }
      merge_kept_samples(cr, sources, sample_texts);
    }
    thin_samples(cr, threshold);
    if (today) {
      cr.status = derive_case_status(cr.ranks);
      whole.cases.push_back(std::move(cr));
      write_results_file_atomic(out_path, whole);
    } else {
      writer->add_case(std::move(cr));
    }
  }
  if (today) {
    whole.run.status = "complete";
    whole.run.finished_at = utc_now_iso8601();
    write_results_file_atomic(out_path, whole);
  } else {
    writer->finish("complete", "");
  }
  const double run_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  std::ifstream f(out_path, std::ios::binary | std::ios::ate);
  const long long file_bytes = static_cast<long long>(f.tellg());
  const long long wchar = proc_number("/proc/self/io", "wchar:");
  const long long write_bytes = proc_number("/proc/self/io", "write_bytes:");
  fmt::print("path={} ranks={} cases={} file_bytes={} wchar={} write_bytes={} written_over_file={:.3f} "
             "vmhwm_kb={} vmhwm_setup_kb={} setup_s={:.1f} gather_and_write_s={:.1f}\n",
             path, ranks, tmpl.cases.size(), file_bytes, wchar, write_bytes,
             file_bytes > 0 ? double(wchar) / double(file_bytes) : 0.0, proc_number("/proc/self/status", "VmHWM:"),
             hwm_setup, setup_s, run_s);
  return 0;
}

}  // namespace
}  // namespace capbench

int main(int argc, char** argv) {
  try {
    return capbench::run(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "capbench_gather_sim: {}\n", e.what());
    return 1;
  }
}
