// SPDX-License-Identifier: GPL-2.0-or-later
#include "subprocess.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

namespace nvmepr {
namespace {

Deadline Soon(int ms) { return Deadline::After(std::chrono::milliseconds(ms)); }

TEST(RunProgramTest, CapturesOutputAndExitStatus) {
  auto result = RunProgram({"sh", "-c", "echo out; echo err >&2; exit 3"}, Soon(10000));
  ASSERT_TRUE(result) << result.error().message;
  EXPECT_EQ(result->exit_status, 3);
  EXPECT_EQ(result->output, "out\nerr\n");
}

TEST(RunProgramTest, PassesArgumentsWithoutAShell) {
  auto result = RunProgram({"echo", "$HOME;", "*"}, Soon(10000));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->output, "$HOME; *\n");
}

TEST(RunProgramTest, MissingProgramIsNotFound) {
  auto result = RunProgram({"nvmepr-no-such-program"}, Soon(10000));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kNotFound);
}

TEST(RunProgramTest, KillsAProgramThatOutlivesTheDeadline) {
  const auto start = std::chrono::steady_clock::now();
  auto result = RunProgram({"sleep", "10"}, Soon(200));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

}  // namespace
}  // namespace nvmepr

namespace nvmepr {
namespace {

std::string ProcState(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return "";  // gone
  const auto paren = line.rfind(')');
  return paren == std::string::npos ? "" : line.substr(paren + 2, 1);
}

TEST(RunProgramTest, AGrandchildDoesNotOutliveTheDeadline) {
  // The grandchild closes nothing, so RunProgram waits for it to the deadline;
  // its PID comes through a file since the output is lost on timeout.
  char dir[] = "/tmp/nvmepr-subprocess-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string pid_file = std::string(dir) + "/pid";
  auto result = RunProgram({"sh", "-c", "sleep 30 & echo $! > " + pid_file + "; wait"},
                           Deadline::After(std::chrono::milliseconds(500)));
  ASSERT_FALSE(result);
  std::ifstream in(pid_file);
  pid_t grandchild = 0;
  ASSERT_TRUE(in >> grandchild);
  std::string state;
  for (int i = 0; i < 100; ++i) {
    state = ProcState(grandchild);
    if (state.empty() || state == "Z") break;  // gone, or dead and not yet reaped by init
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(state.empty() || state == "Z") << "grandchild " << grandchild << " still " << state;
  std::filesystem::remove_all(dir);
}

TEST(RunProgramTest, AProgramThatClosesItsOutputAndLivesOnEndsAtTheDeadline) {
  const auto start = std::chrono::steady_clock::now();
  auto result = RunProgram({"sh", "-c", "exec >&- 2>&-; sleep 30"}, Deadline::After(std::chrono::milliseconds(500)));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(RunProgramTest, LooksProgramsUpInTheSafePathOnlyAndPassesItOn) {
  // A program of the same name first in the caller's PATH is not run.
  char dir[] = "/tmp/nvmepr-subprocess-XXXXXX";
  ASSERT_NE(::mkdtemp(dir), nullptr);
  const std::string fake = std::string(dir) + "/nvmepr-test-helper";
  { std::ofstream(fake) << "#!/bin/sh\necho fake\n"; }
  ::chmod(fake.c_str(), 0755);
  const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "";
  ::setenv("PATH", (std::string(dir) + ":" + old_path).c_str(), 1);
  auto fake_run = RunProgram({"nvmepr-test-helper"}, Deadline::After(std::chrono::seconds(10)));
  auto env = RunProgram({"sh", "-c", "echo \"$PATH\""}, Deadline::After(std::chrono::seconds(10)));
  ::setenv("PATH", old_path.c_str(), 1);
  EXPECT_FALSE(fake_run);
  ASSERT_TRUE(env);
  EXPECT_EQ(env->output, std::string(kSafePath) + "\n");
  EXPECT_EQ(FindProgram("sh").rfind('/', 0), 0u);
  EXPECT_EQ(FindProgram("./sh"), "");
  EXPECT_EQ(FindProgram(fake), fake) << "absolute paths are taken as they are";
  std::filesystem::remove_all(dir);
}

TEST(RunProgramTest, HelpersGetSigpipeAtItsDefaultEvenThoughTheAgentIgnoresIt) {
  auto previous = std::signal(SIGPIPE, SIG_IGN);
  auto result = RunProgram({"grep", "^SigIgn:", "/proc/self/status"}, Deadline::After(std::chrono::seconds(10)));
  std::signal(SIGPIPE, previous);
  ASSERT_TRUE(result);
  const unsigned long long ignored = std::stoull(result->output.substr(result->output.find(':') + 1), nullptr, 16);
  EXPECT_EQ(ignored & (1ULL << (SIGPIPE - 1)), 0u) << result->output;
}

}  // namespace
}  // namespace nvmepr
