// SPDX-License-Identifier: GPL-2.0-or-later
#include "reservation.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace nvmepr {
namespace {

Registrant Reg(Key key, bool holder) {
  Registrant r;
  r.key = key;
  r.holds_reservation = holder;
  return r;
}

ReservationStatus Status(ReservationType type, std::vector<Registrant> registrants) {
  ReservationStatus status;
  status.type = type;
  status.registrants = std::move(registrants);
  return status;
}

TEST(TypeNameTest, NamesEveryTypeDistinctlyAndNoneForZero) {
  std::set<std::string_view> names;
  for (ReservationType type : kAllTypes) names.insert(TypeName(type));
  EXPECT_EQ(names.size(), 6u);
  EXPECT_EQ(TypeName(ReservationType::kWriteExclusiveAllRegistrants), "write-exclusive-all-registrants");
  EXPECT_EQ(TypeName(ReservationType::kExclusiveAccessRegistrantsOnly), "exclusive-access-registrants-only");
  EXPECT_EQ(TypeName(ReservationType::kNone), "none");
  EXPECT_EQ(TypeName(static_cast<ReservationType>(9)), "none");
}

TEST(ParseTypeTest, RoundTripsEveryName) {
  for (ReservationType type : kAllTypes) {
    EXPECT_EQ(ParseType(TypeName(type)), type) << TypeName(type);
  }
}

TEST(ParseTypeTest, AcceptsAcronymsDigitsAnyCaseAndUnderscores) {
  const std::pair<const char*, ReservationType> cases[] = {
      {"we", ReservationType::kWriteExclusive},
      {"EA", ReservationType::kExclusiveAccess},
      {"Wero", ReservationType::kWriteExclusiveRegistrantsOnly},
      {"EARO", ReservationType::kExclusiveAccessRegistrantsOnly},
      {"wear", ReservationType::kWriteExclusiveAllRegistrants},
      {"EAAR", ReservationType::kExclusiveAccessAllRegistrants},
      {"1", ReservationType::kWriteExclusive},
      {"6", ReservationType::kExclusiveAccessAllRegistrants},
      {"Write-Exclusive", ReservationType::kWriteExclusive},
      {"WRITE_EXCLUSIVE_ALL_REGISTRANTS", ReservationType::kWriteExclusiveAllRegistrants},
      {"exclusive_access-registrants_only", ReservationType::kExclusiveAccessRegistrantsOnly},
  };
  for (const auto& [text, type] : cases) EXPECT_EQ(ParseType(text), type) << text;
}

TEST(ParseTypeTest, RefusesNoneZeroOutOfRangeAndGarbage) {
  for (const char* bad : {"", "0", "7", "none", "auto", " wear", "wear ", "01", "write exclusive", "w", "-1",
                          "write-exclusive-all-registrants-x"}) {
    EXPECT_EQ(ParseType(bad), std::nullopt) << "'" << bad << "'";
  }
  EXPECT_EQ(ParseType(std::string_view("we\0", 3)), std::nullopt);
}

TEST(IsAllRegistrantsTest, TrueOnlyForTypes5And6) {
  EXPECT_FALSE(IsAllRegistrants(ReservationType::kNone));
  for (ReservationType type : kAllTypes) {
    const int n = static_cast<int>(type);
    EXPECT_EQ(IsAllRegistrants(type), n == 5 || n == 6) << n;
  }
}

TEST(IsOneOwnerTest, TrueForTypes1And2) {
  EXPECT_FALSE(IsOneOwner(ReservationType::kNone));
  for (ReservationType type : kAllTypes) {
    const int n = static_cast<int>(type);
    EXPECT_EQ(IsOneOwner(type), n == 1 || n == 2) << n;
  }
}

// The range checks of the report decoders ask the table.
TEST(TypeFromNumberTest, KnowsZeroAndEveryRowAndNothingElse) {
  EXPECT_EQ(TypeFromNumber(0), ReservationType::kNone);
  for (ReservationType type : kAllTypes) EXPECT_EQ(TypeFromNumber(static_cast<unsigned>(type)), type);
  for (unsigned bad : {7u, 8u, 255u, 0x100u}) EXPECT_FALSE(TypeFromNumber(bad)) << bad;
}

// A registrants-only type's twin keeps its access rules (the name's first
// half) and makes every registrant a holder; auto ranks are distinct.
TEST(TypeTableTest, TwinsKeepTheAccessRulesAndAutoRanksAreDistinct) {
  std::set<int> ranks;
  for (const TypeInfo& row : kTypes) {
    if (row.auto_rank > 0) {
      EXPECT_TRUE(ranks.insert(row.auto_rank).second) << row.name;
      EXPECT_FALSE(row.one_owner) << row.name << ": fencing needs registrants that may write";
    }
    if (row.all_registrants_twin == ReservationType::kNone) continue;
    const TypeInfo* twin = FindType(row.all_registrants_twin);
    ASSERT_NE(twin, nullptr) << row.name;
    EXPECT_TRUE(twin->all_registrants) << row.name;
    const std::string_view access = row.name.substr(0, row.name.find("-registrants"));
    EXPECT_EQ(twin->name.substr(0, access.size()), access) << row.name;
  }
  EXPECT_FALSE(ranks.empty());
}

TEST(RegistrantsMayWriteTest, TrueForTypes3To6) {
  EXPECT_FALSE(RegistrantsMayWrite(ReservationType::kNone));
  for (ReservationType type : kAllTypes) {
    const int n = static_cast<int>(type);
    EXPECT_EQ(RegistrantsMayWrite(type), n >= 3) << n;
  }
}

TEST(ReservationStatusTest, IsRegisteredLooksAtEveryRegistrant) {
  const auto status = Status(ReservationType::kNone, {Reg(1, false), Reg(2, false)});
  EXPECT_TRUE(status.IsRegistered(1));
  EXPECT_TRUE(status.IsRegistered(2));
  EXPECT_FALSE(status.IsRegistered(3));
  EXPECT_FALSE(ReservationStatus{}.IsRegistered(0));
}

TEST(ReservationStatusTest, HoldsOnlyTheMarkedHolderForSingleHolderTypes) {
  for (ReservationType type :
       {ReservationType::kWriteExclusive, ReservationType::kExclusiveAccess,
        ReservationType::kWriteExclusiveRegistrantsOnly, ReservationType::kExclusiveAccessRegistrantsOnly}) {
    const auto status = Status(type, {Reg(1, false), Reg(2, true)});
    EXPECT_FALSE(status.Holds(1));
    EXPECT_TRUE(status.Holds(2));
    EXPECT_FALSE(status.Holds(3));
    EXPECT_EQ(status.HolderKey(), 2u);
  }
}

TEST(ReservationStatusTest, EveryRegistrantHoldsAllRegistrantsTypes) {
  for (ReservationType type :
       {ReservationType::kWriteExclusiveAllRegistrants, ReservationType::kExclusiveAccessAllRegistrants}) {
    const auto status = Status(type, {Reg(1, false), Reg(2, true)});
    EXPECT_TRUE(status.Holds(1));
    EXPECT_TRUE(status.Holds(2));
    EXPECT_FALSE(status.Holds(3));
  }
}

TEST(ReservationStatusTest, NobodyHoldsWithoutAReservation) {
  const auto status = Status(ReservationType::kNone, {Reg(1, true)});
  EXPECT_FALSE(status.Holds(1));
}

TEST(ReservationStatusTest, HolderKeyIsFirstMarkedRegistrantOrNone) {
  EXPECT_EQ(Status(ReservationType::kWriteExclusive, {Reg(1, false)}).HolderKey(), std::nullopt);
  EXPECT_EQ(ReservationStatus{}.HolderKey(), std::nullopt);
  EXPECT_EQ(
      Status(ReservationType::kExclusiveAccessAllRegistrants, {Reg(4, false), Reg(5, true), Reg(6, true)}).HolderKey(),
      5u);
}

TEST(CapabilitiesTest, SupportsTypeWhenReservationsAndRescapBitSet) {
  for (ReservationType type : kAllTypes) {
    const int bit = static_cast<int>(type);
    Capabilities only{true, static_cast<std::uint8_t>(1u << bit)};
    for (ReservationType other : kAllTypes) {
      EXPECT_EQ(only.Supports(other), other == type) << bit;
    }
  }
}

TEST(CapabilitiesTest, NothingWithoutOncsBitOrForTypeNone) {
  const Capabilities off{false, 0xFF};
  for (ReservationType type : kAllTypes) EXPECT_FALSE(off.Supports(type));
  const Capabilities on{true, 0xFF};
  EXPECT_FALSE(on.Supports(ReservationType::kNone));
  const Capabilities ptpl_and_iekey_only{true, 0x81};
  for (ReservationType type : kAllTypes) EXPECT_FALSE(ptpl_and_iekey_only.Supports(type));
}

TEST(FormatKeyTest, PrintsSixteenLowercaseHexDigits) {
  EXPECT_EQ(FormatKey(0), "0x0000000000000000");
  EXPECT_EQ(FormatKey(0x1A), "0x000000000000001a");
  EXPECT_EQ(FormatKey(0xFFFFFFFFFFFFFFFFULL), "0xffffffffffffffff");
  EXPECT_EQ(FormatKey(0x6C9D2A1B00000003ULL), "0x6c9d2a1b00000003");
}

}  // namespace
}  // namespace nvmepr
