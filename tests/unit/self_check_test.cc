// SPDX-License-Identifier: GPL-2.0-or-later
// The watchdog check (fence_nvme_pr_check) against in-memory namespaces.
#include "self_check.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "agent_spec.h"
#include "blocking_probe.h"
#include "model_fixture.h"
#include "param_parser.h"

namespace nvmepr {
namespace {

using namespace std::chrono_literals;
using testing::SharedDisks;

class SelfCheckTest : public ::testing::Test {
 protected:
  SelfCheckTest() : disks_(2, 2) {
    char pattern[] = "/tmp/self_check_test.XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  ~SelfCheckTest() override { std::filesystem::remove_all(dir_); }

  FenceEnvironment Env(int host) {
    FenceEnvironment env;
    env.devices.open = [this, host](const std::string& name, Backend) -> Result<DevicePtr> {
      if (unreadable_ == name) return Fail(ErrorKind::kNotFound, name + ": cannot open: No such file or directory");
      for (int n = 0; n < disks_.namespaces(); ++n) {
        if (name == "/dev/disk" + std::to_string(n)) return disks_.Devices(host)[n];
      }
      return Fail(ErrorKind::kNotFound, name + ": cannot open: No such file or directory");
    };
    env.read_cluster = [](Deadline) -> Result<ClusterMap> { return Fail(ErrorKind::kNotFound, "no corosync"); };
    env.out = &out_;
    return env;
  }
  std::string Store(int host) const { return dir_ + "/node" + std::to_string(host); }

  int Agent(int host, const std::string& lines) {
    std::istringstream in("devices=/dev/disk0,/dev/disk1\nstore_path=" + Store(host) + "\n" + lines + "\n");
    auto parsed = ParseStdin(in, FenceAgentSpec());
    EXPECT_TRUE(parsed);
    auto options = ToFenceOptions(*parsed);
    EXPECT_TRUE(options);
    FenceEnvironment env = Env(host);
    return RunFenceAction(*options, env);
  }
  SelfCheckOutcome Check(int host) {
    FenceEnvironment env = Env(host);
    return CheckSelfRegistration(Store(host), env, Deadline::After(2s)).outcome;
  }

  SharedDisks disks_;
  std::string dir_;
  std::string unreadable_;
  std::ostringstream out_;
};

TEST_F(SelfCheckTest, NothingToGuardBeforeUnfencing) { EXPECT_EQ(Check(1), SelfCheckOutcome::kNotUnfenced); }

TEST_F(SelfCheckTest, RegisteredNodePasses) {
  ASSERT_EQ(Agent(1, "action=on\nport=0x1"), kExitSuccess);
  EXPECT_EQ(Check(1), SelfCheckOutcome::kRegistered);
}

TEST_F(SelfCheckTest, FencedNodeFails) {
  ASSERT_EQ(Agent(1, "action=on\nport=0x1"), kExitSuccess);
  ASSERT_EQ(Agent(2, "action=on\nport=0x2"), kExitSuccess);
  ASSERT_EQ(Agent(2, "action=off\nport=0x1"), kExitSuccess);
  FenceEnvironment env = Env(1);
  const SelfCheckResult result = CheckSelfRegistration(Store(1), env, Deadline::After(2s));
  EXPECT_EQ(result.outcome, SelfCheckOutcome::kFenced);
  EXPECT_NE(result.message.find("0x0000000000000001 was removed from /dev/disk0, /dev/disk1"), std::string::npos)
      << result.message;
  EXPECT_EQ(Check(2), SelfCheckOutcome::kRegistered);
}

// Issue 19, hole 3: a reservation cleared on one disk (maintenance, a target
// that lost its state) takes every node's key away there; that is not a
// fence, and no node may reboot for it.
TEST_F(SelfCheckTest, ClearedDiskIsAnAnomalyNotAFence) {
  ASSERT_EQ(Agent(1, "action=on\nport=0x1"), kExitSuccess);
  ASSERT_EQ(Agent(2, "action=on\nport=0x2"), kExitSuccess);
  const ReservationType type = disks_.Namespace(1).Report().type;
  ASSERT_EQ(disks_.Namespace(1).Release("node1", {ReleaseAction::kClear, type, 0x1}), 0);
  FenceEnvironment env = Env(1);
  const SelfCheckResult result = CheckSelfRegistration(Store(1), env, Deadline::After(2s));
  EXPECT_EQ(result.outcome, SelfCheckOutcome::kAnomaly);
  EXPECT_NE(result.message.find("missing from /dev/disk1"), std::string::npos) << result.message;
  EXPECT_EQ(Check(2), SelfCheckOutcome::kAnomaly);
}

TEST_F(SelfCheckTest, UnreadableDeviceIsNoVerdictNotAReboot) {
  ASSERT_EQ(Agent(1, "action=on\nport=0x1"), kExitSuccess);
  unreadable_ = "/dev/disk1";
  EXPECT_EQ(Check(1), SelfCheckOutcome::kUnknown);
}

// A FIFO as state file is no verdict, at once: a check that waits would make
// watchdog(8) reboot a healthy node.
TEST_F(SelfCheckTest, FifoAsStateIsNoVerdictAtOnce) {
  ASSERT_EQ(::mkdir(Store(1).c_str(), 0700), 0);
  const std::string fifo = Store(1) + "/state";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto outcome = testing::ReturnsWithin<SelfCheckOutcome>(
      std::chrono::milliseconds(3000), [this] { return Check(1); },
      [fifo] {
        const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
        if (fd >= 0) ::close(fd);
      });
  ASSERT_TRUE(outcome.has_value()) << "the check waited on the FIFO";
  EXPECT_EQ(*outcome, SelfCheckOutcome::kUnknown);
}

TEST_F(SelfCheckTest, StateInAStoreWritableByOthersIsNoVerdict) {
  ASSERT_EQ(Agent(1, "action=on\nport=0x1"), kExitSuccess);
  ASSERT_EQ(::chmod(Store(1).c_str(), 0777), 0);
  EXPECT_EQ(Check(1), SelfCheckOutcome::kUnknown);
}

}  // namespace
}  // namespace nvmepr
