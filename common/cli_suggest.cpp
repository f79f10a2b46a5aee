#include "common/cli_suggest.hpp"

#include <algorithm>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace capbench {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[n][m];
}

std::optional<std::string> nearest_word(std::string_view word, const std::vector<std::string>& candidates) {
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::optional<std::string> best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    // A prefix typed in full ("--back" for "--backend") counts as near.
    const std::size_t d = c.size() > word.size() && c.compare(0, word.size(), word) == 0 && word.size() >= 3
                              ? 1
                              : edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

namespace {

// Options an argument of `app` may name: its own and those its parents let fall through.
std::vector<const CLI::Option*> visible_options(const CLI::App* app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::App* a = app; a; a = a->get_parent()) {
    for (const auto* o : a->get_options()) out.push_back(o);
    if (!a->get_fallthrough()) break;
  }
  return out;
}

std::vector<std::string> long_names(const std::vector<const CLI::Option*>& options) {
  std::vector<std::string> out;
  for (const auto* o : options)
    for (const auto& l : o->get_lnames()) out.push_back("--" + l);
  return out;
}

std::string where(const CLI::App* app) {
  return app->get_parent() ? fmt::format(" for '{}'", app->get_name()) : std::string();
}

}  // namespace

std::vector<std::string> suggest_corrections(const CLI::App& app, int argc, const char* const* argv) {
  std::vector<std::string> out;
  const CLI::App* current = &app;
  bool subcommand_expected = !app.get_subcommands([](const CLI::App*) { return true; }).empty();
  for (int i = 1; i < argc; ++i) {
    const std::string token = argv[i];
    if (token == "--") break;
    if (token.size() > 2 && token.compare(0, 2, "--") == 0) {
      const std::string name = token.substr(2, token.find('=') == std::string::npos ? std::string::npos
                                                                                      : token.find('=') - 2);
      const auto options = visible_options(current);
      const auto it = std::find_if(options.begin(), options.end(),
                                   [&](const CLI::Option* o) { return o->check_lname(name); });
      if (it == options.end()) {
        const auto near = nearest_word("--" + name, long_names(options));
        out.push_back(near ? fmt::format("unknown option '--{}'{}; did you mean '{}'?", name, where(current), *near)
                           : fmt::format("unknown option '--{}'{}; see --help", name, where(current)));
      } else if ((*it)->get_expected_min() > 0 && token.find('=') == std::string::npos) {
        ++i;  // its value
      }
      continue;
    }
    if (token.size() > 1 && token[0] == '-') {
      const auto options = visible_options(current);
      const std::string name = token.substr(1, 1);
      const auto it = std::find_if(options.begin(), options.end(),
                                   [&](const CLI::Option* o) { return o->check_sname(name); });
      if (it != options.end() && (*it)->get_expected_min() > 0 && token.size() == 2) ++i;
      continue;
    }
    if (!subcommand_expected) continue;  // a positional argument
    std::vector<std::string> names;
    const CLI::App* match = nullptr;
    for (const auto* s : current->get_subcommands([](const CLI::App*) { return true; })) {
      names.push_back(s->get_name());
      if (s->check_name(token)) match = s;
    }
    if (match) {
      current = match;
      subcommand_expected = !match->get_subcommands([](const CLI::App*) { return true; }).empty();
      continue;
    }
    const auto near = nearest_word(token, names);
    out.push_back(near ? fmt::format("unknown command '{}'{}; did you mean '{}'?", token, where(current), *near)
                       : fmt::format("unknown command '{}'{}; expected one of: {}", token, where(current),
                                     fmt::join(names, ", ")));
    break;
  }
  return out;
}

}  // namespace capbench
