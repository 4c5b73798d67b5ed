// SPDX-License-Identifier: GPL-2.0-or-later
#include "ownership.h"

#include <gtest/gtest.h>

#include "fencing.h"
#include "model_fixture.h"

namespace nvmepr {
namespace {

using testing::Far;
using testing::SharedDisks;
constexpr auto kWE = ReservationType::kWriteExclusive;
constexpr auto kEA = ReservationType::kExclusiveAccess;

OwnershipRequest Owner(Key own, ReservationType type = kWE, std::size_t required = 0) {
  OwnershipRequest request;
  request.own = own;
  request.type = type;
  request.required = required;
  return request;
}

// The block backend's view of a device: no unregister.
class NoUnregisterDevice : public ModelDevice {
 public:
  using ModelDevice::ModelDevice;
  Result<void> Register(const RegisterArgs& args, Deadline deadline) override {
    if (args.action == RegisterAction::kUnregister) {
      return Fail(ErrorKind::kUnsupported, name() + ": the block reservation ioctls cannot unregister");
    }
    return ModelDevice::Register(args, deadline);
  }
};

TEST(TakeOwnershipTest, AcquiresWhereNoReservationExists) {
  SharedDisks disks(2, 2);
  auto taken = TakeOwnership(disks.Devices(1), Owner(1), Far());
  ASSERT_TRUE(taken) << taken.error().message;
  EXPECT_EQ(*taken, 2u);
  EXPECT_TRUE(disks.CanWriteEverywhere(1));
  EXPECT_FALSE(disks.CanWriteAnywhere(2));
  EXPECT_EQ(disks.Namespace(1).Report().type, kWE);
}

TEST(TakeOwnershipTest, PreemptsAndAbortsAnotherHolderWhichLosesItsKey) {
  for (auto deviations : {TargetDeviations{}, TargetDeviations::LinuxNvmet()}) {
    SharedDisks disks(2, 2, deviations);
    ASSERT_TRUE(TakeOwnership(disks.Devices(1), Owner(1), Far()));
    auto taken = TakeOwnership(disks.Devices(2), Owner(2), Far());
    ASSERT_TRUE(taken) << taken.error().message;
    EXPECT_TRUE(disks.CanWriteEverywhere(2));
    EXPECT_FALSE(disks.CanWriteAnywhere(1));
    EXPECT_FALSE(disks.Namespace(0).KeyOf("node1").has_value());
  }
}

// Issue 19: a registrants-only reservation (fence_nvme_pr's where
// all-registrants is not supported) has a holder, but taking it over would
// preempt that node's fencing registration: refused, nothing changed.
TEST(TakeOwnershipTest, RefusesARegistrantsOnlyReservation) {
  SharedDisks disks(2, 1);
  ASSERT_TRUE(Unfence(disks.Devices(1), 1, ReservationType::kWriteExclusiveRegistrantsOnly, Far()));
  auto taken = TakeOwnership(disks.Devices(2), Owner(2, kEA), Far());
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().kind, ErrorKind::kUnsupported);
  auto status = disks.Namespace(0).Report();
  EXPECT_EQ(status.type, ReservationType::kWriteExclusiveRegistrantsOnly);
  EXPECT_TRUE(status.IsRegistered(1));
  EXPECT_FALSE(status.IsRegistered(2));
}

TEST(TakeOwnershipTest, ChangesTheTypeOfItsOwnReservation) {
  SharedDisks disks(1, 1);
  ASSERT_TRUE(TakeOwnership(disks.Devices(1), Owner(1, kEA), Far()));
  ASSERT_TRUE(TakeOwnership(disks.Devices(1), Owner(1, kWE), Far()));
  auto status = disks.Namespace(0).Report();
  EXPECT_EQ(status.type, kWE);
  EXPECT_TRUE(status.Holds(1));
}

TEST(TakeOwnershipTest, RefusesAnAllRegistrantsReservation) {
  SharedDisks disks(2, 1);
  ASSERT_TRUE(Unfence(disks.Devices(1), 1, ReservationType::kWriteExclusiveAllRegistrants, Far()));
  auto taken = TakeOwnership(disks.Devices(2), Owner(2), Far());
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().kind, ErrorKind::kUnsupported);
  EXPECT_FALSE(disks.Namespace(0).KeyOf("node2").has_value()) << "refused before registering";
  EXPECT_FALSE(JoinDevices(disks.Devices(2), Owner(2), Far()));
}

TEST(TakeOwnershipTest, PartialSuccessFollowsRequired) {
  SharedDisks disks(1, 3);
  disks.View(1, 2).faults.unreachable = true;
  auto all = TakeOwnership(disks.Devices(1), Owner(1), Far());
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().kind, ErrorKind::kIo);
  EXPECT_NE(all.error().message.find("/dev/disk2"), std::string::npos) << all.error().message;
  auto two = TakeOwnership(disks.Devices(1), Owner(1, kWE, 2), Far());
  ASSERT_TRUE(two) << two.error().message;
  EXPECT_EQ(*two, 2u);
  disks.View(1, 1).faults.unreachable = true;
  auto one = TakeOwnership(disks.Devices(1), Owner(1, kWE, 2), Far());
  ASSERT_FALSE(one);
  EXPECT_NE(one.error().message.find("failed on 2 of 3 devices (2 must succeed)"), std::string::npos)
      << one.error().message;
}

TEST(JoinDevicesTest, RegistersIdempotentlyAndReplacesAStaleKeyOfThisHost) {
  SharedDisks disks(1, 1);
  ASSERT_TRUE(JoinDevices(disks.Devices(1), Owner(0x99), Far()));
  OwnershipRequest replacing = Owner(0x1);
  replacing.previous = 0x99;  // the key this node saved when it registered
  ASSERT_TRUE(JoinDevices(disks.Devices(1), replacing, Far()));
  ASSERT_TRUE(JoinDevices(disks.Devices(1), Owner(0x1), Far()));
  auto status = disks.Namespace(0).Report();
  ASSERT_EQ(status.registrants.size(), 1u);
  EXPECT_EQ(status.registrants[0].key, 0x1u);
  EXPECT_EQ(status.type, ReservationType::kNone) << "joining acquires nothing";
}

TEST(JoinDevicesTest, RefusesAKeyAnotherHostUses) {
  SharedDisks disks(2, 1);
  ASSERT_TRUE(JoinDevices(disks.Devices(1), Owner(0x1), Far()));
  auto joined = JoinDevices(disks.Devices(2), Owner(0x1), Far());
  ASSERT_FALSE(joined);
  EXPECT_NE(joined.error().message.find("every node needs its own key"), std::string::npos) << joined.error().message;
}

// The twins of fencing_test's UnfenceTest cases for the one registration
// primitive (issue 12): the resource agent registers by the same rules.
TEST(JoinDevicesTest, UndoesTheDuplicateOfAKeyAnotherHostUses) {
  SharedDisks disks(2, 1);
  ASSERT_TRUE(JoinDevices(disks.Devices(1), Owner(0x1), Far()));
  auto joined = JoinDevices(disks.Devices(2), Owner(0x1), Far());
  ASSERT_FALSE(joined);
  EXPECT_EQ(joined.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(joined.error().message.find("registered by another host"), std::string::npos) << joined.error().message;
  EXPECT_EQ(disks.Namespace(0).Report().registrants.size(), 1u) << "refused before registering";
  // Without host IDs only the read-back shows the duplicate: undone at once.
  disks.View(2, 0).faults.no_host_id = true;
  EXPECT_FALSE(JoinDevices(disks.Devices(2), Owner(0x1), Far()));
  EXPECT_EQ(disks.Namespace(0).Report().registrants.size(), 1u) << "the duplicate was undone";
  EXPECT_FALSE(TakeOwnership(disks.Devices(2), Owner(0x1), Far()));
  EXPECT_EQ(disks.Namespace(0).Report().registrants.size(), 1u);
  EXPECT_EQ(disks.Namespace(0).KeyOf("node1"), std::optional<Key>(0x1));
}

TEST(JoinDevicesTest, NeverReplacesItsKeyWithOneAnotherHostUses) {
  SharedDisks disks(2, 1);
  ASSERT_TRUE(JoinDevices(disks.Devices(1), Owner(0x1), Far()));
  ASSERT_TRUE(JoinDevices(disks.Devices(2), Owner(0x2), Far()));
  OwnershipRequest request = Owner(0x1);
  request.previous = 0x2;
  EXPECT_FALSE(JoinDevices(disks.Devices(2), request, Far()));
  EXPECT_EQ(disks.Namespace(0).KeyOf("node2"), std::optional<Key>(0x2)) << "node2 kept its own key";
  EXPECT_FALSE(TakeOwnership(disks.Devices(2), request, Far()));
  EXPECT_EQ(disks.Namespace(0).KeyOf("node2"), std::optional<Key>(0x2));
}

TEST(JoinDevicesTest, NeverTakesOverARegistrationThisHostHoldsWithAnotherNodesKey) {
  SharedDisks disks(2, 2);
  ASSERT_TRUE(TakeOwnership(disks.Devices(1), Owner(0x1), Far()));
  disks.ShareHostIdentity(2, 1);
  for (bool take : {false, true}) {
    auto r =
        take ? TakeOwnership(disks.Devices(2), Owner(0x2), Far()) : JoinDevices(disks.Devices(2), Owner(0x2), Far());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(r.error().message.find("key 0x0000000000000001"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("host identity"), std::string::npos) << r.error().message;
    for (int n = 0; n < 2; ++n) EXPECT_TRUE(disks.Namespace(n).Report().Holds(0x1)) << "node1 still owns it";
  }
  auto partial = Owner(0x2, kWE, 1);  // even where one device would suffice
  disks.View(2, 0).faults.no_host_id = true;
  EXPECT_FALSE(TakeOwnership(disks.Devices(2), partial, Far()));
  for (int n = 0; n < 2; ++n) EXPECT_TRUE(disks.Namespace(n).Report().Holds(0x1));
}

TEST(JoinDevicesTest, ReplacesOnlyTheKeyThisNodeRegisteredSinceBoot) {
  SharedDisks disks(1, 1);
  ASSERT_TRUE(JoinDevices(disks.Devices(1), Owner(0x99), Far()));
  EXPECT_FALSE(JoinDevices(disks.Devices(1), Owner(0x1), Far()));
  OwnershipRequest wrong = Owner(0x1);
  wrong.previous = 0x55;
  EXPECT_FALSE(TakeOwnership(disks.Devices(1), wrong, Far()));
  EXPECT_EQ(disks.Namespace(0).KeyOf("node1"), std::optional<Key>(0x99));
}

TEST(ReleaseOwnershipTest, ReleasesAndStaysRegistered) {
  SharedDisks disks(2, 1);
  ASSERT_TRUE(TakeOwnership(disks.Devices(1), Owner(1), Far()));
  ASSERT_TRUE(JoinDevices(disks.Devices(2), Owner(2), Far()));
  ASSERT_TRUE(ReleaseOwnership(disks.Devices(2), Owner(2), Far())) << "not holding: nothing to do";
  EXPECT_TRUE(disks.Namespace(0).Report().Holds(1));
  ASSERT_TRUE(ReleaseOwnership(disks.Devices(1), Owner(1), Far()));
  auto status = disks.Namespace(0).Report();
  EXPECT_EQ(status.type, ReservationType::kNone);
  EXPECT_EQ(status.registrants.size(), 2u);
}

TEST(LeaveDevicesTest, ReleasesAndUnregistersIdempotently) {
  SharedDisks disks(1, 2);
  ASSERT_TRUE(TakeOwnership(disks.Devices(1), Owner(1), Far()));
  ASSERT_TRUE(LeaveDevices(disks.Devices(1), Owner(1), Far()));
  ASSERT_TRUE(LeaveDevices(disks.Devices(1), Owner(1), Far()));
  for (int n = 0; n < 2; ++n) {
    auto status = disks.Namespace(n).Report();
    EXPECT_EQ(status.type, ReservationType::kNone);
    EXPECT_TRUE(status.registrants.empty());
  }
}

TEST(LeaveDevicesTest, WithoutUnregisterReleasesAndKeepsTheKey) {
  auto ns = std::make_shared<ModelNamespace>();
  DeviceList devices = {std::make_shared<NoUnregisterDevice>("/dev/dm-0", ns, "node1")};
  ASSERT_TRUE(TakeOwnership(devices, Owner(1), Far()));
  auto left = LeaveDevices(devices, Owner(1), Far());
  ASSERT_TRUE(left) << left.error().message;
  auto status = ns->Report();
  EXPECT_EQ(status.type, ReservationType::kNone);
  EXPECT_TRUE(status.IsRegistered(1));
}

TEST(ReadStandingsTest, TellsHolderRegistrationAndErrors) {
  SharedDisks disks(2, 2);
  ASSERT_TRUE(TakeOwnership(disks.Devices(1), Owner(1), Far()));
  disks.View(2, 1).faults.unreachable = true;
  auto standings = ReadStandings(disks.Devices(2), 2, Far());
  ASSERT_EQ(standings.size(), 2u);
  ASSERT_TRUE(standings[0]);
  EXPECT_FALSE(standings[0]->holds);
  EXPECT_FALSE(standings[0]->registered);
  EXPECT_EQ(standings[0]->holder, std::optional<Key>(1));
  EXPECT_FALSE(standings[1]);
  auto own = ReadStandings(disks.Devices(1), 1, Far());
  EXPECT_TRUE(own[0]->holds && own[0]->registered);
}

TEST(StandingOfTest, AllRegistrantsReservationsAreNobodysAlone) {
  ReservationStatus status;
  status.type = ReservationType::kWriteExclusiveAllRegistrants;
  status.registrants = {{1, true, 0, ""}, {2, true, 0, ""}};
  const Standing standing = StandingOf(status, 1);
  EXPECT_TRUE(standing.registered);
  EXPECT_FALSE(standing.holds);
  EXPECT_FALSE(standing.holder.has_value());
}

}  // namespace
}  // namespace nvmepr
