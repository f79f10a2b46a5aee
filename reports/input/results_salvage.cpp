#include "reports/input/results_salvage.hpp"

#include <sys/stat.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "common/results.hpp"
#include "common/results_journal.hpp"

namespace capbench {

namespace {

// A trailer is the run block and a few bytes: far below this, whatever the environment holds.
constexpr std::uint64_t kMostTrailerBytes = std::uint64_t(16) << 20;

std::string read_bytes(std::ifstream& in, std::uint64_t at, std::size_t n) {
  std::string s(n, '\0');
  in.seekg(static_cast<std::streamoff>(at));
  in.read(s.data(), static_cast<std::streamsize>(n));
  s.resize(static_cast<std::size_t>(in.gcount()));
  return s;
}

// The last write to the cut file: when the writer stopped, to the second.
std::string modified_at_utc(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  std::tm tm{};
  ::gmtime_r(&st.st_mtime, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

SalvageOutcome salvage_results(const std::string& results, const std::string& out) {
  const std::string jpath = journal_path(results);
  if (!std::filesystem::exists(jpath))
    throw ConfigError(results, "", fmt::format("no journal {} beside it: nothing to salvage from", jpath));
  const ResultsJournal j = read_results_journal(jpath);
  std::error_code ec;
  if (std::filesystem::exists(out) && std::filesystem::equivalent(results, out, ec))
    throw ConfigError(out, "", "is the file to salvage; salvage writes a new file and leaves the cut one as it is");
  const std::uint64_t size = std::filesystem::file_size(results, ec);
  if (ec) throw ConfigError(results, "", "cannot read its size: " + ec.message());

  // The journal must describe this file: long enough, "cases" opening where it says, and
  // the finished part ending as a case (or the opening itself) ends.
  if (size < j.cases_end)
    throw ConfigError(jpath, "cases_end",
                      fmt::format("{} is beyond the end of {} ({} bytes): the journal is not this file's", j.cases_end,
                                  results, size));
  std::ifstream in(results, std::ios::binary);
  if (!in) throw ConfigError(results, "", "cannot open for reading");
  const std::string opening = "\"cases\": [";
  if (j.head_end < opening.size() || read_bytes(in, j.head_end - opening.size(), opening.size()) != opening)
    throw ConfigError(jpath, "head_end", fmt::format("{} is not where {}'s \"cases\" opens: the journal is not this file's",
                                                     j.head_end, results));
  const char last = read_bytes(in, j.cases_end - 1, 1).front();
  if (last != (j.cases > 0 ? '}' : '['))
    throw ConfigError(jpath, "cases_end",
                      fmt::format("{} is not where a case of {} ends: the journal is not this file's", j.cases_end, results));

  // Whole as the writer left it between two cases: the journal's own trailer after the
  // finished cases. Told from the tail alone, so a whole file of any size is not read.
  const std::uint64_t tail = size - j.cases_end;
  if (tail <= kMostTrailerBytes && read_bytes(in, j.cases_end, static_cast<std::size_t>(tail)) ==
                                       results_trailer_text(j.run, tail))
    return {j.cases, 0, false, true};

  json run = j.run;
  const std::string before = run.value("status_reason", "");
  run["status"] = "incomplete";
  // What the writer was writing past the finished cases: the trailer begins "\n ]", a case
  // ",\n" or "\n  {".
  in.clear();
  const bool in_trailer = read_bytes(in, j.cases_end, 3) == "\n ]";
  const std::string doing =
      in_trailer ? fmt::format("writing the end of the file after case {}", j.cases)
                 : fmt::format("appending case {}", j.cases + 1);
  run["status_reason"] =
      fmt::format("salvaged by capreport salvage from {}: the writer stopped while {} (killed or crashed); {}{}",
                  std::filesystem::path(results).filename().string(), doing,
                  j.cases == 0   ? std::string("no case had finished before it")
                  : j.cases == 1 ? std::string("the 1 case finished before it is kept as written")
                                 : fmt::format("the {} cases finished before it are kept as written", j.cases),
                  before.empty() ? "" : "; before: " + before);
  if (run.value("finished_at", "").empty()) run["finished_at"] = modified_at_utc(results);

  write_text_atomic(out, [&](const std::function<void(std::string_view)>& sink) {
    std::string buf(std::size_t(4) << 20, '\0');
    in.clear();
    in.seekg(0);
    for (std::uint64_t left = j.cases_end; left > 0;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
      in.read(buf.data(), static_cast<std::streamsize>(n));
      if (static_cast<std::size_t>(in.gcount()) != n) throw ConfigError(results, "", "read error while copying its cases");
      sink(std::string_view(buf.data(), n));
      left -= n;
    }
    sink(results_trailer_text(run));
  });
  try {
    read_results_file(out);
  } catch (const ConfigError& e) {
    std::filesystem::remove(out, ec);
    throw ConfigError(results, "", fmt::format("the salvaged file does not read, so none was kept: {}", e.what()));
  }
  return {j.cases, tail, in_trailer, false};
}

}  // namespace capbench
