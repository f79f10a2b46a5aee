#include "common/results_journal.hpp"

#include <limits>

#include <fmt/format.h>

#include "common/results.hpp"

namespace capbench {

std::string journal_path(const std::string& results_path) { return results_path + ".journal"; }

void write_results_journal(const std::string& path, const ResultsJournal& j) {
  const json doc{{"schema", kJournalSchema},
                 {"head_end", j.head_end},
                 {"cases_end", j.cases_end},
                 {"cases", j.cases},
                 {"run", j.run}};
  write_text_atomic(path, doc.dump(1) + "\n");
}

ResultsJournal read_results_journal(const std::string& path) {
  const json doc = load_jsonc_file(path);  // bounded: files above 16 MiB are refused unread
  const ConfigNode root(doc, path);
  root.expect_object();
  root.allow_only({"schema", "head_end", "cases_end", "cases", "run"});
  if (root.at("schema").as_string() != kJournalSchema)
    root.at("schema").fail(fmt::format("\"{}\"", kJournalSchema));
  constexpr auto most = std::numeric_limits<std::int64_t>::max();
  ResultsJournal j;
  j.head_end = static_cast<std::uint64_t>(root.at("head_end").as_int_in(1, most));
  j.cases_end = static_cast<std::uint64_t>(root.at("cases_end").as_int_in(1, most));
  j.cases = root.at("cases").as_non_negative_int();
  if (j.cases_end < j.head_end) root.at("cases_end").fail(fmt::format("at least head_end ({})", j.head_end));
  root.at("run").expect_object();
  j.run = root.at("run").raw();
  return j;
}

std::string results_trailer_text(const json& run, std::uint64_t covering) {
  std::string t = "\n ],\n \"run\": " + layered_text(run, 1) + "\n}";
  if (t.size() + 1 < covering) t.append(covering - t.size() - 1, ' ');
  t += '\n';
  return t;
}

}  // namespace capbench
