// SPDX-License-Identifier: GPL-2.0-or-later
// Encoding of the NVMe reservation and identify commands into passthrough
// commands, and decoding of what the device returns. Pure functions, no I/O,
// so every bit is unit-tested without a device.
//
// Spec references are to the NVMe Base Specification 2.0, "Reservation
// Register/Acquire/Release/Report command" and "Identify".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "reservation.h"
#include "result.h"

namespace nvmepr {

/// NVMe opcodes we send.
enum class Opcode : std::uint8_t {
  kIdentify = 0x06,             // admin
  kGetFeatures = 0x0A,          // admin
  kReservationRegister = 0x0D,  // I/O
  kReservationReport = 0x0E,    // I/O
  kReservationAcquire = 0x11,   // I/O
  kReservationRelease = 0x15,   // I/O
};

/// One command, ready for NVME_IOCTL_IO_CMD / NVME_IOCTL_ADMIN_CMD.
struct NvmeCommand {
  Opcode opcode{};
  std::uint32_t cdw10 = 0;
  std::uint32_t cdw11 = 0;
  std::vector<std::uint8_t> data;  ///< payload to send, or buffer to fill
  bool reads_from_device = false;  ///< true: `data` is filled by the device
  bool controller_scope = false;   ///< about the controller, not a namespace: sent with NSID 0
};

NvmeCommand EncodeRegister(const RegisterArgs& args);
NvmeCommand EncodeAcquire(const AcquireArgs& args);
NvmeCommand EncodeRelease(const ReleaseArgs& args);
/// Report into a buffer of `bytes` (a multiple of 4); `extended` sets EDS.
NvmeCommand EncodeReport(std::uint32_t bytes, bool extended);
/// Identify Controller (CNS 1) or Identify Namespace (CNS 0), 4096 bytes.
NvmeCommand EncodeIdentify(bool controller);
/// Get Features, Host Identifier (FID 0x81, current value): the 128-bit
/// identifier with `extended` (EXHID, CDW11 bit 0), else the 64-bit one.
NvmeCommand EncodeGetHostId(bool extended);
/// The Host Identifier in the spelling of DecodeReport's host_id (hex, in
/// the order of the bytes on the wire); "" when it is all zeros (not set).
std::string DecodeHostId(std::span<const std::uint8_t> data);

/// Size of a report header and of one registrant entry in each layout.
std::uint32_t ReportHeaderBytes(bool extended);
std::uint32_t ReportEntryBytes(bool extended);
/// REGCTL from a report header: how many registrants exist (even if truncated).
std::uint16_t ReportRegistrantCount(std::span<const std::uint8_t> data);
/// Decodes a Reservation Report in the standard (64-bit host ID) or extended
/// (128-bit host ID) layout; entries beyond the buffer are left out.
Result<ReservationStatus> DecodeReport(std::span<const std::uint8_t> data, bool extended);

/// ONCS bit 5 of Identify Controller: reservations supported.
bool DecodeReservationsSupported(std::span<const std::uint8_t> identify_controller);
/// RESCAP (byte 31) of Identify Namespace.
std::uint8_t DecodeRescap(std::span<const std::uint8_t> identify_namespace);

/// NVMe status field as returned by the passthrough ioctl (positive value).
/// Bits 7:0 status code, 10:8 status code type, 14 DNR.
inline constexpr int kStatusMask = 0x7FF;
inline constexpr int kStatusInvalidOpcode = 0x001;
inline constexpr int kStatusInvalidField = 0x002;
inline constexpr int kStatusInvalidNamespace = 0x00B;
inline constexpr int kStatusHostIdInconsistentFormat = 0x018;
inline constexpr int kStatusAbortedPreemptAbort = 0x01B;
inline constexpr int kStatusReservationConflict = 0x083;

/// One line describing an NVMe status: "reservation conflict (status 0x4083)".
std::string DescribeNvmeStatus(int status);
/// Turns a positive NVMe status into the matching Error, naming `what`.
Error NvmeStatusError(int status, const std::string& what);

}  // namespace nvmepr
