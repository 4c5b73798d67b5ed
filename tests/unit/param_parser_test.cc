// SPDX-License-Identifier: GPL-2.0-or-later
#include "param_parser.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include "agent_spec.h"

namespace nvmepr {
namespace {

using Values = std::map<std::string, std::string>;

Result<ParsedParams> Stdin(const std::string& text) {
  std::istringstream in(text);
  return ParseStdin(in, FenceAgentSpec());
}

Result<ParsedParams> Cli(std::vector<std::string> args) {
  args.insert(args.begin(), "fence_nvme_pr");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);
  return ParseCommandLine(static_cast<int>(args.size()), argv.data(), FenceAgentSpec());
}

// Endless bytes without a newline; counts what the parser pulled out of it.
class EndlessLine : public std::streambuf {
 public:
  explicit EndlessLine(std::size_t limit) : limit_(limit), chunk_(4096, 'a') {}
  std::size_t consumed() const { return consumed_; }

 protected:
  int_type underflow() override {
    if (consumed_ >= limit_) return traits_type::eof();
    consumed_ += chunk_.size();
    setg(chunk_.data(), chunk_.data(), chunk_.data() + chunk_.size());
    return traits_type::to_int_type(chunk_[0]);
  }

 private:
  std::size_t limit_;
  std::size_t consumed_ = 0;
  std::string chunk_;
};

TEST(ParseStdinTest, ReadsNameValueLinesSkippingBlanksAndComments) {
  auto parsed = Stdin("\n# a comment\n   \t\naction=off\r\n  # indented comment=x\nplug = node2  \n"
                      "\tdevices=\t/dev/nvme0n1 /dev/nvme1n1\n\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->values, (Values{{"action", "off"}, {"plug", "node2"}, {"devices", "/dev/nvme0n1 /dev/nvme1n1"}}));
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(ParseStdinTest, DashInNameMeansUnderscore) {
  auto parsed = Stdin("reservation-type=wear\nstore-path=/tmp/x\npower-timeout=5\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->values, (Values{{"reservation_type", "wear"}, {"store_path", "/tmp/x"}, {"power_timeout", "5"}}));
}

TEST(ParseStdinTest, StripsOneLayerOfMatchingQuotes) {
  auto parsed = Stdin("devices=\"/dev/a /dev/b\"\nkey='0x1'\nplug=\"\"node\"\"\nnodename=\"odd'\n"
                      "debug_file=\"\nstore_path=''\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->values.at("devices"), "/dev/a /dev/b");
  EXPECT_EQ(parsed->values.at("key"), "0x1");
  EXPECT_EQ(parsed->values.at("plug"), "\"node\"");
  EXPECT_EQ(parsed->values.at("nodename"), "\"odd'");
  EXPECT_EQ(parsed->values.at("debug_file"), "\"");
  EXPECT_EQ(parsed->values.at("store_path"), "");
}

TEST(ParseStdinTest, LastValueWinsIncludingThroughAlias) {
  auto parsed = Stdin("action=on\naction=off\nplug=a\nport=b\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->values, (Values{{"action", "off"}, {"plug", "b"}}));
}

TEST(ParseStdinTest, UnknownAndCliOnlyNamesAreWarningsNotFailures) {
  auto parsed =
      Stdin("pcmk_host_map=a:1\nhelp=1\nversion=1\naction=off\nACTION=on\n" + std::string(5000, 'z') + "=1\n");
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->values, (Values{{"action", "off"}}));
  ASSERT_EQ(parsed->warnings.size(), 5u);
  EXPECT_NE(parsed->warnings[0].find("pcmk_host_map"), std::string::npos);
  EXPECT_LT(parsed->warnings[4].size(), 200u) << "long names are cut in the warning";
}

TEST(ParseStdinTest, LineWithoutNameOrEqualsIsAWarning) {
  auto parsed = Stdin("just words\n=value\naction=off\n");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->values, (Values{{"action", "off"}}));
  ASSERT_EQ(parsed->warnings.size(), 2u);
  EXPECT_NE(parsed->warnings[0].find("line 1"), std::string::npos);
  EXPECT_NE(parsed->warnings[1].find("line 2"), std::string::npos);
}

TEST(ParseStdinTest, AcceptsLineOfExactlyTheLimitAndRefusesOneByteMore) {
  const std::string prefix = "nodename=";
  ASSERT_TRUE(Stdin(prefix + std::string(kMaxStdinLine - prefix.size(), 'x')));
  auto parsed = Stdin("action=off\n" + prefix + std::string(kMaxStdinLine - prefix.size() + 1, 'x') + "\n");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(parsed.error().message.find("line 2"), std::string::npos);
  EXPECT_NE(parsed.error().message.find("too long"), std::string::npos);
}

TEST(ParseStdinTest, RefusesInputLongerThanTheTotalLimit) {
  const std::string line = "# " + std::string(1000, 'c') + "\n";
  std::string text;
  while (text.size() <= kMaxStdinTotal) text += line;
  auto parsed = Stdin(text);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(parsed.error().message.find("too long"), std::string::npos);
}

TEST(ParseStdinTest, StopsReadingAnEndlessLineNearTheLimit) {
  EndlessLine source(64 * kMaxStdinTotal);
  std::istream in(&source);
  auto parsed = ParseStdin(in, FenceAgentSpec());
  ASSERT_FALSE(parsed);
  EXPECT_LE(source.consumed(), 2 * kMaxStdinTotal);
}

TEST(ParseStdinTest, RefusesNulByteInsideALine) {
  auto parsed = Stdin(std::string("action=off\nplug=no\0de\n", 22));
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(parsed.error().message.find("NUL"), std::string::npos);
  EXPECT_NE(parsed.error().message.find("line 2"), std::string::npos);
}

TEST(ParseStdinTest, TenThousandDuplicatesKeepTheLastValue) {
  std::string text;
  for (int i = 0; i < 10000; ++i) text += "plug=node" + std::to_string(i) + "\n";
  auto parsed = Stdin(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->values, (Values{{"plug", "node9999"}}));
  EXPECT_TRUE(parsed->warnings.empty());
}

TEST(ParseStdinTest, BinaryGarbageGivesErrorsOrWarningsNeverUnknownValues) {
  std::mt19937 random(12345);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int round = 0; round < 200; ++round) {
    std::string text(4096, '\0');
    for (char& c : text) c = static_cast<char>(byte(random));
    if (round % 2 == 0) std::replace(text.begin(), text.end(), '\0', '=');
    auto parsed = Stdin(text);
    if (!parsed) {
      EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
      continue;
    }
    for (const auto& [name, value] : parsed->values) {
      const ParamSpec* param = FenceAgentSpec().FindParam(name);
      ASSERT_NE(param, nullptr) << name;
      EXPECT_FALSE(param->cli_only);
    }
  }
}

TEST(ParseCommandLineTest, ReadsLongOptionsWithEqualsOrSeparateValue) {
  auto parsed = Cli({"--action=off", "--plug", "node2", "--devices=/dev/nvme0n1,/dev/nvme1n1", "--reservation-type",
                     "wear", "--power-timeout=5", "--store-path", "/tmp/s"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->values, (Values{{"action", "off"},
                                    {"plug", "node2"},
                                    {"devices", "/dev/nvme0n1,/dev/nvme1n1"},
                                    {"reservation_type", "wear"},
                                    {"power_timeout", "5"},
                                    {"store_path", "/tmp/s"}}));
}

TEST(ParseCommandLineTest, ReadsShortOptions) {
  auto parsed = Cli({"-o", "status", "-n", "node1", "-d", "/dev/nvme0n1", "-k", "0x1a", "-v", "-q", "-D",
                     "/tmp/debug.log", "-V", "-h"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->values, (Values{{"action", "status"},
                                    {"plug", "node1"},
                                    {"devices", "/dev/nvme0n1"},
                                    {"key", "0x1a"},
                                    {"verbose", "1"},
                                    {"quiet", "1"},
                                    {"debug_file", "/tmp/debug.log"},
                                    {"version", "1"},
                                    {"help", "1"}}));
}

TEST(ParseCommandLineTest, BooleanSwitchesTakeAnOptionalValue) {
  auto parsed = Cli({"--verbose", "--quiet=0"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->values, (Values{{"verbose", "1"}, {"quiet", "0"}}));
  EXPECT_FALSE(*ParseBoolean("quiet", parsed->values.at("quiet")));
}

// Kubernetes Fence Agents Remediation validates a template with separate
// words ("--action status --name value") and fences with --name=value;
// names are whatever the template's author wrote, underscores included.
TEST(ParseCommandLineTest, EveryParameterInBothFormsAndWithUnderscores) {
  for (const auto& param : FenceAgentSpec().params) {
    if (!param.alias_of.empty()) continue;
    const std::string value = param.type == ParamType::kBoolean ? "1" : "x";
    for (const auto& args : {std::vector<std::string>{"--" + param.name, value},
                             std::vector<std::string>{"--" + param.name + "=" + value}}) {
      auto parsed = Cli(args);
      ASSERT_TRUE(parsed) << args[0] << ": " << parsed.error().message;
      EXPECT_EQ(parsed->values, (Values{{param.name, value}})) << args[0];
    }
  }
  auto parsed = Cli({"--action", "status", "--verbose", "yes", "--devices", "/dev/nvme0n1", "--quiet", "0"});
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->values,
            (Values{{"action", "status"}, {"verbose", "yes"}, {"devices", "/dev/nvme0n1"}, {"quiet", "0"}}));
  auto stray = Cli({"--verbose", "node2"});
  ASSERT_TRUE(stray) << stray.error().message;
  EXPECT_FALSE(ParseBoolean("verbose", stray->values.at("verbose"))) << "not a boolean: refused when typed";
}

TEST(ParseCommandLineTest, PortIsStoredAsPlug) {
  auto parsed = Cli({"--port=node4"});
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->values, (Values{{"plug", "node4"}}));
}

TEST(ParseCommandLineTest, NoArgumentsGiveAnEmptyMap) {
  auto parsed = Cli({});
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->values.empty());
}

TEST(ParseCommandLineTest, UnknownOptionOrMissingValueIsAnInvalidArgument) {
  for (const char* bad : {"--aptpl=1", "-x", "--no-such-option", "--devices", "-k"}) {
    auto parsed = Cli({"-o", "off", bad});
    ASSERT_FALSE(parsed) << bad;
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(parsed.error().message.find("--help"), std::string::npos);
  }
}

TEST(ParseCommandLineTest, StrayPositionalArgumentIsAnError) {
  for (std::vector<std::string> args : {std::vector<std::string>{"-o", "off", "node2"}, std::vector<std::string>{"off"},
                                        std::vector<std::string>{"--plug=node2", "--", "node3"}}) {
    auto parsed = Cli(args);
    ASSERT_FALSE(parsed) << args.back();
    EXPECT_EQ(parsed.error().kind, ErrorKind::kInvalidArgument);
  }
}

TEST(ParamTableTest, EveryStdinParameterGivesTheSameMapFromBothRoutes) {
  for (const ParamSpec& param : FenceAgentSpec().params) {
    if (param.cli_only) continue;
    const std::string value = param.type == ParamType::kBoolean ? "1"
                              : param.choices.empty()           ? "/some value"
                                                                : param.choices.back();
    std::string cli_name = param.name;
    std::replace(cli_name.begin(), cli_name.end(), '_', '-');
    auto from_stdin = Stdin(param.name + "=" + value + "\n");
    auto from_long = Cli({"--" + cli_name + "=" + value});
    ASSERT_TRUE(from_stdin) << param.name;
    ASSERT_TRUE(from_long) << param.name << ": " << from_long.error().message;
    EXPECT_TRUE(from_stdin->warnings.empty()) << param.name;
    EXPECT_EQ(from_stdin->values, from_long->values) << param.name;
    const std::string canonical = param.alias_of.empty() ? param.name : param.alias_of;
    EXPECT_EQ(from_stdin->values, (Values{{canonical, value}})) << param.name;
    if (param.short_flag != 0) {
      std::vector<std::string> args = {std::string("-") + param.short_flag};
      if (param.type != ParamType::kBoolean) args.push_back(value);
      auto from_short = Cli(args);
      ASSERT_TRUE(from_short) << param.name;
      EXPECT_EQ(from_short->values, from_stdin->values) << param.name;
    }
  }
}

TEST(ParseBooleanTest, AcceptsTrueSpellingsInAnyCase) {
  for (const char* yes : {"1", "yes", "on", "true", "YES", "On", "True"}) {
    auto b = ParseBoolean("verbose", yes);
    ASSERT_TRUE(b) << yes;
    EXPECT_TRUE(*b) << yes;
  }
}

TEST(ParseBooleanTest, AcceptsFalseSpellingsSoZeroNeverTurnsAFlagOn) {
  for (const char* no : {"0", "no", "off", "false", "NO", "Off", "FALSE"}) {
    auto b = ParseBoolean("aptpl", no);
    ASSERT_TRUE(b) << no;
    EXPECT_FALSE(*b) << no;
  }
  auto via_stdin = Stdin("verbose=\"0\"\n");
  ASSERT_TRUE(via_stdin);
  EXPECT_FALSE(*ParseBoolean("verbose", via_stdin->values.at("verbose")));
}

TEST(ParseBooleanTest, RefusesAnythingElseNamingTheParameter) {
  for (const char* bad : {"2", "-1", "enable", "tru", "yes please", " 1", "0 ", "nein", "00"}) {
    auto b = ParseBoolean("verbose", bad);
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(b.error().message.find("verbose"), std::string::npos);
  }
}

TEST(ParseSecondsAsMsTest, ConvertsIntegersAndDecimals) {
  EXPECT_EQ(*ParseSecondsAsMs("delay", "0"), 0);
  EXPECT_EQ(*ParseSecondsAsMs("delay", "20"), 20000);
  EXPECT_EQ(*ParseSecondsAsMs("delay", "1.5"), 1500);
  EXPECT_EQ(*ParseSecondsAsMs("delay", "0.001"), 1);
  EXPECT_EQ(*ParseSecondsAsMs("delay", "2.0004"), 2000);
  EXPECT_EQ(*ParseSecondsAsMs("delay", "86400"), 86400000);
}

TEST(ParseSecondsAsMsTest, RefusesNegativeNonFiniteHugeAndGarbage) {
  for (const char* bad : {"-1", "-0.5", "nan", "NaN", "inf", "-inf", "1e999", "86400.5", "99999999999999999999", "",
                          " 1", "1 ", "1s", "0x10", "1,5", "+1", "five", "1.2.3"}) {
    auto ms = ParseSecondsAsMs("power_timeout", bad);
    ASSERT_FALSE(ms) << "'" << bad << "'";
    EXPECT_EQ(ms.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(ms.error().message.find("power_timeout"), std::string::npos);
  }
}

TEST(UsageTextTest, ListsEveryCanonicalOptionAndAdvertisedAction) {
  const std::string usage = UsageText(FenceAgentSpec());
  EXPECT_NE(usage.find("--devices=[devices]"), std::string::npos);
  EXPECT_NE(usage.find("-v, --verbose"), std::string::npos);
  EXPECT_EQ(usage.find("--port"), std::string::npos);
  EXPECT_NE(usage.find(" on off status"), std::string::npos);
  EXPECT_EQ(usage.find("reboot"), std::string::npos);
}

}  // namespace
}  // namespace nvmepr

namespace nvmepr {
namespace {

TEST(ParseStdinTest, AFloodOfUnknownParametersGivesABoundedNumberOfWarnings) {
  std::string input;
  for (int i = 0; i < 50000; ++i) input += "unknown" + std::to_string(i) + "=1\n";
  input += "action=off\n";
  std::istringstream in(input);
  auto parsed = ParseStdin(in, FenceAgentSpec());
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->values.at("action"), "off");
  const auto lines = parsed->WarningLines();
  ASSERT_EQ(lines.size(), kMaxParamWarnings + 1);
  EXPECT_NE(lines.back().find("49980 more warnings"), std::string::npos) << lines.back();
}

// A pipe whose write end stays open: a stdin that never closes.
TEST(ReadInputTest, AStdinThatNeverClosesEndsAtTheDeadline) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "action=off\n", 11), 11);
  const auto start = std::chrono::steady_clock::now();
  auto text = ReadInput(fds[0], Deadline::After(std::chrono::milliseconds(300)));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().kind, ErrorKind::kTimeout);
  EXPECT_NE(text.error().message.find("stdin"), std::string::npos);
  EXPECT_LT(took, std::chrono::seconds(2));
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(ReadInputTest, ReadsToEndOfFileAndNoMoreThanTheLimitPlusOne) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  std::thread writer([fd = fds[1]] {
    const std::string chunk(65536, 'x');
    for (std::size_t sent = 0; sent < 3 * kMaxStdinTotal;) {
      const ssize_t n = ::write(fd, chunk.data(), chunk.size());
      if (n <= 0) break;  // the reader stopped and closed: EPIPE
      sent += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  ::signal(SIGPIPE, SIG_IGN);
  auto text = ReadInput(fds[0], Deadline::After(std::chrono::seconds(20)));
  ::close(fds[0]);
  writer.join();
  ASSERT_TRUE(text) << text.error().message;
  EXPECT_EQ(text->size(), kMaxStdinTotal + 1);
  std::istringstream in(*text);
  EXPECT_FALSE(ParseStdin(in, FenceAgentSpec())) << "over-long input is refused";

  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "action=off\n", 11), 11);
  ::close(fds[1]);
  auto small = ReadInput(fds[0], Deadline::After(std::chrono::seconds(5)));
  ::close(fds[0]);
  ASSERT_TRUE(small);
  EXPECT_EQ(*small, "action=off\n");
}

}  // namespace
}  // namespace nvmepr
