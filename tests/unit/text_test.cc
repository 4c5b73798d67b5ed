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

}  // namespace
}  // namespace nvmepr
