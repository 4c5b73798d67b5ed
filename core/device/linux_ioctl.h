// SPDX-License-Identifier: GPL-2.0-or-later
// Linux ioctl definitions that Debian 12's kernel headers lack: the block-layer
// reservation read ioctls (Linux 6.19) and the pr_status values (6.2).
// Values from include/uapi/linux/pr.h of current kernels.
#pragma once

#include <linux/nvme_ioctl.h>
#include <linux/pr.h>
#include <linux/types.h>
#include <sys/ioctl.h>

#include <functional>

#ifndef IOC_PR_READ_KEYS
struct pr_read_keys {
  __u32 generation;
  __u32 num_keys;  // in: capacity of keys_ptr; out: how many keys exist
  __u64 keys_ptr;
};
struct pr_read_reservation {
  __u64 key;
  __u32 generation;
  __u32 type;
};
#define IOC_PR_READ_KEYS _IOWR('p', 206, struct pr_read_keys)
#define IOC_PR_READ_RESERVATION _IOR('p', 207, struct pr_read_reservation)
#endif

#ifndef PR_KEYS_MAX
#define PR_KEYS_MAX 65536
#endif

namespace nvmepr {

/// How the Linux backends call ioctl(2): ::ioctl itself (LinuxIoctl) unless a
/// test hands in another function. Returns what ioctl returns, errno set.
using IoctlFunction = std::function<int(int fd, unsigned long request, void* arg)>;
inline int LinuxIoctl(int fd, unsigned long request, void* arg) { return ::ioctl(fd, request, arg); }

/// What an ioctl error means. EINTR from an NVMe ioctl is the kernel telling
/// that it cancelled the command (NVME_REQ_CANCELLED: timed out, aborted, or
/// the controller was reset), not a signal: the agents install no signal
/// handlers, and the driver waits uninterruptibly. The command may or may not
/// have reached the device, so it is never resent as if nothing had happened.
inline const char* CancelledCommandText() {
  return "command cancelled by the kernel (timed out, aborted or controller reset); not resent";
}

/// enum pr_status: what a positive block PR ioctl return means (6.2+).
inline constexpr int kPrStatusIoError = 0x2;
inline constexpr int kPrStatusReservationConflict = 0x18;
inline constexpr int kPrStatusPathFailed = 0x10000;
inline constexpr int kPrStatusPathFastFailed = 0xf0000;
inline constexpr int kPrStatusRetryPathFailure = 0xe0000;

}  // namespace nvmepr
