// SPDX-License-Identifier: GPL-2.0-or-later
#include "fencing.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "model_fixture.h"

namespace nvmepr {
namespace {

using testing::Far;
using testing::SharedDisks;
constexpr auto kAuto = ReservationType::kNone;
constexpr auto kWEAR = ReservationType::kWriteExclusiveAllRegistrants;
constexpr auto kWERO = ReservationType::kWriteExclusiveRegistrantsOnly;
constexpr auto kWE = ReservationType::kWriteExclusive;

void UnfenceAll(SharedDisks& disks, int hosts, ReservationType type = kAuto) {
  for (int h = 1; h <= hosts; ++h) {
    auto r = Unfence(disks.Devices(h), SharedDisks::KeyOf(h), type, Far());
    ASSERT_TRUE(r) << r.error().message;
  }
}

TEST(UnfenceTest, RegistersEveryNodeAndCreatesOneAllRegistrantsReservation) {
  SharedDisks disks(3, 2);
  UnfenceAll(disks, 3);
  for (int n = 0; n < 2; ++n) {
    auto status = disks.Namespace(n).Report();
    EXPECT_EQ(status.type, kWEAR);
    EXPECT_EQ(status.registrants.size(), 3u);
  }
  for (int h = 1; h <= 3; ++h) EXPECT_TRUE(disks.CanWriteEverywhere(h));
}

TEST(UnfenceTest, IsIdempotent) {
  SharedDisks disks(2, 1);
  UnfenceAll(disks, 2);
  UnfenceAll(disks, 2);
  EXPECT_EQ(disks.Namespace(0).Report().registrants.size(), 2u);
}

TEST(UnfenceTest, ReplacesAStaleKeyOfThisHost) {
  SharedDisks disks(1, 1);
  ASSERT_TRUE(Unfence(disks.Devices(1), 0x99, kAuto, Far()));
  // 0x99 is the key this node saved when it unfenced (previous).
  ASSERT_TRUE(Unfence(disks.Devices(1), 0x1, kAuto, Far(), 0x99));
  auto status = disks.Namespace(0).Report();
  ASSERT_EQ(status.registrants.size(), 1u);
  EXPECT_EQ(status.registrants[0].key, 0x1u);
}

TEST(UnfenceTest, RefusesAKeyAnotherHostAlreadyUses) {
  SharedDisks disks(2, 1);
  ASSERT_TRUE(Unfence(disks.Devices(1), 0x1, kAuto, Far()));
  auto r = Unfence(disks.Devices(2), 0x1, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("registered by another host"), std::string::npos) << r.error().message;
  EXPECT_EQ(disks.Namespace(0).Report().registrants.size(), 1u);  // the duplicate was undone
  disks.View(2, 0).faults.no_host_id = true;                      // then only the read-back shows the duplicate
  auto unknown = Unfence(disks.Devices(2), 0x1, kAuto, Far());
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("registered by another host"), std::string::npos) << unknown.error().message;
  EXPECT_EQ(disks.Namespace(0).Report().registrants.size(), 1u);
  EXPECT_EQ(disks.Namespace(0).KeyOf("node1"), std::optional<Key>(0x1));
}

TEST(UnfenceTest, NeverReplacesItsKeyWithOneAnotherHostUses) {
  SharedDisks disks(2, 1);
  UnfenceAll(disks, 2);
  auto r = Unfence(disks.Devices(2), 0x1, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(*disks.Namespace(0).KeyOf("node2"), 0x2u);  // node2 kept its own key
}

// Issue 11, rule 1: node2 cloned from node1's image shares its NVMe host
// identity; unfencing node2 must not take node1's registration over.
TEST(UnfenceTest, NeverTakesOverARegistrationThisHostHoldsWithAnotherNodesKey) {
  SharedDisks disks(2, 2);
  UnfenceAll(disks, 1);
  disks.ShareHostIdentity(2, 1);
  auto r = Unfence(disks.Devices(2), 0x2, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
  for (const char* part : {"/dev/disk0", "key 0x0000000000000001", "host identity", "/etc/nvme/hostid"}) {
    EXPECT_NE(r.error().message.find(part), std::string::npos) << part << " in: " << r.error().message;
  }
  for (int n = 0; n < 2; ++n) {
    EXPECT_EQ(disks.Namespace(n).KeyOf("node1"), std::optional<Key>(0x1)) << "node1's key stays";
    EXPECT_FALSE(disks.Namespace(n).Report().IsRegistered(0x2));
  }
  EXPECT_TRUE(disks.CanWriteEverywhere(1));
}

TEST(UnfenceTest, RefusesAForeignRegistrationAlsoWhenTheHostIdIsUnknown) {
  SharedDisks disks(2, 1);
  UnfenceAll(disks, 1);
  disks.ShareHostIdentity(2, 1);
  disks.View(2, 0).faults.no_host_id = true;  // the block backend, or PCIe without a host ID
  auto r = Unfence(disks.Devices(2), 0x2, kAuto, Far(), 0x77);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(r.error().message.find("another key"), std::string::npos) << r.error().message;
  EXPECT_EQ(disks.Namespace(0).KeyOf("node1"), std::optional<Key>(0x1));
}

TEST(UnfenceTest, ReplacesOnlyTheKeyThisNodeRegisteredSinceBoot) {
  SharedDisks disks(1, 1);
  ASSERT_TRUE(Unfence(disks.Devices(1), 0x99, kAuto, Far()));
  auto unsaved = Unfence(disks.Devices(1), 0x1, kAuto, Far());  // nothing saved: after a reboot
  ASSERT_FALSE(unsaved);
  EXPECT_NE(unsaved.error().message.find("key 0x0000000000000099"), std::string::npos) << unsaved.error().message;
  EXPECT_FALSE(Unfence(disks.Devices(1), 0x1, kAuto, Far(), 0x55)) << "another saved key proves nothing";
  EXPECT_EQ(disks.Namespace(0).KeyOf("node1"), std::optional<Key>(0x99));
  ASSERT_TRUE(Unfence(disks.Devices(1), 0x1, kAuto, Far(), 0x99));
  EXPECT_EQ(disks.Namespace(0).KeyOf("node1"), std::optional<Key>(0x1));
}

TEST(UnfenceTest, AForeignRegistrationOnOneDeviceChangesNoDevice) {
  SharedDisks disks(2, 2);
  ASSERT_TRUE(Unfence({disks.Devices(1)[1]}, 0x1, kAuto, Far()));  // node1 on the second device only
  disks.ShareHostIdentity(2, 1);
  ASSERT_FALSE(Unfence(disks.Devices(2), 0x2, kAuto, Far()));
  EXPECT_TRUE(disks.Namespace(0).Report().registrants.empty()) << "checked everywhere before registering";
  EXPECT_EQ(disks.Namespace(1).KeyOf("node1"), std::optional<Key>(0x1));
}

TEST(UnfenceTest, AutoFallsBackToRegistrantsOnlyWithoutAllRegistrantsSupport) {
  SharedDisks disks(1, 1, {}, /*rescap=*/0x0E);  // WE, EA, WERO only
  UnfenceAll(disks, 1);
  EXPECT_EQ(disks.Namespace(0).Report().type, kWERO);
}

TEST(UnfenceTest, RefusesATypeTheDeviceDoesNotSupport) {
  SharedDisks disks(1, 1, {}, 0x0E);
  auto r = Unfence(disks.Devices(1), 1, kWEAR, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUnsupported);
}

TEST(UnfenceTest, FailsWithoutReservationSupport) {
  SharedDisks disks(1, 1, {}, 0);
  auto r = Unfence(disks.Devices(1), 1, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kUnsupported);
}

TEST(FenceTest, VictimLosesWriteAccessEverywhereFencerKeepsIt) {
  SharedDisks disks(3, 4);
  UnfenceAll(disks, 3);
  auto r = Fence(disks.Devices(1), 1, 2, kAuto, Far());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(disks.CanWriteAnywhere(2));
  EXPECT_TRUE(disks.CanWriteEverywhere(1));
  EXPECT_TRUE(disks.CanWriteEverywhere(3));
}

TEST(FenceTest, FencingAnAlreadyFencedNodeSucceeds) {
  SharedDisks disks(2, 2);
  UnfenceAll(disks, 2);
  ASSERT_TRUE(Fence(disks.Devices(1), 1, 2, kAuto, Far()));
  auto again = Fence(disks.Devices(1), 1, 2, kAuto, Far());
  EXPECT_TRUE(again) << again.error().message;
}

TEST(FenceTest, FencedNodeCannotFenceTheSurvivor) {
  SharedDisks disks(2, 2);
  UnfenceAll(disks, 2);
  ASSERT_TRUE(Fence(disks.Devices(1), 1, 2, kAuto, Far()));
  auto r = Fence(disks.Devices(2), 2, 1, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kRefused);
  EXPECT_TRUE(disks.CanWriteEverywhere(1));
}

TEST(FenceTest, RefusesBeforeChangingAnythingWhenOwnKeyIsMissingOnOneDevice) {
  SharedDisks disks(3, 2);
  UnfenceAll(disks, 3);
  // node1 lost its key on the second device only (a split outcome).
  ASSERT_EQ(disks.Namespace(1).Acquire("node3", {AcquireAction::kPreemptAndAbort, kWEAR, 3, 1}), 0);
  auto r = Fence(disks.Devices(1), 1, 2, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kRefused);
  EXPECT_TRUE(disks.Namespace(0).KeyOf("node2"));
}

TEST(FenceTest, RefusesToFenceItsOwnKey) {
  SharedDisks disks(1, 1);
  UnfenceAll(disks, 1);
  auto r = Fence(disks.Devices(1), 1, 1, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
}

TEST(FenceTest, TakesOverFromAVictimHoldingAWriteExclusiveReservation) {
  SharedDisks disks(2, 1);
  UnfenceAll(disks, 2, kWE);  // node1 holds, node2 is a mere registrant
  ASSERT_TRUE(Fence(disks.Devices(2), 2, 1, kAuto, Far()));
  EXPECT_TRUE(disks.CanWriteEverywhere(2));
  EXPECT_FALSE(disks.CanWriteAnywhere(1));
  EXPECT_EQ(*disks.Namespace(0).Report().HolderKey(), 2u);
}

TEST(FenceTest, HolderOfRegistrantsOnlyFencesOnASpecCompliantTarget) {
  SharedDisks disks(2, 1);
  UnfenceAll(disks, 2, kWERO);
  ASSERT_TRUE(Fence(disks.Devices(1), 1, 2, kAuto, Far()));
  EXPECT_FALSE(disks.CanWriteAnywhere(2));
  EXPECT_EQ(disks.Namespace(0).Report().type, kWERO);
}

TEST(FenceTest, WorksAroundTheLinuxTargetIgnoringAHolderPreempt) {
  SharedDisks disks(3, 2, TargetDeviations::LinuxNvmet());
  UnfenceAll(disks, 3, kWERO);  // node1 holds WERO on both
  auto r = Fence(disks.Devices(1), 1, 2, kAuto, Far());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(disks.CanWriteAnywhere(2));
  EXPECT_TRUE(disks.CanWriteEverywhere(1));
  EXPECT_TRUE(disks.CanWriteEverywhere(3));
  EXPECT_EQ(disks.Namespace(0).Report().type, kWEAR);  // same access rules
}

TEST(FenceTest, FailsLoudlyWhenTheTargetIgnoresAWriteExclusiveHolderPreempt) {
  SharedDisks disks(2, 1, TargetDeviations::LinuxNvmet());
  UnfenceAll(disks, 2, kWE);
  auto r = Fence(disks.Devices(1), 1, 2, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kVerifyFailed);
  EXPECT_FALSE(disks.CanWriteAnywhere(2));  // and it never could under WE
}

TEST(FenceTest, RecreatesAMissingReservation) {
  SharedDisks disks(2, 1);
  UnfenceAll(disks, 2);
  ASSERT_EQ(disks.Namespace(0).Release("node1", {ReleaseAction::kRelease, kWEAR, 1}), 0);
  ASSERT_EQ(disks.Namespace(0).Report().type, ReservationType::kNone);
  ASSERT_TRUE(Fence(disks.Devices(1), 1, 2, kAuto, Far()));
  EXPECT_FALSE(disks.CanWriteAnywhere(2));
  EXPECT_EQ(disks.Namespace(0).Report().type, kWEAR);
}

TEST(FenceTest, ScalesToSixteenHostsOnEightNamespaces) {
  SharedDisks disks(16, 8);
  UnfenceAll(disks, 16);
  ASSERT_TRUE(Fence(disks.Devices(5), 5, 11, kAuto, Far()));
  for (int h = 1; h <= 16; ++h) EXPECT_EQ(disks.CanWriteEverywhere(h), h != 11) << h;
}

TEST(FenceTest, SimultaneousMutualFencingHasExactlyOneWinner) {
  for (int round = 0; round < 50; ++round) {
    SharedDisks disks(2, 3);
    UnfenceAll(disks, 2);
    Result<void> one = Error{}, two = Error{};
    std::atomic<bool> go{false};
    std::thread a([&] {
      while (!go) {
      }
      one = Fence(disks.Devices(1), 1, 2, kAuto, Far());
    });
    std::thread b([&] {
      while (!go) {
      }
      two = Fence(disks.Devices(2), 2, 1, kAuto, Far());
    });
    go = true;
    a.join();
    b.join();
    ASSERT_NE(one.has_value(), two.has_value()) << "round " << round;
    const int winner = one ? 1 : 2, loser = 3 - winner;
    EXPECT_TRUE(disks.CanWriteEverywhere(winner)) << "round " << round;
    EXPECT_FALSE(disks.CanWriteAnywhere(loser)) << "round " << round;
  }
}

TEST(FenceTest, HungDeviceEndsInTimeoutWithinTheDeadline) {
  SharedDisks disks(2, 2);
  UnfenceAll(disks, 2);
  disks.View(1, 1).faults.hang = std::chrono::milliseconds(2000);
  const auto start = std::chrono::steady_clock::now();
  auto r = Fence(disks.Devices(1), 1, 2, kAuto, Deadline::After(std::chrono::milliseconds(300)));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTimeout);
  EXPECT_NE(r.error().message.find("/dev/disk1"), std::string::npos) << r.error().message;
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));  // let the worker finish
}

TEST(FenceTest, UnreachableDeviceFailsNamingIt) {
  SharedDisks disks(2, 2);
  UnfenceAll(disks, 2);
  disks.View(1, 1).faults.unreachable = true;
  auto r = Fence(disks.Devices(1), 1, 2, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("/dev/disk1"), std::string::npos) << r.error().message;
}

TEST(FindKeyTest, CountsDevicesWithTheKey) {
  SharedDisks disks(2, 3);
  UnfenceAll(disks, 2);
  ASSERT_EQ(disks.Namespace(2).Acquire("node1", {AcquireAction::kPreemptAndAbort, kWEAR, 1, 2}), 0);
  auto presence = FindKey(disks.Devices(1), 2, Far());
  ASSERT_TRUE(presence);
  EXPECT_EQ(presence->registered_on, 2u);
  EXPECT_EQ(presence->devices, 3u);
}

TEST(CheckSupportTest, TellsThisHostsRegistration) {
  SharedDisks disks(2, 2);
  UnfenceAll(disks, 1);
  disks.ShareHostIdentity(2, 1);
  disks.View(2, 1).faults.no_host_id = true;
  auto hosts = CheckSupport(disks.Devices(2), kAuto, Far());
  ASSERT_TRUE(hosts) << hosts.error().message;
  ASSERT_EQ(hosts->size(), 2u);
  EXPECT_EQ((*hosts)[0].host_id, "node1");
  EXPECT_EQ((*hosts)[0].key, std::optional<Key>(0x1));
  EXPECT_EQ((*hosts)[1].key, std::nullopt) << "no host ID, no verdict";
}

TEST(CheckSupportTest, FailsOnDeviceWithoutReservations) {
  SharedDisks disks(1, 1, {}, 0);
  EXPECT_FALSE(CheckSupport(disks.Devices(1), kAuto, Far()));
  SharedDisks good(1, 1);
  EXPECT_TRUE(CheckSupport(good.Devices(1), kAuto, Far()));
}

}  // namespace
}  // namespace nvmepr
