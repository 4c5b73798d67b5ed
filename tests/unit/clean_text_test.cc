// SPDX-License-Identifier: GPL-2.0-or-later
#include "clean_text.h"

#include <gtest/gtest.h>

#include "ocf_exit.h"

namespace nvmepr {
namespace {

TEST(CleanTextTest, PrintableAsciiAndUtf8PassUnchanged) {
  EXPECT_EQ(CleanText("node1: key 0x2b on /dev/nvme0n1"), "node1: key 0x2b on /dev/nvme0n1");
  EXPECT_EQ(CleanText("n\xc5\x93ud-\xe6\x97\xa5\xf0\x9f\x92\xbe"), "n\xc5\x93ud-\xe6\x97\xa5\xf0\x9f\x92\xbe");
}

TEST(CleanTextTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(CleanText("a\nerror: forged"), "a\\x0aerror: forged");
  EXPECT_EQ(CleanText("\x1b[2J\r\t\x7f"), "\\x1b[2J\\x0d\\x09\\x7f");
  EXPECT_EQ(CleanText(std::string_view("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(CleanText("\xc2\x9b"
                      "31m"),
            "\\xc2\\x9b31m")
      << "C1 control CSI, UTF-8 encoded";
}

TEST(CleanTextTest, InvalidUtf8IsEscaped) {
  EXPECT_EQ(CleanText("\xff\xfe"), "\\xff\\xfe");
  EXPECT_EQ(CleanText("\xc3"), "\\xc3") << "truncated sequence";
  EXPECT_EQ(CleanText("\xc0\xaf"), "\\xc0\\xaf") << "overlong";
  EXPECT_EQ(CleanText("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "surrogate";
}

// Trojan Source in a log line: "node1\u202e...": a viewer shows the rest
// reversed; U+2028 starts a new line in some viewers (a forged line).
TEST(CleanTextTest, FormatCharactersAndLineSeparatorsAreEscaped) {
  EXPECT_EQ(CleanText("node1\u202Edecnef\u202C"), "node1\\xe2\\x80\\xaedecnef\\xe2\\x80\\xac") << "RLO, PDF";
  EXPECT_EQ(CleanText("a\u2028error: forged"), "a\\xe2\\x80\\xa8error: forged") << "line separator";
  EXPECT_EQ(CleanText("a\u2029b"), "a\\xe2\\x80\\xa9b") << "paragraph separator";
  for (const char* bidi : {"\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069",
                           "\u200E", "\u200F", "\u061C"}) {
    const std::string clean = CleanText(bidi);
    EXPECT_EQ(clean.size(), std::string(bidi).size() * 4) << "every byte escaped: " << clean;
    EXPECT_EQ(clean.substr(0, 2), "\\x") << clean;
  }
  for (const char* hidden : {"\u200B", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\U000E0041", "\U000E0001"}) {
    EXPECT_EQ(CleanText(hidden).find_first_not_of("\\x0123456789abcdef"), std::string::npos)
        << "invisible characters are shown as escapes: " << CleanText(hidden);
  }
  // Their printable neighbours pass.
  for (const char* fine : {"\u2027", "\u2030", "\u2065", "\u2070", "\u00AC", "\u00AE", "\uFEFE", "\U000E0100"}) {
    EXPECT_EQ(CleanText(fine), fine);
  }
}

TEST(CleanTextTest, LongTextIsCutAndSaysSo) {
  const std::string cut = CleanText(std::string(100000, 'x'), 100);
  EXPECT_EQ(cut, std::string(100, 'x') + "...(99900 bytes cut)");
  // Never inside an escape or a UTF-8 character.
  EXPECT_EQ(CleanText("abc\x01", 5), "abc...(1 bytes cut)");
  EXPECT_EQ(CleanText("ab\xe6\x97\xa5", 4), "ab...(3 bytes cut)");
}

TEST(CleanTextTest, TheDefaultBoundsALogLine) {
  EXPECT_LE(CleanText(std::string(1 << 20, '\n')).size(), kMaxLogLineBytes + 40);
}

TEST(ExitReasonLineTest, IsOneCleanBoundedLine) {
  const std::string line = ExitReasonLine("device '/dev/x\x1b[31m'\nnext line" + std::string(5000, 'y'));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_EQ(line.rfind("ocf-exit-reason:device '/dev/x\\x1b[31m' next line", 0), 0u) << line;
  EXPECT_LE(line.size(), kMaxExitReasonBytes + 60);
}

}  // namespace
}  // namespace nvmepr
