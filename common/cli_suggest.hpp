#pragma once
// "Did you mean ...?" for command lines: after a parse error, each unknown subcommand or
// option is named with the nearest valid one (edit distance), so a typo costs one retry.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace CLI {
class App;
}

namespace capbench {

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbours each cost 1 ("--suit" -> "--suite" is 1, "lsit" -> "list" is 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate nearest to `word`, when it is near enough to be a likely typo (at most a third
// of the word's length, and at least 2, edits away); nullopt otherwise. Ties go to the first.
std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates);

// Walks argv as CLI11 would (subcommands, options and their values) and returns one line per
// unknown subcommand or option, naming the nearest valid one where there is one.
std::vector<std::string> suggest_corrections(const CLI::App& app, int argc, const char* const* argv);

}  // namespace capbench
