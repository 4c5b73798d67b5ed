// SPDX-License-Identifier: GPL-2.0-or-later
// The built agents themselves, with a FIFO where a state file should be
// (docs/safety.md): each returns promptly with its documented code,
// where before the fix each waited for a writer forever (past power_timeout;
// a hung watchdog test reboots the node).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace nvmepr {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Ran {
  int status = -1;  ///< exit status; -1: still running at the timeout (killed)
  long long ms = 0;
};

// Runs argv with `input` on stdin and `env` added to the environment, killing
// it after `timeout`.
Ran RunBinary(const std::vector<std::string>& argv, const std::string& input, const std::vector<std::string>& env,
              std::chrono::milliseconds timeout) {
  const fs::path in_file = fs::temp_directory_path() / ("agent_binaries_fifo_test.in." + std::to_string(::getpid()));
  std::ofstream(in_file) << input;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_file.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_text;
  for (char** e = environ; *e; ++e) env_text.emplace_back(*e);
  for (const auto& e : env) env_text.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  const auto start = Clock::now();
  pid_t pid = 0;
  Ran ran;
  if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data()) != 0) return ran;
  posix_spawn_file_actions_destroy(&actions);
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, WNOHANG) == 0) {
    if (Clock::now() - start > timeout) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &wstatus, 0);
      fs::remove(in_file);
      ran.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
      return ran;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  fs::remove(in_file);
  ran.ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  ran.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  return ran;
}

class AgentBinariesFifoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "agent_binaries_fifo_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void Fifo(const std::string& name) { ASSERT_EQ(::mkfifo((root_ / name).c_str(), 0600), 0); }

  static constexpr std::chrono::milliseconds kPrompt{5000};
  fs::path root_;
};

TEST_F(AgentBinariesFifoTest, FenceNvmePrCheckGivesNoVerdictAtOnce) {
  Fifo("state");
  const Ran ran = RunBinary({FENCE_NVME_PR_CHECK_BINARY, "test", "--store-path=" + root_.string()}, "", {}, kPrompt);
  EXPECT_EQ(ran.status, 0) << "0 = no verdict; -1 = still waiting after " << ran.ms << " ms";
}

TEST_F(AgentBinariesFifoTest, FenceNvmePrCheckRefusesARelativeStorePath) {
  const Ran ran = RunBinary({FENCE_NVME_PR_CHECK_BINARY, "--store-path=run/x"}, "", {}, kPrompt);
  EXPECT_EQ(ran.status, 2);
}

TEST_F(AgentBinariesFifoTest, FenceNvmePrOffFailsAtOnce) {
  Fifo("state");
  const Ran ran = RunBinary(
      {FENCE_NVME_PR_BINARY},
      "action=off\nport=0x2\ndevices=/dev/null\npower_timeout=60\nstore_path=" + root_.string() + "\n", {}, kPrompt);
  EXPECT_EQ(ran.status, 1) << "-1 = still waiting after " << ran.ms << " ms";
}

TEST_F(AgentBinariesFifoTest, FenceNvmePrValidateAllFailsAtOnce) {
  Fifo("state");
  const Ran ran =
      RunBinary({FENCE_NVME_PR_BINARY},
                // key= made the old validate-all read the state (and wait on the FIFO).
                "action=validate-all\nnodename=node1\nkey=0x1\ndevices=/dev/null\nstore_path=" + root_.string() + "\n",
                {}, kPrompt);
  EXPECT_EQ(ran.status, 1) << "-1 = still waiting after " << ran.ms << " ms";
}

TEST_F(AgentBinariesFifoTest, NvmePersistMonitorFailsAtOnce) {
  Fifo("disk.state");
  const Ran ran = RunBinary({NVME_PERSIST_BINARY, "monitor"}, "",
                            {"OCF_RESOURCE_INSTANCE=disk", "OCF_RESKEY_devices=/dev/null",
                             "OCF_RESKEY_store_path=" + root_.string(), "OCF_RESKEY_key=0x1"},
                            kPrompt);
  EXPECT_EQ(ran.status, 1) << "1 = OCF_ERR_GENERIC; -1 = still waiting after " << ran.ms << " ms";
}

}  // namespace
}  // namespace nvmepr
