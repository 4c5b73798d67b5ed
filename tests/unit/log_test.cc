// SPDX-License-Identifier: GPL-2.0-or-later
#include "log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <utility>

namespace nvmepr {
namespace {

TEST(CleanLinesTest, EverySinkWritesCleanedBoundedLines) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_level(spdlog::level::info);
  auto sinks = CleanLines({sink});
  ASSERT_EQ(sinks.size(), 1u);
  EXPECT_EQ(sinks[0]->level(), spdlog::level::info) << "the level is kept";
  spdlog::logger logger("test", sinks.begin(), sinks.end());
  logger.set_pattern("%l: %v");
  logger.warn("ignoring unknown parameter '{}'", "x\nerror: off: node2 fenced\x1b[0m");
  logger.error("{}", std::string(100000, 'z'));
  const std::string text = out.str();
  EXPECT_EQ(text.find("x\\x0aerror: off: node2 fenced\\x1b[0m'\n"), text.find("x\\x0a")) << text.substr(0, 200);
  EXPECT_NE(text.find("warning: ignoring unknown parameter 'x\\x0aerror"), std::string::npos) << text.substr(0, 200);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << "two messages, two lines";
  EXPECT_LT(text.size(), 9000u);
}

// pacemaker-fenced logs every stderr line of a fence agent as a warning:
// stderr gets warnings and errors unless asked for more; syslog gets the
// informational lines always.
TEST(LevelsForTest, StderrWarningsAndErrorsUnlessAskedSyslogInformational) {
  using spdlog::level::debug;
  using spdlog::level::err;
  using spdlog::level::info;
  using spdlog::level::warn;
  auto levels = [](bool verbose, bool quiet, bool info_on_stderr) {
    const SinkLevels l = LevelsFor({"t", verbose, quiet, "", info_on_stderr});
    return std::pair(l.to_stderr, l.to_syslog);
  };
  EXPECT_EQ(levels(false, false, false), std::pair(warn, info));
  EXPECT_EQ(levels(false, true, false), std::pair(err, info));
  EXPECT_EQ(levels(true, false, false), std::pair(debug, debug));
  EXPECT_EQ(levels(false, false, true), std::pair(info, info));
  EXPECT_EQ(levels(true, false, true), std::pair(debug, debug));
  EXPECT_EQ(levels(false, true, true), std::pair(err, info));
}

// What the agents write to stderr at their defaults, read back from a pipe.
TEST(SetUpLoggingTest, StderrShowsOnlyWarningsAndErrorsByDefault) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const int saved = dup(STDERR_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(dup2(pipe_fds[1], STDERR_FILENO), STDERR_FILENO);
  close(pipe_fds[1]);
  SetUpLogging({"log_test", false, false, "", false});
  spdlog::debug("a device command");
  spdlog::info("off: node2 fenced and verified");
  spdlog::warn("a warning");
  spdlog::error("an error");
  SetUpLogging({"log_test", false, false, "", true});
  spdlog::debug("another device command");
  spdlog::info("start: key held");
  spdlog::default_logger()->flush();
  fflush(stderr);
  ASSERT_EQ(dup2(saved, STDERR_FILENO), STDERR_FILENO);
  close(saved);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buffer, sizeof buffer)) > 0;) text.append(buffer, static_cast<size_t>(n));
  close(pipe_fds[0]);
  EXPECT_EQ(text, "warning: a warning\nerror: an error\ninfo: start: key held\n");
}

}  // namespace
}  // namespace nvmepr
