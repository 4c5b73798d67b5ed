// SPDX-License-Identifier: GPL-2.0-or-later
// An `off` killed (SIGTERM, SIGKILL) at any point leaves the devices in a
// state from which a rerun completes the fence. A killed process sends no
// further command: the model devices below stop after a budget of commands,
// and every budget from 0 to a whole run is tried, then the fence is rerun.
// Also: at its deadline an action fails and the process exits, whatever a
// worker is still doing.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <thread>

#include "fencing.h"
#include "model_fixture.h"

namespace nvmepr {
namespace {

using testing::Far;
using testing::SharedDisks;

// Forwards commands to `inner` while the shared budget lasts; after that,
// every command fails without reaching the device, as if the process had died.
class DyingDevice final : public Device {
 public:
  DyingDevice(DevicePtr inner, std::shared_ptr<std::atomic<int>> budget)
      : inner_(std::move(inner)), budget_(std::move(budget)) {}
  const std::string& name() const override { return inner_->name(); }
  std::string_view backend() const override { return "dying"; }
  Result<Capabilities> Identify(Deadline d) override {
    if (!Alive()) return Dead();
    return inner_->Identify(d);
  }
  Result<void> Register(const RegisterArgs& a, Deadline d) override {
    return Alive() ? inner_->Register(a, d) : Dead();
  }
  Result<void> Acquire(const AcquireArgs& a, Deadline d) override { return Alive() ? inner_->Acquire(a, d) : Dead(); }
  Result<void> Release(const ReleaseArgs& a, Deadline d) override { return Alive() ? inner_->Release(a, d) : Dead(); }
  Result<ReservationStatus> Report(Deadline d) override {
    if (!Alive()) return Dead();
    return inner_->Report(d);
  }

 private:
  bool Alive() { return budget_->fetch_sub(1) > 0; }
  Error Dead() const { return Fail(ErrorKind::kIo, name() + ": process killed"); }
  DevicePtr inner_;
  std::shared_ptr<std::atomic<int>> budget_;
};

DeviceList Dying(const DeviceList& devices, std::shared_ptr<std::atomic<int>> budget) {
  DeviceList dying;
  for (const auto& d : devices) dying.push_back(std::make_shared<DyingDevice>(d, budget));
  return dying;
}

struct Scenario {
  const char* name;
  TargetDeviations deviations;
  ReservationType type;
};

TEST(FenceInterruptedTest, ARerunCompletesAFenceKilledAfterAnyCommand) {
  for (const Scenario& setup : {Scenario{"WEAR", {}, ReservationType::kNone},
                                Scenario{"WERO on nvmet (holder detour)", TargetDeviations::LinuxNvmet(),
                                         ReservationType::kWriteExclusiveRegistrantsOnly}}) {
    // How many commands a whole fence sends.
    int whole = 0;
    {
      SharedDisks disks(3, 3, setup.deviations);
      for (int h = 1; h <= 3; ++h) ASSERT_TRUE(Unfence(disks.Devices(h), h, setup.type, Far()));
      auto budget = std::make_shared<std::atomic<int>>(1 << 20);
      ASSERT_TRUE(Fence(Dying(disks.Devices(1), budget), 1, 2, setup.type, Far()));
      whole = (1 << 20) - budget->load();
    }
    ASSERT_GT(whole, 6) << setup.name;
    for (int killed_after = 0; killed_after <= whole; ++killed_after) {
      SharedDisks disks(3, 3, setup.deviations);
      for (int h = 1; h <= 3; ++h) ASSERT_TRUE(Unfence(disks.Devices(h), h, setup.type, Far()));
      auto budget = std::make_shared<std::atomic<int>>(killed_after);
      (void)Fence(Dying(disks.Devices(1), budget), 1, 2, setup.type, Far());
      auto rerun = Fence(disks.Devices(1), 1, 2, setup.type, Far());
      ASSERT_TRUE(rerun) << setup.name << ", killed after " << killed_after << " commands: " << rerun.error().message;
      EXPECT_FALSE(disks.CanWriteAnywhere(2)) << setup.name << ", " << killed_after;
      EXPECT_TRUE(disks.CanWriteEverywhere(1)) << setup.name << ", " << killed_after;
      EXPECT_TRUE(disks.CanWriteEverywhere(3)) << setup.name << ", " << killed_after << ": a bystander keeps access";
      for (int n = 0; n < 3; ++n) {
        const auto status = disks.Namespace(n).Report();
        EXPECT_FALSE(status.IsRegistered(2)) << setup.name << ", " << killed_after;
        EXPECT_TRUE(status.IsRegistered(1) && status.IsRegistered(3)) << setup.name << ", " << killed_after;
        EXPECT_NE(status.type, ReservationType::kNone) << setup.name << ", " << killed_after;
      }
    }
  }
}

// The agents' end of an action: the result at the deadline, then _Exit, with
// a worker still blocked in a device (here a model device sleeping 60 s; in
// the kernel an ioctl the driver holds). The process must be gone at once.
TEST(ActionDeadlineTest, TheProcessExitsAtTheDeadlineAbandoningABlockedWorker) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    SharedDisks disks(2, 2);
    for (int h = 1; h <= 2; ++h) {
      if (!Unfence(disks.Devices(h), h, ReservationType::kNone, Far())) ::_exit(3);
    }
    disks.View(1, 1).faults.hang = std::chrono::seconds(60);
    auto r = Fence(disks.Devices(1), 1, 2, ReservationType::kNone, Deadline::After(std::chrono::milliseconds(300)));
    ::_exit(!r && r.error().kind == ErrorKind::kTimeout ? 1 : 2);  // what the agents' main does
  }
  int status = 0;
  pid_t done = 0;
  while ((done = ::waitpid(child, &status, WNOHANG)) == 0 &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (done == 0) {
    ::kill(child, SIGKILL);
    ::waitpid(child, &status, 0);
    FAIL() << "the process did not exit at the deadline";
  }
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1) << "kTimeout";
  EXPECT_LT(took, std::chrono::seconds(3));
}

}  // namespace
}  // namespace nvmepr
