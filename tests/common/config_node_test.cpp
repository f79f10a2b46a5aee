#include "common/config_node.hpp"
#include "tests/tools/config_error_of.hpp"
#include "tests/tools/scratch_dir.hpp"

#include <cstdio>

#include <gtest/gtest.h>

using namespace capbench;

namespace {
std::string error_of(const std::function<void()>& f) {
  return capbench::testing::config_error_of(f);
}
}  // namespace

TEST(ConfigNode, CommentsAreAllowed) {
  const json j = parse_jsonc("// a suite\n{ /* inline */ \"a\": 1 }", "x.json");
  EXPECT_EQ(j.at("a"), 1);
}

TEST(ConfigNode, SyntaxErrorNamesFileLineAndColumn) {
  const auto msg = error_of([] { parse_jsonc("{\n  \"a\": 1,\n  \"b\" 2\n}", "bad.json"); });
  EXPECT_NE(msg.find("bad.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("line 3"), std::string::npos) << msg;
}

TEST(ConfigNode, ErrorsNameTheKeyPathAndExpectation) {
  const json j = json::parse(R"({"cases": [{"sizes": [1, -2]}]})");
  ConfigNode root(j, "s.json");
  const auto msg = error_of([&] { root.at("cases")[0].at("sizes")[1].as_positive_int(); });
  EXPECT_NE(msg.find("s.json"), std::string::npos);
  EXPECT_NE(msg.find("cases[0].sizes[1]"), std::string::npos) << msg;
  EXPECT_NE(msg.find("positive integer"), std::string::npos) << msg;
  EXPECT_NE(msg.find("-2"), std::string::npos) << msg;
}

TEST(ConfigNode, UnknownKeyIsAnErrorListingAllowedKeys) {
  const json j = json::parse(R"({"name": "x", "nmae": "y"})");
  ConfigNode root(j, "s.json");
  const auto msg = error_of([&] { root.allow_only({"name", "description"}); });
  EXPECT_NE(msg.find("'nmae'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("description"), std::string::npos) << msg;
}

TEST(ConfigNode, MissingKeyIsNamed) {
  const json j = json::parse(R"({"a": {}})");
  ConfigNode root(j, "s.json");
  const auto msg = error_of([&] { root.at("a").at("b"); });
  EXPECT_NE(msg.find("a.b"), std::string::npos) << msg;
  EXPECT_NE(msg.find("missing"), std::string::npos) << msg;
}

TEST(ConfigNode, TypeChecks) {
  const json j = json::parse(R"({"s": "x", "n": 1.5, "i": 3, "b": true, "f": 1.5})");
  ConfigNode root(j, "s.json");
  EXPECT_EQ(root.at("s").as_string(), "x");
  EXPECT_THROW(root.at("s").as_number(), ConfigError);
  EXPECT_THROW(root.at("n").as_int(), ConfigError);
  EXPECT_EQ(root.at("i").as_positive_int(), 3);
  EXPECT_TRUE(root.at("b").as_bool());
  EXPECT_THROW(root.at("i").as_bool(), ConfigError);
  EXPECT_THROW(root.at("f").as_fraction(), ConfigError);
  EXPECT_THROW(root.at("s").as_enum({"a", "b"}), ConfigError);
}

// --- hostile input (issue 15) ---------------------------------------------------------------

TEST(ConfigNode, DuplicateKeyIsAnErrorNamingTheKeyPath) {
  const auto msg = error_of([] { parse_jsonc(R"({"cases": [{"a": 1}, {"b": {"c": 1, "c": 2}}]})", "d.json"); });
  EXPECT_NE(msg.find("d.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("'cases[1].b.c'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("twice"), std::string::npos) << msg;
  // The same key in two different objects is fine.
  EXPECT_EQ(error_of([] { parse_jsonc(R"({"x": {"c": 1}, "y": {"c": 2}})", "d.json"); }), "no error");
}

TEST(ConfigNode, NestingPastTheLimitIsRefusedNamingIt) {
  const std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_EQ(error_of([&] { parse_jsonc(ok, "n.json"); }), "no error");
  const std::string deep = std::string(65, '[') + std::string(65, ']');
  const auto msg = error_of([&] { parse_jsonc(deep, "n.json"); });
  EXPECT_NE(msg.find("nested more than 64 deep"), std::string::npos) << msg;
}

TEST(ConfigNode, TooManyValuesAreRefusedWhileReading) {
  std::string text = "[";
  for (int i = 0; i < 2'000'001; ++i) text += "0,";
  text += "0]";
  const auto msg = error_of([&] { parse_jsonc(text, "m.json"); });
  EXPECT_NE(msg.find("more than 2000000 values"), std::string::npos) << msg;
}

TEST(ConfigNode, TextThatIsNotUtf8IsRefusedWithLineAndColumn) {
  const auto msg = error_of([] { parse_jsonc("{\n  // caf\xe9\n  \"a\": 1\n}", "u.json"); });
  EXPECT_NE(msg.find("u.json"), std::string::npos) << msg;
  EXPECT_NE(msg.find("not UTF-8: byte 0xe9 at line 2, column 9"), std::string::npos) << msg;
  EXPECT_EQ(error_of([] { parse_jsonc("{\"a\": \"caf\xc3\xa9\"}", "u.json"); }), "no error");
}

TEST(ConfigNode, FileAboveTheSizeLimitIsRefusedBeforeReading) {
  const capbench::testing::ScratchDir dir;
  const std::string path = (dir.path / "capbench-sparse-config.json").string();
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fseek(f, long(1) << 30, SEEK_SET);  // sparse 1 GiB: never read
  std::fputc(' ', f);
  std::fclose(f);
  const auto msg = error_of([&] { load_jsonc_file(path); });
  std::remove(path.c_str());
  EXPECT_NE(msg.find("above the limit of 16 MiB"), std::string::npos) << msg;
}
