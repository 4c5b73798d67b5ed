// SPDX-License-Identifier: GPL-2.0-or-later
#include "text.h"

#include <gtest/gtest.h>

namespace nvmepr {
namespace {

TEST(TextTest, TrimDropsBlanksAtBothEnds) {
  EXPECT_EQ(Trim("  a b \t\r"), "a b");
  EXPECT_EQ(Trim("\r\t x"), "x");
  EXPECT_EQ(Trim(" \t "), "");
  EXPECT_EQ(Trim(""), "");
}

TEST(TextTest, LowerIsAsciiOnly) {
  EXPECT_EQ(Lower("Write-Exclusive_ALL"), "write-exclusive_all");
  EXPECT_EQ(Lower("\xc3\x84"), "\xc3\x84") << "bytes above ASCII pass unchanged";
}

TEST(TextTest, SplitListOnCommasSemicolonsAndBlanks) {
  EXPECT_EQ(SplitList("a, b;;c\td\ne"), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_TRUE(SplitList(" , ; ").empty());
}

TEST(TextTest, EditDistance) {
  EXPECT_EQ(EditDistance("stauts", "status"), 2u);
  EXPECT_EQ(EditDistance("", "on"), 2u);
  EXPECT_EQ(EditDistance("monitor", "monitor"), 0u);
}

TEST(TextTest, AppendHexKeepsLeadingZerosAndOnlyTheLowDigits) {
  std::string text = "0x";
  AppendHex(text, 0x1A2B, 8);
  EXPECT_EQ(text, "0x00001a2b");
  text.clear();
  AppendHex(text, 0xFFFFFFFFFFFFFFFFull, 16);
  EXPECT_EQ(text, "ffffffffffffffff");
  text.clear();
  AppendHex(text, 0x1234, 2);
  EXPECT_EQ(text, "34") << "digits bounds the output";
}

TEST(TextTest, HexBytesInOrder) {
  const std::uint8_t bytes[] = {0xa5, 0x01, 0x00, 0xff};
  EXPECT_EQ(HexBytes(bytes), "a50100ff");
  EXPECT_EQ(HexBytes({}), "");
}

}  // namespace
}  // namespace nvmepr
