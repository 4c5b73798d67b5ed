// SPDX-License-Identifier: GPL-2.0-or-later
#include "reservation.h"

#include <algorithm>

#include "text.h"

namespace nvmepr {
namespace {

struct TypeNames {
  ReservationType type;
  std::string_view name;
  std::string_view acronym;
};

constexpr TypeNames kTypeNames[] = {
    {ReservationType::kWriteExclusive, "write-exclusive", "we"},
    {ReservationType::kExclusiveAccess, "exclusive-access", "ea"},
    {ReservationType::kWriteExclusiveRegistrantsOnly, "write-exclusive-registrants-only", "wero"},
    {ReservationType::kExclusiveAccessRegistrantsOnly, "exclusive-access-registrants-only", "earo"},
    {ReservationType::kWriteExclusiveAllRegistrants, "write-exclusive-all-registrants", "wear"},
    {ReservationType::kExclusiveAccessAllRegistrants, "exclusive-access-all-registrants", "eaar"},
};

}  // namespace

std::string_view TypeName(ReservationType type) {
  for (const auto& entry : kTypeNames) {
    if (entry.type == type) return entry.name;
  }
  return "none";
}

std::optional<ReservationType> ParseType(std::string_view text) {
  std::string lower = Lower(text);
  std::replace(lower.begin(), lower.end(), '_', '-');
  for (const auto& entry : kTypeNames) {
    if (lower == entry.name || lower == entry.acronym ||
        lower == std::to_string(static_cast<int>(entry.type))) {
      return entry.type;
    }
  }
  return std::nullopt;
}

std::vector<std::string> TypeSpellings(ReservationType type) {
  for (const auto& entry : kTypeNames) {
    if (entry.type == type) return {std::string(entry.acronym), std::to_string(static_cast<int>(type))};
  }
  return {};
}

bool IsAllRegistrants(ReservationType type) {
  return type == ReservationType::kWriteExclusiveAllRegistrants ||
         type == ReservationType::kExclusiveAccessAllRegistrants;
}

bool RegistrantsMayWrite(ReservationType type) {
  return static_cast<int>(type) >= 3 && static_cast<int>(type) <= 6;
}

bool ReservationStatus::IsRegistered(Key key) const {
  return std::any_of(registrants.begin(), registrants.end(),
                     [key](const Registrant& r) { return r.key == key; });
}

std::optional<Key> ReservationStatus::HolderKey() const {
  for (const auto& r : registrants) {
    if (r.holds_reservation) return r.key;
  }
  return std::nullopt;
}

bool ReservationStatus::Holds(Key key) const {
  if (type == ReservationType::kNone) return false;
  if (IsAllRegistrants(type)) return IsRegistered(key);
  return std::any_of(registrants.begin(), registrants.end(), [key](const Registrant& r) {
    return r.key == key && r.holds_reservation;
  });
}

bool Capabilities::Supports(ReservationType type) const {
  if (!reservations || type == ReservationType::kNone) return false;
  return (rescap >> static_cast<int>(type)) & 1;
}

std::string FormatKey(Key key) {
  std::string text = "0x";
  AppendHex(text, key, 16);
  return text;
}

}  // namespace nvmepr
