#include "subprocess.h"

#include <gtest/gtest.h>

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
