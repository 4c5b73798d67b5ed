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
  ASSERT_TRUE(Unfence(disks.Devices(1), 0x1, kAuto, Far()));
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
}

TEST(UnfenceTest, NeverReplacesItsKeyWithOneAnotherHostUses) {
  SharedDisks disks(2, 1);
  UnfenceAll(disks, 2);
  auto r = Unfence(disks.Devices(2), 0x1, kAuto, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(*disks.Namespace(0).KeyOf("node2"), 0x2u);  // node2 kept its own key
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
    std::thread a([&] { while (!go) {} one = Fence(disks.Devices(1), 1, 2, kAuto, Far()); });
    std::thread b([&] { while (!go) {} two = Fence(disks.Devices(2), 2, 1, kAuto, Far()); });
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

TEST(CheckSupportTest, FailsOnDeviceWithoutReservations) {
  SharedDisks disks(1, 1, {}, 0);
  EXPECT_FALSE(CheckSupport(disks.Devices(1), kAuto, Far()));
  SharedDisks good(1, 1);
  EXPECT_TRUE(CheckSupport(good.Devices(1), kAuto, Far()));
}

}  // namespace
}  // namespace nvmepr
