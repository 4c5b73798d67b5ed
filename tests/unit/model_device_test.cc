// SPDX-License-Identifier: GPL-2.0-or-later
// The model must follow the NVMe reservation rules, or tests of the fencing
// logic prove nothing.
#include "model_device.h"

#include <gtest/gtest.h>

#include "nvme_command.h"

namespace nvmepr {
namespace {

constexpr auto kWEAR = ReservationType::kWriteExclusiveAllRegistrants;
constexpr auto kWERO = ReservationType::kWriteExclusiveRegistrantsOnly;
constexpr auto kWE = ReservationType::kWriteExclusive;

RegisterArgs Reg(Key key) { return {RegisterAction::kRegister, 0, key, false}; }
AcquireArgs Acq(ReservationType type, Key own) { return {AcquireAction::kAcquire, type, own, 0}; }
AcquireArgs Preempt(ReservationType type, Key own, Key victim) {
  return {AcquireAction::kPreemptAndAbort, type, own, victim};
}

TEST(ModelNamespaceTest, RegisterIsIdempotentAndConflictsOnAnotherKey) {
  ModelNamespace ns;
  EXPECT_EQ(ns.Register("a", Reg(1)), 0);
  EXPECT_EQ(ns.Register("a", Reg(1)), 0);
  EXPECT_EQ(ns.Register("a", Reg(2)), kStatusReservationConflict);
  EXPECT_EQ(ns.Register("a", {RegisterAction::kReplace, 0, 2, true}), 0);
  EXPECT_EQ(*ns.KeyOf("a"), 2u);
}

TEST(ModelNamespaceTest, AcquireNeedsRegistrationWithMatchingKey) {
  ModelNamespace ns;
  EXPECT_EQ(ns.Acquire("a", Acq(kWEAR, 1)), kStatusReservationConflict);
  ASSERT_EQ(ns.Register("a", Reg(1)), 0);
  EXPECT_EQ(ns.Acquire("a", Acq(kWEAR, 2)), kStatusReservationConflict);
  EXPECT_EQ(ns.Acquire("a", Acq(kWEAR, 1)), 0);
  EXPECT_EQ(ns.Report().type, kWEAR);
}

TEST(ModelNamespaceTest, NonRegistrantCannotWriteUnderAnyType) {
  for (ReservationType type : kAllTypes) {
    ModelNamespace ns;
    ASSERT_EQ(ns.Register("a", Reg(1)), 0);
    ASSERT_EQ(ns.Acquire("a", Acq(type, 1)), 0);
    EXPECT_TRUE(ns.CanWrite("a")) << TypeName(type);
    EXPECT_FALSE(ns.CanWrite("b")) << TypeName(type);
  }
}

TEST(ModelNamespaceTest, PreemptAndAbortUnderAllRegistrantsRemovesOnlyTheVictim) {
  ModelNamespace ns;
  for (auto [host, key] : {std::pair{"a", 1}, {"b", 2}, {"c", 3}}) ASSERT_EQ(ns.Register(host, Reg(key)), 0);
  ASSERT_EQ(ns.Acquire("a", Acq(kWEAR, 1)), 0);
  EXPECT_EQ(ns.Acquire("c", Preempt(kWEAR, 3, 2)), 0);
  EXPECT_FALSE(ns.KeyOf("b"));
  EXPECT_TRUE(ns.KeyOf("a"));
  EXPECT_FALSE(ns.CanWrite("b"));
  EXPECT_TRUE(ns.CanWrite("c"));
  EXPECT_EQ(ns.Report().type, kWEAR);
}

TEST(ModelNamespaceTest, PreemptingTheHolderTransfersTheReservation) {
  ModelNamespace ns;
  ASSERT_EQ(ns.Register("a", Reg(1)), 0);
  ASSERT_EQ(ns.Register("b", Reg(2)), 0);
  ASSERT_EQ(ns.Acquire("a", Acq(kWE, 1)), 0);
  EXPECT_FALSE(ns.CanWrite("b"));
  EXPECT_EQ(ns.Acquire("b", Preempt(kWE, 2, 1)), 0);
  EXPECT_FALSE(ns.KeyOf("a"));
  EXPECT_TRUE(ns.CanWrite("b"));
  EXPECT_EQ(*ns.Report().HolderKey(), 2u);
}

TEST(ModelNamespaceTest, UnregisteredHostCannotPreempt) {
  ModelNamespace ns;
  ASSERT_EQ(ns.Register("a", Reg(1)), 0);
  ASSERT_EQ(ns.Acquire("a", Acq(kWEAR, 1)), 0);
  EXPECT_EQ(ns.Acquire("b", Preempt(kWEAR, 2, 1)), kStatusReservationConflict);
  EXPECT_TRUE(ns.KeyOf("a"));
}

TEST(ModelNamespaceTest, HolderPreemptFollowsSpecUnlessDeviationIsOn) {
  for (bool deviation : {false, true}) {
    ModelNamespace ns(TargetDeviations{deviation, false});
    ASSERT_EQ(ns.Register("a", Reg(1)), 0);
    ASSERT_EQ(ns.Register("b", Reg(2)), 0);
    ASSERT_EQ(ns.Acquire("a", Acq(kWERO, 1)), 0);
    EXPECT_EQ(ns.Acquire("a", Preempt(kWERO, 1, 2)), 0);
    EXPECT_EQ(ns.KeyOf("b").has_value(), deviation);
  }
}

TEST(ModelNamespaceTest, AllRegistrantsReservationLastsWhileAnyRegistrantRemains) {
  ModelNamespace ns;
  ASSERT_EQ(ns.Register("a", Reg(1)), 0);
  ASSERT_EQ(ns.Register("b", Reg(2)), 0);
  ASSERT_EQ(ns.Acquire("a", Acq(kWEAR, 1)), 0);
  ASSERT_EQ(ns.Register("a", {RegisterAction::kUnregister, 1, 0, false}), 0);
  EXPECT_EQ(ns.Report().type, kWEAR);
  ASSERT_EQ(ns.Register("b", {RegisterAction::kUnregister, 2, 0, false}), 0);
  EXPECT_EQ(ns.Report().type, ReservationType::kNone);
}

TEST(ModelNamespaceTest, ClearDropsEveryoneIncludingTheCaller) {
  ModelNamespace ns;
  ASSERT_EQ(ns.Register("a", Reg(1)), 0);
  ASSERT_EQ(ns.Register("b", Reg(2)), 0);
  ASSERT_EQ(ns.Acquire("a", Acq(kWEAR, 1)), 0);
  ASSERT_EQ(ns.Release("a", {ReleaseAction::kClear, kWEAR, 1}), 0);
  EXPECT_TRUE(ns.Report().registrants.empty());
  EXPECT_EQ(ns.Report().type, ReservationType::kNone);
}

TEST(ModelDeviceTest, UnreachableDeviceFailsWithIo) {
  auto ns = std::make_shared<ModelNamespace>();
  ModelDevice device("/dev/x", ns, "a");
  device.faults.unreachable = true;
  auto report = device.Report(Deadline::After(std::chrono::seconds(1)));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().kind, ErrorKind::kIo);
  EXPECT_NE(report.error().message.find("/dev/x"), std::string::npos);
}

}  // namespace
}  // namespace nvmepr
