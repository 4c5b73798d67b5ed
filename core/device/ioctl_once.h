// SPDX-License-Identifier: GPL-2.0-or-later
// One reservation ioctl, sent once under the action's deadline: what the
// passthrough and block backends share about calling the kernel.
#pragma once

#include <string>

#include "deadline.h"
#include "linux_ioctl.h"
#include "result.h"

namespace nvmepr {

/// Sends `request` on `fd` once, for `what` on the device `name`. Not sent
/// when the deadline has already passed (kTimeout). A failed call is
/// kTimeout when the deadline passed meanwhile, kIo otherwise; EINTR is the
/// kernel's cancel (CancelledCommandText), never resent. The error's code is
/// errno and its message "name: what: reason". Otherwise the ioctl's return:
/// 0, or a positive device status for the caller to decode.
Result<int> IoctlOnce(const IoctlFunction& ioctl, int fd, unsigned long request, void* arg, Deadline deadline,
                      const std::string& name, const char* what);

}  // namespace nvmepr
