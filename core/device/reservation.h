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

/// Reservation type (RTYPE). 0 = no reservation. Everything the agents know
/// about a type is its row of kTypes below: a new type is its enumerator and
/// its row.
enum class ReservationType : std::uint8_t {
  kNone = 0,
  kWriteExclusive = 1,                  // WE
  kExclusiveAccess = 2,                 // EA
  kWriteExclusiveRegistrantsOnly = 3,   // WERO
  kExclusiveAccessRegistrantsOnly = 4,  // EARO
  kWriteExclusiveAllRegistrants = 5,    // WEAR
  kExclusiveAccessAllRegistrants = 6,   // EAAR
};

/// The properties of one reservation type, the columns of kTypes.
struct TypeInfo {
  ReservationType type;
  std::string_view name;     ///< the parameter spelling ("write-exclusive-all-registrants")
  std::string_view acronym;  ///< the other spelling ParseType takes, lower case ("wear")
  /// One owner: only the holder writes, a registrant that is not the holder
  /// does not (nvme_persist's types; fence_nvme_pr keeps out of them).
  bool one_owner;
  /// Every registrant is a holder, and the reservation ends with the last
  /// registrant rather than with the holder.
  bool all_registrants;
  /// The all-registrants type with the same access rules (kNone: none): what
  /// fencing turns a registrants-only reservation into when the device
  /// ignores the holder's preempt (fencing.cc).
  ReservationType all_registrants_twin;
  /// fence_nvme_pr's reservation_type=auto tries the types with a rank in
  /// rank order (1 first); 0: never chosen by auto.
  int auto_rank;
};

/// Every type, in spec order.
inline constexpr TypeInfo kTypes[] = {
    {ReservationType::kWriteExclusive, "write-exclusive", "we", true, false, ReservationType::kNone, 0},
    {ReservationType::kExclusiveAccess, "exclusive-access", "ea", true, false, ReservationType::kNone, 0},
    {ReservationType::kWriteExclusiveRegistrantsOnly, "write-exclusive-registrants-only", "wero", false, false,
     ReservationType::kWriteExclusiveAllRegistrants, 2},
    {ReservationType::kExclusiveAccessRegistrantsOnly, "exclusive-access-registrants-only", "earo", false, false,
     ReservationType::kExclusiveAccessAllRegistrants, 0},
    {ReservationType::kWriteExclusiveAllRegistrants, "write-exclusive-all-registrants", "wear", false, true,
     ReservationType::kNone, 1},
    {ReservationType::kExclusiveAccessAllRegistrants, "exclusive-access-all-registrants", "eaar", false, true,
     ReservationType::kNone, 0},
};

/// The row of `type`, or nullptr (kNone, or a number no row has).
const TypeInfo* FindType(ReservationType type);
/// The type a device reports as `number` (RTYPE): kNone for 0, nullopt for
/// a number no row has.
std::optional<ReservationType> TypeFromNumber(unsigned number);

/// The parameter spelling of a type ("write-exclusive-all-registrants"...).
std::string_view TypeName(ReservationType type);
/// Parses a parameter spelling; also accepts the acronyms (WEAR) and the numbers.
std::optional<ReservationType> ParseType(std::string_view text);
/// Every other spelling ParseType takes for `type`, in lower case: its
/// acronym ("wear") and its number ("5").
std::vector<std::string> TypeSpellings(ReservationType type);
/// All types, in spec order.
inline constexpr auto kAllTypes = [] {
  std::array<ReservationType, std::size(kTypes)> types{};
  for (std::size_t i = 0; i < types.size(); ++i) types[i] = kTypes[i].type;
  return types;
}();
/// Types 5 and 6, where every registrant is a holder.
bool IsAllRegistrants(ReservationType type);
/// Types 1 and 2: one owner, registrants get no write access.
bool IsOneOwner(ReservationType type);
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
  Key current_key = 0;               ///< CRKEY: ours, for unregister and replace
  Key new_key = 0;                   ///< NRKEY: for register and replace
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
  bool reservations = false;  ///< ONCS bit 5
  std::uint8_t rescap = 0;    ///< RESCAP byte: bit 0 PTPL, bits 1-6 types, bit 7 IEKEY restricted
  bool Supports(ReservationType type) const;
};

/// Formats a key as 0x + 16 lowercase hex digits.
std::string FormatKey(Key key);

}  // namespace nvmepr
