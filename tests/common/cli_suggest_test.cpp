#include "common/cli_suggest.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

using namespace capbench;

TEST(CliSuggest, EditDistance) {
  EXPECT_EQ(edit_distance("--suit", "--suite"), 1u);
  EXPECT_EQ(edit_distance("lsit", "list"), 1u);  // a swap of neighbours is one edit
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(CliSuggest, NearestWordOnlyWhenNear) {
  const std::vector<std::string> words{"run", "list", "check", "version"};
  EXPECT_EQ(nearest_word("chek", words).value_or(""), "check");
  EXPECT_EQ(nearest_word("vers", words).value_or(""), "version");  // a prefix
  EXPECT_FALSE(nearest_word("benchmark", words).has_value());
}

namespace {
std::vector<std::string> hints(std::vector<const char*> args) {
  CLI::App app{"t"};
  std::string suite, backend;
  auto* run = app.add_subcommand("run", "");
  run->add_option("--suite", suite);
  run->add_option("--backend", backend);
  app.add_subcommand("list", "");
  args.insert(args.begin(), "prog");
  return suggest_corrections(app, static_cast<int>(args.size()), args.data());
}
}  // namespace

TEST(CliSuggest, NamesUnknownOptionsAndSubcommands) {
  auto h = hints({"run", "--suit", "x.json"});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0], "unknown option '--suit' for 'run'; did you mean '--suite'?");
  h = hints({"lsit"});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0], "unknown command 'lsit'; did you mean 'list'?");
  h = hints({"frobnicate"});
  ASSERT_EQ(h.size(), 1u);
  EXPECT_NE(h[0].find("expected one of: run, list"), std::string::npos) << h[0];
  // An option's value is not taken for a subcommand or option; --backend=x is one token.
  EXPECT_TRUE(hints({"run", "--suite", "lsit", "--backend=cpu"}).empty());
  EXPECT_EQ(hints({"run", "--backnd=cpu"}).size(), 1u);
}
