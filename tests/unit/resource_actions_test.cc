// SPDX-License-Identifier: GPL-2.0-or-later
// The resource agent as a primitive, end to end: parameters and meta
// attributes as Pacemaker sets them, in-memory namespaces behind the devices.
#include "resource_actions.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <memory>
#include <thread>

#include "fencing.h"
#include "resource_fixture.h"

namespace nvmepr {
namespace {

using testing::ResourceAgentFixture;

class ResourceActionsTest : public ResourceAgentFixture {};

TEST_F(ResourceActionsTest, StartOwnsEveryDeviceAndMonitorSaysRunning) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  EXPECT_TRUE(disks_.CanWriteEverywhere(1));
  EXPECT_FALSE(disks_.CanWriteAnywhere(2));
  for (int n = 0; n < 2; ++n) {
    auto status = disks_.Namespace(n).Report();
    EXPECT_EQ(status.type, ReservationType::kWriteExclusive);
    EXPECT_TRUE(status.Holds(DerivedKey(1)));
  }
  EXPECT_EQ(Run(1, "monitor", {{"OCF_RESKEY_CRM_meta_interval", "10000"}}).code, kOcfSuccess);
  EXPECT_EQ(Run(1, "monitor").code, kOcfSuccess);  // a probe finds it running too
  EXPECT_EQ(Run(2, "monitor").code, kOcfNotRunning);
  EXPECT_TRUE(commands_.empty()) << "a primitive sets no promotion score";
}

TEST_F(ResourceActionsTest, StandbyTakesOverFromAFrozenHolderAndTheHolderNoticesAndStops) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  // node1 freezes; Pacemaker starts the resource on node2.
  ASSERT_EQ(Run(2, "start").code, kOcfSuccess);
  EXPECT_TRUE(disks_.CanWriteEverywhere(2));
  EXPECT_FALSE(disks_.CanWriteAnywhere(1)) << "the old holder's writes must fail";
  EXPECT_FALSE(disks_.Namespace(0).KeyOf("node1").has_value()) << "preempt-and-abort unregisters the old holder";

  // node1 wakes up: its next monitor reports the loss, naming the new holder.
  const OcfOutcome lost = Run(1, "monitor", {{"OCF_RESKEY_CRM_meta_interval", "10000"}});
  EXPECT_EQ(lost.code, kOcfErrGeneric);
  EXPECT_NE(lost.reason.find("taken away"), std::string::npos) << lost.reason;
  EXPECT_NE(lost.reason.find(FormatKey(DerivedKey(2))), std::string::npos) << lost.reason;

  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "monitor").code, kOcfNotRunning);
  EXPECT_TRUE(disks_.CanWriteEverywhere(2)) << "the old holder's stop must not disturb the new one";
  EXPECT_EQ(Run(2, "monitor").code, kOcfSuccess);
}

TEST_F(ResourceActionsTest, TakeOverWithPlainPreemptAndOnTheLinuxTarget) {
  testing::SharedDisks nvmet(2, 2, TargetDeviations::LinuxNvmet());
  std::swap(disks_, nvmet);
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  ASSERT_EQ(Run(2, "start", {{"OCF_RESKEY_preempt_abort", "false"}}).code, kOcfSuccess);
  EXPECT_TRUE(disks_.CanWriteEverywhere(2));
  EXPECT_FALSE(disks_.CanWriteAnywhere(1));
}

TEST_F(ResourceActionsTest, StartAndStopAreIdempotentAndStopNeverSaysNotRunning) {
  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  EXPECT_EQ(disks_.Namespace(0).Report().registrants.size(), 1u);
  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
  for (int n = 0; n < 2; ++n) {
    auto status = disks_.Namespace(n).Report();
    EXPECT_EQ(status.type, ReservationType::kNone);
    EXPECT_TRUE(status.registrants.empty());
  }
  EXPECT_EQ(Run(1, "monitor").code, kOcfNotRunning);
}

TEST_F(ResourceActionsTest, MonitorFailsWhenADeviceStopsAnsweringWhileRunning) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  disks_.View(1, 1).faults.unreachable = true;
  const OcfOutcome outcome = Run(1, "monitor", {{"OCF_RESKEY_CRM_meta_interval", "10000"}});
  EXPECT_EQ(outcome.code, kOcfErrGeneric);
  EXPECT_NE(outcome.reason.find("/dev/disk1"), std::string::npos) << outcome.reason;
}

TEST_F(ResourceActionsTest, RequiredDevicesLetsAnActionSucceedOnFewer) {
  disks_.View(1, 1).faults.unreachable = true;
  EXPECT_EQ(Run(1, "start").code, kOcfErrGeneric);
  const EnvironmentMap one = {{"OCF_RESKEY_required_devices", "1"}};
  ASSERT_EQ(Run(1, "start", one).code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(0).Report().Holds(DerivedKey(1)));
  EXPECT_EQ(Run(1, "monitor", one).code, kOcfDegraded) << "enough devices, not every one: degraded (OCF 1.1)";
  EXPECT_EQ(Run(1, "monitor").code, kOcfErrGeneric) << "with all required, one device short is a failure";
}

// OCF 1.1: holding the reservation on required_devices but not on every
// device is 190, and the reason names the device that is missing.
TEST_F(ResourceActionsTest, MonitorIsDegradedWhenEnoughButNotEveryDeviceIsHeld) {
  const EnvironmentMap one = {{"OCF_RESKEY_required_devices", "1"}, {"OCF_RESKEY_CRM_meta_interval", "10000"}};
  ASSERT_EQ(Run(1, "start", one).code, kOcfSuccess);
  EXPECT_EQ(Run(1, "monitor", one).code, kOcfSuccess) << "every device held";
  disks_.View(1, 1).faults.unreachable = true;
  const OcfOutcome degraded = Run(1, "monitor", one);
  EXPECT_EQ(degraded.code, kOcfDegraded);
  EXPECT_NE(degraded.reason.find("held on 1 of 2 devices"), std::string::npos) << degraded.reason;
  EXPECT_NE(degraded.reason.find("/dev/disk1"), std::string::npos) << degraded.reason;
  EXPECT_EQ(degraded.reason.find("/dev/disk0"), std::string::npos) << degraded.reason;
  disks_.View(1, 1).faults.unreachable = false;
  EXPECT_EQ(Run(1, "monitor", one).code, kOcfSuccess) << "back to full strength";
  disks_.View(1, 0).faults.unreachable = true;
  disks_.View(1, 1).faults.unreachable = true;
  EXPECT_EQ(Run(1, "monitor", one).code, kOcfErrGeneric) << "below required_devices: lost";
}

TEST_F(ResourceActionsTest, ExclusiveAccessKeepsEveryoneElseOut) {
  ASSERT_EQ(Run(1, "start", {{"OCF_RESKEY_reservation_type", "exclusive-access"}}).code, kOcfSuccess);
  EXPECT_EQ(disks_.Namespace(0).Report().type, ReservationType::kExclusiveAccess);
  // A later start with the default type changes the holder's own reservation.
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  EXPECT_EQ(disks_.Namespace(0).Report().type, ReservationType::kWriteExclusive);
}

TEST_F(ResourceActionsTest, RefusesDevicesUnderAnAllRegistrantsReservation) {
  ASSERT_TRUE(Unfence(disks_.Devices(3), 0x33, ReservationType::kWriteExclusiveAllRegistrants, testing::Far()));
  const OcfOutcome outcome = Run(1, "start");
  EXPECT_EQ(outcome.code, kOcfErrConfigured);
  EXPECT_NE(outcome.reason.find("write-exclusive-all-registrants"), std::string::npos) << outcome.reason;
  EXPECT_TRUE(disks_.CanWriteEverywhere(3)) << "the fence agent's registrations stay untouched";
}

// Issue 11 §1 for nvme_persist: a node sharing another node's NVMe host
// identity (cloned image) refuses start and promote with a configuration error.
TEST_F(ResourceActionsTest, StartRefusesToTakeOverAnotherNodesRegistrationOfThisHost) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  disks_.ShareHostIdentity(2, 1);
  const OcfOutcome outcome = Run(2, "start");
  EXPECT_EQ(outcome.code, kOcfErrConfigured);
  EXPECT_NE(outcome.reason.find("/dev/disk"), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("key " + FormatKey(DerivedKey(1))), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("host identity"), std::string::npos) << outcome.reason;
  EXPECT_EQ(Run(2, "promote", Promotable(2)).code, kOcfErrConfigured);
  for (int n = 0; n < 2; ++n) EXPECT_TRUE(disks_.Namespace(n).Report().Holds(DerivedKey(1)));
  EXPECT_EQ(Run(1, "monitor").code, kOcfSuccess);
  EXPECT_EQ(Run(2, "monitor").code, kOcfNotRunning) << "and a warning";
}

// key= naming another node's derived key is refused where the key gets
// registered (start, promote, demote: the property test found a demote that
// registered node2's key on node1) and by validate-all; monitor, probes of
// stopped instances and stop do not run corosync-cmapctl for that check.
TEST_F(ResourceActionsTest, OnlyRegisteringActionsCheckKeyAgainstCorosync) {
  const EnvironmentMap other = {{"OCF_RESKEY_key", FormatKey(DerivedKey(2))}};
  EXPECT_EQ(Run(1, "monitor", other).code, kOcfNotRunning);
  EXPECT_EQ(Run(1, "stop", other).code, kOcfSuccess);
  EXPECT_EQ(cluster_reads_, 0);
  const OcfOutcome start = Run(1, "start", other);
  EXPECT_EQ(start.code, kOcfErrConfigured);
  EXPECT_NE(start.reason.find("derives for node node2"), std::string::npos) << start.reason;
  EXPECT_GE(cluster_reads_, 1);
  EXPECT_EQ(Run(1, "promote", Promotable(1, other)).code, kOcfErrConfigured);
  EXPECT_EQ(Run(1, "demote", Promotable(1, other)).code, kOcfErrConfigured);
  EXPECT_TRUE(disks_.Namespace(0).Report().registrants.empty()) << "nothing registered";
  EXPECT_EQ(Run(1, "validate-all", {{"OCF_RESKEY_key", FormatKey(DerivedKey(2))}, {"OCF_CHECK_LEVEL", "10"}}).code,
            kOcfErrConfigured);
}

TEST_F(ResourceActionsTest, StartReplacesOnlyTheKeyTheResourceStartedWith) {
  ASSERT_EQ(Run(1, "start", Promotable(1, {{"OCF_RESKEY_key", "0xab"}})).code, kOcfSuccess);
  // key= changed while the instance ran here: its saved key may be replaced.
  ASSERT_EQ(Run(1, "start", Promotable(1, {{"OCF_RESKEY_key", "0xac"}})).code, kOcfSuccess);
  EXPECT_EQ(disks_.Namespace(0).KeyOf("node1"), std::optional<Key>(0xac));
  std::filesystem::remove_all(dir_ + "/node1");  // a reboot forgets it
  EXPECT_EQ(Run(1, "start", Promotable(1, {{"OCF_RESKEY_key", "0xad"}})).code, kOcfErrConfigured);
  EXPECT_EQ(disks_.Namespace(0).KeyOf("node1"), std::optional<Key>(0xac));
}

TEST_F(ResourceActionsTest, KeyComesFromKeyParameterOrNodeMapOrCorosync) {
  ASSERT_EQ(Run(1, "start", {{"OCF_RESKEY_key", "0xAB"}}).code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(0).Report().Holds(0xab));
  ASSERT_EQ(Run(1, "stop").code, kOcfSuccess) << "stop finds the key saved at start";
  EXPECT_TRUE(disks_.Namespace(0).Report().registrants.empty());

  const EnvironmentMap map = {{"OCF_RESKEY_key", "node1:0x11;node2:0x22"}};
  ASSERT_EQ(Run(2, "start", map).code, kOcfSuccess);  // by host name node2.example.com
  EXPECT_TRUE(disks_.Namespace(1).Report().Holds(0x22));
  EXPECT_EQ(Run(3, "start", map).code, kOcfErrInstalled) << "no entry for node3";
}

TEST_F(ResourceActionsTest, MonitorAndStopUseTheKeyTheResourceStartedWith) {
  ASSERT_EQ(Run(1, "start", {{"OCF_RESKEY_key", "0xab"}}).code, kOcfSuccess);
  const EnvironmentMap changed = {{"OCF_RESKEY_key", "0xcd"}};
  EXPECT_EQ(Run(1, "monitor", changed).code, kOcfSuccess);
  ASSERT_EQ(Run(1, "stop", changed).code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(0).Report().registrants.empty());
}

TEST_F(ResourceActionsTest, NoKeyAndNoCorosyncFailsClearlyAndNeverUsesKeyZero) {
  corosync_up_ = false;
  const OcfOutcome outcome = Run(1, "start");
  EXPECT_EQ(outcome.code, kOcfErrInstalled);
  EXPECT_NE(outcome.reason.find("key="), std::string::npos) << outcome.reason;
  EXPECT_TRUE(disks_.Namespace(0).Report().registrants.empty());
  EXPECT_EQ(Run(1, "start", {{"OCF_RESKEY_key", "0"}}).code, kOcfErrConfigured);
  EXPECT_EQ(Run(1, "monitor").code, kOcfNotRunning) << "a probe without a key: nothing can run here";
  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
}

TEST_F(ResourceActionsTest, BadInputExitCodes) {
  const EnvironmentMap no_devices = {{"OCF_RESKEY_devices", kUnset}};
  EXPECT_EQ(Run(1, "validate-all", no_devices).code, kOcfErrConfigured);
  EXPECT_EQ(Run(1, "start", no_devices).code, kOcfErrConfigured);
  EXPECT_EQ(Run(1, "stop", no_devices).code, kOcfSuccess);
  const OcfOutcome missing = Run(1, "start", {{"OCF_RESKEY_devices", "/dev/disk0,/dev/nope"}});
  EXPECT_EQ(missing.code, kOcfErrInstalled);
  EXPECT_NE(missing.reason.find("/dev/nope"), std::string::npos) << missing.reason;
  EXPECT_EQ(Run(1, "start", {{"OCF_RESKEY_reservation_type", "wear"}}).code, kOcfErrConfigured);
  EXPECT_EQ(Run(1, "start", {{"OCF_RESKEY_required_devices", "3"}}).code, kOcfErrConfigured);
  EXPECT_EQ(Run(1, "reload").code, kOcfErrUnimplemented);
  EXPECT_EQ(Run(1, "").code, kOcfErrUnimplemented);
  EXPECT_EQ(Run(1, "monitor", {{"OCF_CHECK_LEVEL", "deep"}}).code, kOcfErrConfigured);
}

TEST_F(ResourceActionsTest, DeviceWithoutReservationsIsAConfigurationError) {
  testing::SharedDisks plain(2, 2, {}, /*rescap=*/0);
  std::swap(disks_, plain);
  const OcfOutcome outcome = Run(1, "start");
  EXPECT_EQ(outcome.code, kOcfErrConfigured);
  EXPECT_NE(outcome.reason.find("does not support reservations"), std::string::npos) << outcome.reason;
}

TEST_F(ResourceActionsTest, ValidateAtLevelZeroTouchesNoDeviceAndNeedsNoCloneMeta) {
  disks_.View(1, 0).faults.unreachable = true;
  corosync_up_ = false;
  EXPECT_EQ(Run(1, "validate-all").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "validate-all", {{"OCF_CHECK_LEVEL", "0"}, {"OCF_RESKEY_devices", "/dev/nope"}}).code, kOcfSuccess);
  EXPECT_EQ(Run(1, "validate-all", {{"OCF_CHECK_LEVEL", "10"}, {"OCF_RESKEY_key", "0x1"}}).code, kOcfErrGeneric);
  EXPECT_EQ(Run(1, "validate-all",
                {{"OCF_CHECK_LEVEL", "10"}, {"OCF_RESKEY_key", "0x1"}, {"OCF_RESKEY_devices", "/dev/nope"}})
                .code,
            kOcfErrInstalled);
  disks_.View(1, 0).faults.unreachable = false;
  EXPECT_EQ(Run(1, "validate-all", {{"OCF_CHECK_LEVEL", "10"}, {"OCF_RESKEY_key", "0x1"}}).code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(0).Report().registrants.empty()) << "validate-all changes nothing";
}

TEST_F(ResourceActionsTest, StopUsesTheSavedDevicesWhenTheParametersWentBad) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "stop", {{"OCF_RESKEY_devices", kUnset}}).code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(1).Report().registrants.empty());
}

// A failed stop gets the node fenced: stop fails only for what concerns
// stopping (resource_actions.cc, StopUnprepared).
TEST_F(ResourceActionsTest, StopNeverFailsForACheckLevelItDoesNotRead) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "stop", {{"OCF_CHECK_LEVEL", "deep"}}).code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(0).Report().registrants.empty()) << "and it released";
}

TEST_F(ResourceActionsTest, InstanceNamesTooLongForAFileNameWork) {
  const EnvironmentMap long_name = {{"OCF_RESOURCE_INSTANCE", std::string(300, 'd')}};
  ASSERT_EQ(Run(1, "start", long_name).code, kOcfSuccess);
  EXPECT_EQ(Run(1, "monitor", long_name).code, kOcfSuccess);
  EXPECT_EQ(Run(1, "stop", long_name).code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(0).Report().registrants.empty());
}

TEST_F(ResourceActionsTest, StopSucceedsReleasingNothingWhenTheStoreIsUnsafe) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  const std::string store = dir_ + "/node1";
  ASSERT_EQ(::chmod(store.c_str(), 0777), 0);
  EXPECT_EQ(Run(1, "start").code, kOcfErrGeneric) << "start refuses the unsafe directory";
  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(0).Report().Holds(DerivedKey(1))) << "nothing released without the saved state";
  ASSERT_EQ(::chmod(store.c_str(), 0700), 0);
  EXPECT_EQ(Run(2, "start").code, kOcfSuccess) << "the next start preempts the key left behind";
  EXPECT_FALSE(disks_.CanWriteAnywhere(1));
}

TEST_F(ResourceActionsTest, StopSucceedsQuicklyWhenTheStateFileIsAFifo) {
  const std::string store = dir_ + "/node1";
  ASSERT_EQ(::mkdir(store.c_str(), 0700), 0);
  ASSERT_EQ(::mkfifo((store + "/disk.state").c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5)) << "a FIFO is never waited on";
  EXPECT_NE(Run(1, "start").code, kOcfSuccess) << "start refuses it";
}

TEST_F(ResourceActionsTest, StopFailsWhenADeviceCannotBeReleased) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  disks_.View(1, 0).faults.unreachable = true;
  EXPECT_EQ(Run(1, "stop").code, kOcfErrGeneric);
  disks_.View(1, 0).faults.unreachable = false;
  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
}

TEST_F(ResourceActionsTest, AHungDeviceFailsTheActionBeforePacemakersTimeout) {
  disks_.View(1, 1).faults.hang = std::chrono::milliseconds(1500);
  const auto start = std::chrono::steady_clock::now();
  const OcfOutcome outcome = Run(1, "start", {{"OCF_RESKEY_CRM_meta_timeout", "1000"}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(outcome.code, kOcfErrGeneric);
  EXPECT_NE(outcome.reason.find("/dev/disk1"), std::string::npos) << outcome.reason;
  // nvme_persist has no power_timeout: its deadline is the operation's timeout.
  EXPECT_EQ(outcome.reason.find("power_timeout"), std::string::npos) << outcome.reason;
  EXPECT_NE(outcome.reason.find("operation's timeout"), std::string::npos) << outcome.reason;
  EXPECT_LT(elapsed, std::chrono::milliseconds(1400));
}

TEST_F(ResourceActionsTest, PlainCloneIsRefused) {
  const OcfOutcome outcome = Run(1, "start", {{"OCF_RESKEY_CRM_meta_clone_max", "2"}});
  EXPECT_EQ(outcome.code, kOcfErrConfigured);
  EXPECT_NE(outcome.reason.find("plain clone"), std::string::npos) << outcome.reason;
}

TEST_F(ResourceActionsTest, MetadataAndNotifyNeedNothing) {
  ASSERT_EQ(Run(1, "meta-data", {{"OCF_RESKEY_devices", kUnset}}).code, kOcfSuccess);
  EXPECT_NE(out_.find("<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">"), std::string::npos);
  EXPECT_EQ(Run(1, "notify").code, kOcfSuccess);
}

// Devices are opened as the fence agent opens them: all at once, in worker
// threads, within the action's deadline (before: one after another on the
// main thread, unbounded).
TEST_F(ResourceActionsTest, DevicesAreOpenedInParallel) {
  before_open_ = [](const std::string&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    return true;
  };
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_LT(elapsed, std::chrono::milliseconds(1100)) << "two 600 ms opens one after the other";
}

TEST_F(ResourceActionsTest, AHungOpenFailsTheActionAtItsDeadline) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  before_open_ = [release](const std::string& name) {
    for (int i = 0; i < 300 && !*release && name == "/dev/disk1"; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return name != "/dev/disk1";
  };
  const auto start = std::chrono::steady_clock::now();
  const OcfOutcome outcome = Run(1, "start", {{"OCF_RESKEY_CRM_meta_timeout", "1000"}});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  *release = true;
  EXPECT_EQ(outcome.code, kOcfErrGeneric);
  EXPECT_NE(outcome.reason.find("/dev/disk1"), std::string::npos) << outcome.reason;
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
}

// One device under two names (by device number, env.check_distinct) is an
// error where devices are counted; stop still releases.
TEST_F(ResourceActionsTest, ADeviceListedTwiceByNumberFailsStartButNotStop) {
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  duplicate_ = true;
  const OcfOutcome start = Run(1, "start");
  EXPECT_EQ(start.code, kOcfErrConfigured);
  EXPECT_NE(start.reason.find("same device"), std::string::npos) << start.reason;
  EXPECT_EQ(Run(1, "stop").code, kOcfSuccess);
  duplicate_ = false;
  EXPECT_EQ(Run(1, "monitor").code, kOcfNotRunning);
}

}  // namespace
}  // namespace nvmepr
