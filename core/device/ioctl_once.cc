// SPDX-License-Identifier: GPL-2.0-or-later
#include "ioctl_once.h"

#include <cerrno>
#include <cstring>

namespace nvmepr {

Result<int> IoctlOnce(const IoctlFunction& ioctl, int fd, unsigned long request, void* arg, Deadline deadline,
                      const std::string& name, const char* what) {
  if (deadline.Expired()) {
    return Fail(ErrorKind::kTimeout, name + ": " + what + ": " + deadline.Labelled("deadline passed"));
  }
  const int ret = ioctl(fd, request, arg);
  if (ret < 0) {
    const int err = errno;
    const ErrorKind kind = deadline.Expired() ? ErrorKind::kTimeout : ErrorKind::kIo;
    const std::string text = err == EINTR ? CancelledCommandText() : std::strerror(err);
    return Fail(kind, name + ": " + what + ": " + text, err);
  }
  return ret;
}

}  // namespace nvmepr
