// SPDX-License-Identifier: GPL-2.0-or-later
// The NVMe reservation vocabulary (NVMe Base Specification, "Reservations"):
// types, command actions, and what a Reservation Report says. Values are the
// spec's; Linux's enum pr_type uses the same numbers for the types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nvmepr {

/// A 64-bit reservation key. 0 means "no key" and is never a valid node key.
using Key = std::uint64_t;

/// Reservation type (RTYPE). 0 = no reservation.
enum class ReservationType : std::uint8_t {
  kNone = 0,
  kWriteExclusive = 1,                  // WE
  kExclusiveAccess = 2,                 // EA
  kWriteExclusiveRegistrantsOnly = 3,   // WERO
  kExclusiveAccessRegistrantsOnly = 4,  // EARO
  kWriteExclusiveAllRegistrants = 5,    // WEAR
  kExclusiveAccessAllRegistrants = 6,   // EAAR
};

/// The parameter spelling of a type ("write-exclusive-all-registrants"...).
std::string_view TypeName(ReservationType type);
/// Parses a parameter spelling; also accepts the acronyms (WEAR) and 1-6.
std::optional<ReservationType> ParseType(std::string_view text);
/// Every other spelling ParseType takes for `type`, in lower case: its
/// acronym ("wear") and its number ("5").
std::vector<std::string> TypeSpellings(ReservationType type);
/// All six types, in spec order.
inline constexpr std::array<ReservationType, 6> kAllTypes = {
    ReservationType::kWriteExclusive,
    ReservationType::kExclusiveAccess,
    ReservationType::kWriteExclusiveRegistrantsOnly,
    ReservationType::kExclusiveAccessRegistrantsOnly,
    ReservationType::kWriteExclusiveAllRegistrants,
    ReservationType::kExclusiveAccessAllRegistrants,
};
/// True for types 5 and 6, where every registrant is a holder.
bool IsAllRegistrants(ReservationType type);
/// True when a registrant that is not the holder may write (types 3-6).
bool RegistrantsMayWrite(ReservationType type);

/// Reservation Register action (RREGA, CDW10 bits 2:0).
enum class RegisterAction : std::uint8_t { kRegister = 0, kUnregister = 1, kReplace = 2 };
/// Reservation Acquire action (RACQA, CDW10 bits 2:0).
enum class AcquireAction : std::uint8_t { kAcquire = 0, kPreempt = 1, kPreemptAndAbort = 2 };
/// Reservation Release action (RRELA, CDW10 bits 2:0).
enum class ReleaseAction : std::uint8_t { kRelease = 0, kClear = 1 };

/// Arguments of Reservation Register (opcode 0x0D).
struct RegisterArgs {
  RegisterAction action = RegisterAction::kRegister;
  Key current_key = 0;  ///< CRKEY: ours, for unregister and replace
  Key new_key = 0;      ///< NRKEY: for register and replace
  bool ignore_existing_key = false;  ///< IEKEY: replace whatever key this host has
};

/// Arguments of Reservation Acquire (opcode 0x11).
struct AcquireArgs {
  AcquireAction action = AcquireAction::kAcquire;
  ReservationType type = ReservationType::kNone;
  Key current_key = 0;  ///< CRKEY: our own registered key
  Key preempt_key = 0;  ///< PRKEY: the victim's key, for preempt
};

/// Arguments of Reservation Release (opcode 0x15).
struct ReleaseArgs {
  ReleaseAction action = ReleaseAction::kRelease;
  ReservationType type = ReservationType::kNone;  ///< must match the reservation's
  Key current_key = 0;
};

/// One registrant in a Reservation Report.
struct Registrant {
  Key key = 0;
  bool holds_reservation = false;  ///< RCSTS bit 0
  std::uint16_t controller_id = 0xFFFF;
  std::string host_id;  ///< hex, 32 digits (extended) or 16; empty if unknown
};

/// What a Reservation Report says about a namespace.
struct ReservationStatus {
  std::uint32_t generation = 0;
  ReservationType type = ReservationType::kNone;
  bool persist_through_power_loss = false;
  std::vector<Registrant> registrants;

  bool IsRegistered(Key key) const;
  /// The holder's key, if the report names one (types 5/6 mark every registrant).
  std::optional<Key> HolderKey() const;
  bool Holds(Key key) const;
};

/// What the namespace supports, from Identify Controller ONCS and Identify Namespace RESCAP.
struct Capabilities {
  bool reservations = false;       ///< ONCS bit 5
  std::uint8_t rescap = 0;         ///< RESCAP byte: bit 0 PTPL, bits 1-6 types, bit 7 IEKEY restricted
  bool Supports(ReservationType type) const;
};

/// Formats a key as 0x + 16 lowercase hex digits.
std::string FormatKey(Key key);

}  // namespace nvmepr
