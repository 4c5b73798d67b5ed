// SPDX-License-Identifier: GPL-2.0-or-later
#include "reservation.h"

#include <algorithm>

#include "text.h"

namespace nvmepr {
const TypeInfo* FindType(ReservationType type) {
  for (const auto& row : kTypes) {
    if (row.type == type) return &row;
  }
  return nullptr;
}

std::optional<ReservationType> TypeFromNumber(unsigned number) {
  if (number == 0) return ReservationType::kNone;
  for (const auto& row : kTypes) {
    if (static_cast<unsigned>(row.type) == number) return row.type;
  }
  return std::nullopt;
}

std::string_view TypeName(ReservationType type) {
  const TypeInfo* row = FindType(type);
  return row ? row->name : "none";
}

std::optional<ReservationType> ParseType(std::string_view text) {
  std::string lower = Lower(text);
  std::replace(lower.begin(), lower.end(), '_', '-');
  for (const auto& row : kTypes) {
    if (lower == row.name || lower == row.acronym || lower == std::to_string(static_cast<int>(row.type))) {
      return row.type;
    }
  }
  return std::nullopt;
}

std::vector<std::string> TypeSpellings(ReservationType type) {
  const TypeInfo* row = FindType(type);
  if (row == nullptr) return {};
  return {std::string(row->acronym), std::to_string(static_cast<int>(type))};
}

bool IsAllRegistrants(ReservationType type) {
  const TypeInfo* row = FindType(type);
  return row && row->all_registrants;
}

bool IsOneOwner(ReservationType type) {
  const TypeInfo* row = FindType(type);
  return row && row->one_owner;
}

bool RegistrantsMayWrite(ReservationType type) {
  const TypeInfo* row = FindType(type);
  return row && !row->one_owner;
}

bool ReservationStatus::IsRegistered(Key key) const {
  return std::any_of(registrants.begin(), registrants.end(), [key](const Registrant& r) { return r.key == key; });
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
  return std::any_of(registrants.begin(), registrants.end(),
                     [key](const Registrant& r) { return r.key == key && r.holds_reservation; });
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
