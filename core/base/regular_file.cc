// SPDX-License-Identifier: GPL-2.0-or-later
#include "regular_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace nvmepr {

std::string_view FileTypeName(mode_t mode) {
  if (S_ISREG(mode)) return "a regular file";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

Result<FileDescriptor> OpenRegularFile(int dirfd, const std::string& name, int flags, mode_t mode,
                                       const std::string& shown) {
  // Look before opening: opening a device runs its driver (a typo naming
  // /dev/watchdog would arm the watchdog), so what exists and is not a
  // regular file is refused unopened.
  struct stat looked {};
  if (::fstatat(dirfd, name.c_str(), &looked, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(looked.st_mode)) {
    return Fail(ErrorKind::kRefused,
                shown + ": is " + std::string(FileTypeName(looked.st_mode)) + ", not a regular file (refused)");
  }
  // It can change before the open: O_NONBLOCK, so that opening a FIFO (or a
  // device) does not wait (no difference to a regular file); O_NOFOLLOW, so
  // that a symlink fails with ELOOP; and fstat again below.
  FileDescriptor fd(::openat(dirfd, name.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT) return Fail(ErrorKind::kNotFound, shown + ": " + std::strerror(err), err);
    struct stat st {};
    if (err == ELOOP || ((err == ENXIO || err == EISDIR || err == EWOULDBLOCK) &&
                         ::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)) {
      // ENXIO: a FIFO with no reader opened for writing; EISDIR: a directory
      // opened for writing. Name what is there rather than the errno.
      const std::string_view what = err == ELOOP ? std::string_view("a symbolic link") : FileTypeName(st.st_mode);
      return Fail(ErrorKind::kRefused, shown + ": is " + std::string(what) + ", not a regular file (refused)", err);
    }
    return Fail(ErrorKind::kIo, shown + ": " + std::strerror(err), err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) {
    const int err = errno;
    return Fail(ErrorKind::kIo, shown + ": fstat: " + std::strerror(err), err);
  }
  if (!S_ISREG(st.st_mode)) {
    return Fail(ErrorKind::kRefused,
                shown + ": is " + std::string(FileTypeName(st.st_mode)) + ", not a regular file (refused)");
  }
  return fd;
}

Result<std::string> ReadBounded(int fd, std::size_t max_bytes, const std::string& shown) {
  auto too_large = [&] {
    return Fail(ErrorKind::kRefused,
                shown + ": larger than " + std::to_string(max_bytes) + " bytes, not a file this agent wrote (refused)");
  };
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > static_cast<off_t>(max_bytes)) return too_large();
  // The size can change while we read (or lie, as in /proc): read at most
  // one byte more than allowed, whatever fstat said.
  std::string text(max_bytes + 1, '\0');
  std::size_t used = 0;
  while (used < text.size()) {
    const ssize_t n = ::read(fd, text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      return Fail(ErrorKind::kIo, shown + ": read: " + std::strerror(err), err);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) return too_large();
  text.resize(used);
  return text;
}

Result<void> WriteAll(int fd, std::string_view text, const std::string& shown) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      return Fail(ErrorKind::kIo, shown + ": write: " + std::strerror(err), err);
    }
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return {};
}

}  // namespace nvmepr
