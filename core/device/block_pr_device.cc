// SPDX-License-Identifier: GPL-2.0-or-later
#include "block_pr_device.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <set>
#include <vector>

#include "ioctl_once.h"
#include "linux_ioctl.h"
#include "nvme_command.h"

namespace nvmepr {
namespace {

// A positive return is a device status, never success: pr_status on 6.2+,
// the raw NVMe status before.
Error BlockStatusError(int status, const std::string& what) {
  if (status == kPrStatusReservationConflict || (status & kStatusMask) == kStatusReservationConflict) {
    return Fail(ErrorKind::kReservationConflict, what + ": reservation conflict", status);
  }
  char text[64];
  const bool path =
      status == kPrStatusPathFailed || status == kPrStatusPathFastFailed || status == kPrStatusRetryPathFailure;
  const char* meaning = status == kPrStatusIoError ? "I/O error" : path ? "path failure" : "device error";
  std::snprintf(text, sizeof text, ": %s (pr status 0x%x)", meaning, status);
  return Fail(ErrorKind::kNvmeStatus, what + text, status);
}

// IOC_PR_READ_KEYS and IOC_PR_READ_RESERVATION came with Linux 6.19; older
// kernels (5.10, 5.14, 6.1 of the distributions) answer ENOTTY, whose text
// ("Inappropriate ioctl for device") tells an administrator nothing.
Error ReadError(Error error) {
  if (error.kind == ErrorKind::kUnsupported && error.code == ENOTTY) {
    error.message += " (this kernel cannot read reservations through the block layer: that needs Linux 6.19;"
                     " use device_backend=passthrough or auto on NVMe namespaces)";
  }
  return error;
}

}  // namespace

BlockPrDevice::BlockPrDevice(std::string name, FileDescriptor fd, IoctlFunction ioctl)
    : name_(std::move(name)), fd_(std::move(fd)), ioctl_(std::move(ioctl)) {}

Result<void> BlockPrDevice::Call(unsigned long request, void* arg, Deadline deadline, const char* what) {
  // The block layer sends the command with the driver's own timeout.
  auto sent = IoctlOnce(ioctl_, fd_.get(), request, arg, deadline, name_, what);
  if (!sent) {
    Error error = sent.error();
    // This device or kernel does not take the ioctl: nothing went wrong at run time.
    if (error.code == ENOTTY || error.code == EOPNOTSUPP) error.kind = ErrorKind::kUnsupported;
    return error;
  }
  const int ret = *sent;
  if (ret > 0) return BlockStatusError(ret, name_ + ": " + what);
  return {};
}

Result<Capabilities> BlockPrDevice::Identify(Deadline deadline) {
  pr_read_reservation reservation{};
  if (auto r = Call(IOC_PR_READ_RESERVATION, &reservation, deadline, "read reservation"); !r) {
    return ReadError(r.error());
  }
  Capabilities caps;
  caps.reservations = true;
  for (ReservationType type : kAllTypes) caps.rescap |= 1u << static_cast<int>(type);
  return caps;
}

Result<void> BlockPrDevice::Register(const RegisterArgs& args, Deadline deadline) {
  if (args.action == RegisterAction::kUnregister) {
    return Fail(ErrorKind::kUnsupported,
                name_ + ": the block reservation ioctls cannot unregister (use the passthrough backend)");
  }
  pr_registration reg{};
  reg.old_key = args.action == RegisterAction::kReplace ? args.current_key : 0;
  reg.new_key = args.new_key;
  reg.flags = args.ignore_existing_key ? PR_FL_IGNORE_KEY : 0;
  return Call(IOC_PR_REGISTER, &reg, deadline, "register");
}

Result<void> BlockPrDevice::Acquire(const AcquireArgs& args, Deadline deadline) {
  if (args.action == AcquireAction::kAcquire) {
    pr_reservation rsv{};
    rsv.key = args.current_key;
    rsv.type = static_cast<__u32>(args.type);
    return Call(IOC_PR_RESERVE, &rsv, deadline, "reserve");
  }
  // old_key is the caller's own key (sent as CRKEY), new_key the victim's
  // (PRKEY). Swapped, the device answers with a conflict.
  pr_preempt preempt{};
  preempt.old_key = args.current_key;
  preempt.new_key = args.preempt_key;
  preempt.type = static_cast<__u32>(args.type);
  const bool abort = args.action == AcquireAction::kPreemptAndAbort;
  return Call(abort ? IOC_PR_PREEMPT_ABORT : IOC_PR_PREEMPT, &preempt, deadline,
              abort ? "preempt-and-abort" : "preempt");
}

Result<void> BlockPrDevice::Release(const ReleaseArgs& args, Deadline deadline) {
  // Key 0 would make the kernel set IEKEY, which NVMe 1.3+ devices refuse.
  if (args.current_key == 0) {
    return Fail(ErrorKind::kInvalidArgument, name_ + ": release needs this node's key, not 0");
  }
  if (args.action == ReleaseAction::kClear) {
    pr_clear clear{};
    clear.key = args.current_key;
    return Call(IOC_PR_CLEAR, &clear, deadline, "clear");
  }
  pr_reservation rsv{};
  rsv.key = args.current_key;
  rsv.type = static_cast<__u32>(args.type);
  return Call(IOC_PR_RELEASE, &rsv, deadline, "release");
}

Result<ReservationStatus> BlockPrDevice::Report(Deadline deadline) {
  std::vector<__u64> keys(16);
  pr_read_keys read{};
  for (;;) {
    read.num_keys = static_cast<__u32>(keys.size());
    read.keys_ptr = reinterpret_cast<__u64>(keys.data());
    if (auto r = Call(IOC_PR_READ_KEYS, &read, deadline, "read keys"); !r) return ReadError(r.error());
    if (read.num_keys <= keys.size()) break;  // num_keys is the total: grow and retry
    if (read.num_keys > PR_KEYS_MAX) {
      return Fail(ErrorKind::kNvmeStatus, name_ + ": read keys: the device reports " + std::to_string(read.num_keys) +
                                              " keys, more than the kernel can return (" + std::to_string(PR_KEYS_MAX) +
                                              ")");
    }
    keys.resize(read.num_keys);
  }
  pr_read_reservation reservation{};
  if (auto r = Call(IOC_PR_READ_RESERVATION, &reservation, deadline, "read reservation"); !r) {
    return ReadError(r.error());
  }
  const std::optional<ReservationType> type = TypeFromNumber(reservation.type);
  if (!type) {
    return Fail(ErrorKind::kNvmeStatus, name_ + ": unknown reservation type " + std::to_string(reservation.type));
  }
  ReservationStatus status;
  status.generation = reservation.generation;
  status.type = *type;
  // Keys are listed per controller entry: one host with two paths shows twice.
  std::set<Key> seen;
  for (std::size_t i = 0; i < std::min<std::size_t>(read.num_keys, keys.size()); ++i) {
    if (!seen.insert(keys[i]).second) continue;
    Registrant r;
    r.key = keys[i];
    r.holds_reservation =
        status.type != ReservationType::kNone && (IsAllRegistrants(status.type) || keys[i] == reservation.key);
    status.registrants.push_back(r);
  }
  return status;
}

}  // namespace nvmepr
