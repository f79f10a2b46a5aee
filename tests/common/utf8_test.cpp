#include "common/utf8.hpp"

#include <gtest/gtest.h>

using namespace capbench;

TEST(Utf8, FindsTheFirstInvalidByte) {
  EXPECT_FALSE(first_invalid_utf8("plain ascii"));
  EXPECT_FALSE(first_invalid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_EQ(first_invalid_utf8("ab\xff"), 2u);
  EXPECT_EQ(first_invalid_utf8("\xc0\xaf"), 0u);          // overlong
  EXPECT_EQ(first_invalid_utf8("x\xed\xa0\x80"), 1u);     // a surrogate
  EXPECT_EQ(first_invalid_utf8("\xe2\x82"), 0u);          // truncated
  EXPECT_EQ(first_invalid_utf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
}

TEST(Utf8, EscapesOnlyTheInvalidBytes) {
  EXPECT_EQ(escape_invalid_utf8("node\xff\xfe-07"), "node\\xff\\xfe-07");
  EXPECT_EQ(escape_invalid_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(Utf8, JsonTextNeverThrows) {
  const nlohmann::json j = {{"host", std::string("bad\xff")}};
  EXPECT_THROW((void)j.dump(), nlohmann::json::type_error);  // why json_text exists
  EXPECT_EQ(json_text(j), "{\"host\":\"bad\xef\xbf\xbd\"}");
}
