// SPDX-License-Identifier: GPL-2.0-or-later
#include "nvme_command.h"

#include <cstdio>

#include "text.h"

namespace nvmepr {
namespace {

void PutLe64(std::vector<std::uint8_t>& out, std::size_t offset, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t GetLe(std::span<const std::uint8_t> in, std::size_t offset, int bytes) {
  std::uint64_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | in[offset + i];
  return value;
}

// CDW10 layout shared by Register, Acquire and Release: action in bits 2:0,
// IEKEY in bit 3, RTYPE in bits 15:8 (Acquire/Release only).
std::uint32_t ActionDword(std::uint8_t action, bool iekey, ReservationType type) {
  return (action & 0x7u) | (iekey ? 1u << 3 : 0u) | (static_cast<std::uint32_t>(type) << 8);
}

}  // namespace

NvmeCommand EncodeRegister(const RegisterArgs& args) {
  NvmeCommand cmd;
  cmd.opcode = Opcode::kReservationRegister;
  // CPTPL (bits 31:30) = 00b: leave the persist-through-power-loss state alone.
  // nvmet has no PTPL and some targets reject "PTPL on"; the block ioctl
  // always asks for it, one reason we prefer passthrough.
  cmd.cdw10 = ActionDword(static_cast<std::uint8_t>(args.action), args.ignore_existing_key, ReservationType::kNone);
  cmd.data.assign(16, 0);
  PutLe64(cmd.data, 0, args.current_key);
  PutLe64(cmd.data, 8, args.new_key);
  return cmd;
}

NvmeCommand EncodeAcquire(const AcquireArgs& args) {
  NvmeCommand cmd;
  cmd.opcode = Opcode::kReservationAcquire;
  cmd.cdw10 = ActionDword(static_cast<std::uint8_t>(args.action), false, args.type);
  cmd.data.assign(16, 0);
  PutLe64(cmd.data, 0, args.current_key);
  PutLe64(cmd.data, 8, args.preempt_key);
  return cmd;
}

NvmeCommand EncodeRelease(const ReleaseArgs& args) {
  NvmeCommand cmd;
  cmd.opcode = Opcode::kReservationRelease;
  cmd.cdw10 = ActionDword(static_cast<std::uint8_t>(args.action), false, args.type);
  cmd.data.assign(8, 0);
  PutLe64(cmd.data, 0, args.current_key);
  return cmd;
}

NvmeCommand EncodeReport(std::uint32_t bytes, bool extended) {
  NvmeCommand cmd;
  cmd.opcode = Opcode::kReservationReport;
  cmd.cdw10 = bytes / 4 - 1;  // NUMD is zero-based, in dwords
  cmd.cdw11 = extended ? 1u : 0u;
  cmd.data.assign(bytes, 0);
  cmd.reads_from_device = true;
  return cmd;
}

NvmeCommand EncodeIdentify(bool controller) {
  NvmeCommand cmd;
  cmd.opcode = Opcode::kIdentify;
  cmd.cdw10 = controller ? 1u : 0u;  // CNS
  cmd.data.assign(4096, 0);
  cmd.reads_from_device = true;
  cmd.controller_scope = controller;
  return cmd;
}

NvmeCommand EncodeGetHostId(bool extended) {
  NvmeCommand cmd;
  cmd.opcode = Opcode::kGetFeatures;
  cmd.cdw10 = 0x81;  // FID Host Identifier, SEL 0 (current)
  cmd.cdw11 = extended ? 1u : 0u;
  cmd.data.assign(extended ? 16 : 8, 0);
  cmd.reads_from_device = true;
  cmd.controller_scope = true;
  return cmd;
}

std::string DecodeHostId(std::span<const std::uint8_t> data) {
  bool zero = true;
  for (std::uint8_t b : data) zero = zero && b == 0;
  return zero ? std::string() : HexBytes(data);
}

std::uint32_t ReportHeaderBytes(bool extended) { return extended ? 64 : 24; }
std::uint32_t ReportEntryBytes(bool extended) { return extended ? 64 : 24; }

std::uint16_t ReportRegistrantCount(std::span<const std::uint8_t> data) {
  if (data.size() < 7) return 0;
  return static_cast<std::uint16_t>(GetLe(data, 5, 2));  // REGCTL, bytes 6:5
}

Result<ReservationStatus> DecodeReport(std::span<const std::uint8_t> data, bool extended) {
  const std::uint32_t header = ReportHeaderBytes(extended);
  const std::uint32_t entry = ReportEntryBytes(extended);
  if (data.size() < header) {
    return Fail(ErrorKind::kNvmeStatus, "reservation report shorter than its header");
  }
  ReservationStatus status;
  status.generation = static_cast<std::uint32_t>(GetLe(data, 0, 4));
  const std::uint8_t rtype = data[4];
  const std::optional<ReservationType> type = TypeFromNumber(rtype);
  if (!type) {
    return Fail(ErrorKind::kNvmeStatus, "reservation report names unknown reservation type " + std::to_string(rtype));
  }
  status.type = *type;
  status.persist_through_power_loss = data[9] & 1;
  const std::size_t count = ReportRegistrantCount(data);
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t at = header + i * entry;
    if (at + entry > data.size()) break;
    Registrant r;
    r.controller_id = static_cast<std::uint16_t>(GetLe(data, at, 2));
    r.holds_reservation = data[at + 2] & 1;
    if (extended) {
      r.key = GetLe(data, at + 8, 8);
      r.host_id = HexBytes(data.subspan(at + 16, 16));
    } else {
      r.host_id = HexBytes(data.subspan(at + 8, 8));
      r.key = GetLe(data, at + 16, 8);
    }
    status.registrants.push_back(std::move(r));
  }
  return status;
}

bool DecodeReservationsSupported(std::span<const std::uint8_t> identify_controller) {
  if (identify_controller.size() < 522) return false;
  return GetLe(identify_controller, 520, 2) & (1u << 5);  // ONCS bit 5
}

std::uint8_t DecodeRescap(std::span<const std::uint8_t> identify_namespace) {
  if (identify_namespace.size() < 32) return 0;
  return identify_namespace[31];
}

std::string DescribeNvmeStatus(int status) {
  const char* what = "NVMe error";
  switch (status & kStatusMask) {
    case kStatusReservationConflict:
      what = "reservation conflict";
      break;
    case kStatusInvalidOpcode:
      what = "command not supported (invalid opcode)";
      break;
    case kStatusInvalidField:
      what = "invalid field in command";
      break;
    case kStatusInvalidNamespace:
      what = "invalid namespace";
      break;
    case kStatusHostIdInconsistentFormat:
      what = "host identifier inconsistent format";
      break;
    case kStatusAbortedPreemptAbort:
      what = "command aborted by preempt-and-abort";
      break;
    default:
      if (((status >> 8) & 0x7) == 3) what = "path error (retry on another path)";
      break;
  }
  char code[16];
  std::snprintf(code, sizeof code, "0x%04x", status);
  return std::string(what) + " (status " + code + ")";
}

Error NvmeStatusError(int status, const std::string& what) {
  const ErrorKind kind =
      (status & kStatusMask) == kStatusReservationConflict ? ErrorKind::kReservationConflict : ErrorKind::kNvmeStatus;
  return Fail(kind, what + ": " + DescribeNvmeStatus(status), status);
}

}  // namespace nvmepr
