// SPDX-License-Identifier: GPL-2.0-or-later
#include "store_directory.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <thread>

#include "regular_file.h"

namespace nvmepr {
namespace {

Error IoError(const std::string& what, int err) { return Fail(ErrorKind::kIo, what + ": " + std::strerror(err), err); }

std::string Octal(mode_t mode) {
  char text[8];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// Every directory above `path`, as named and as symbolic links resolve it,
// must belong to root or to the user running the agent (root, in a
// cluster): whoever owns a directory above the store can rename the store
// away and put their own in its place between two runs, handing the agents
// a saved key or device list of their choosing. A parent that does not
// exist yet is left to the mkdir or open that follows to report.
Result<void> CheckParentOwners(const std::string& path) {
  const uid_t me = ::geteuid();
  auto check = [&](const std::string& directory) -> Result<void> {
    std::string prefix;
    for (std::size_t at = 1; at <= directory.size(); ++at) {
      if (at != directory.size() && directory[at] != '/') continue;
      prefix = directory.substr(0, at);
      struct stat st {};
      if (::stat(prefix.c_str(), &st) != 0) return {};
      if (st.st_uid != 0 && st.st_uid != me) {
        return Fail(ErrorKind::kRefused, "store_path " + path + ": the directory " + prefix +
                                             " above it is owned by uid " + std::to_string(st.st_uid) +
                                             ", not by root: refused (give a store_path "
                                             "whose every parent directory root owns)");
      }
    }
    return {};
  };
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos || slash == 0) return {};
  const std::string parent = path.substr(0, slash);
  if (auto r = check(parent); !r) return r;
  char resolved[PATH_MAX];
  if (::realpath(parent.c_str(), resolved) != nullptr && parent != resolved) return check(resolved);
  return {};
}

}  // namespace

Result<StoreDirectory> StoreDirectory::Open(const std::string& path, bool create) {
  const std::string shown = "store_path " + path;
  if (auto r = CheckParentOwners(path); !r) return r.error();
  bool created = false;
  if (create) {
    // mkdir never follows a symbolic link in the last component (EEXIST).
    if (::mkdir(path.c_str(), 0700) == 0) {
      created = true;
    } else if (errno != EEXIST) {
      return IoError(shown, errno);
    }
  }
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT) return Fail(ErrorKind::kNotFound, shown + ": " + std::strerror(err), err);
    struct stat st {};
    if ((err == ELOOP || err == ENOTDIR) && ::lstat(path.c_str(), &st) == 0) {
      return Fail(ErrorKind::kRefused,
                  shown + ": is " + std::string(FileTypeName(st.st_mode)) + ", not a directory (refused)", err);
    }
    return IoError(shown, err);
  }
  // The umask may have taken bits from a directory we just made: 0700 exactly.
  if (created && ::fchmod(fd.get(), 0700) != 0) return IoError(shown + ": chmod", errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError(shown + ": fstat", errno);
  if (st.st_uid != ::geteuid()) {
    return Fail(ErrorKind::kRefused, shown + ": owned by uid " + std::to_string(st.st_uid) +
                                         ", not by the user running the agent (uid " + std::to_string(::geteuid()) +
                                         "): refused (remove it, the agent makes it again)");
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return Fail(ErrorKind::kRefused, shown + ": writable by group or others (mode " + Octal(st.st_mode) +
                                         "): refused (chmod 0700 " + path + ")");
  }
  return StoreDirectory(path, std::move(fd));
}

Result<std::optional<std::string>> StoreDirectory::Read(const std::string& name, std::size_t max_bytes) const {
  auto fd = OpenRegularFile(fd_.get(), name, O_RDONLY, 0, PathOf(name));
  if (!fd) {
    if (fd.error().kind == ErrorKind::kNotFound) return std::optional<std::string>();
    return fd.error();
  }
  auto text = ReadBounded(fd->get(), max_bytes, PathOf(name));
  if (!text) return text.error();
  return std::optional<std::string>(std::move(*text));
}

Result<void> StoreDirectory::Write(const std::string& name, std::string_view text) const {
  const std::string temporary = name + ".tmp";
  const std::string shown = "writing " + PathOf(temporary);
  // A temporary file left by a crash (or anything else in its place) goes
  // first, so that O_EXCL creates a fresh regular file, never opens an old one.
  if (::unlinkat(fd_.get(), temporary.c_str(), 0) != 0 && errno != ENOENT) return IoError(shown, errno);
  auto fd = OpenRegularFile(fd_.get(), temporary, O_WRONLY | O_CREAT | O_EXCL, 0600, PathOf(temporary));
  if (!fd) return fd.error();
  if (auto r = WriteAll(fd->get(), text, PathOf(temporary)); !r) return r;
  if (::fsync(fd->get()) != 0) return IoError(shown + ": fsync", errno);
  // rename replaces whatever `name` is (a symbolic link is replaced, not
  // followed); a directory in its place fails.
  if (::renameat(fd_.get(), temporary.c_str(), fd_.get(), name.c_str()) != 0) {
    return IoError("renaming " + PathOf(temporary), errno);
  }
  if (::fsync(fd_.get()) != 0) return IoError("store_path " + path_ + ": fsync", errno);
  return {};
}

Result<void> StoreDirectory::Remove(const std::string& name) const {
  if (::unlinkat(fd_.get(), name.c_str(), 0) != 0 && errno != ENOENT) return IoError("removing " + PathOf(name), errno);
  return {};
}

Result<FileDescriptor> StoreDirectory::Lock(const std::string& name, Deadline deadline, std::string_view holder) const {
  auto fd = OpenRegularFile(fd_.get(), name, O_RDWR | O_CREAT, 0600, PathOf(name));
  if (!fd) return fd.error();
  // flock cannot time out by itself: poll it, briefly, until the deadline.
  while (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return IoError("locking " + PathOf(name), errno);
    if (deadline.Expired()) {
      return Fail(ErrorKind::kTimeout,
                  "another " + std::string(holder) + " holds " + PathOf(name) + " past the deadline");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return std::move(*fd);
}

}  // namespace nvmepr
