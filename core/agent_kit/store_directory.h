// SPDX-License-Identifier: GPL-2.0-or-later
// The directory under store_path, where an agent keeps its state files and
// its lock. Root reads from it what decides which key it preempts with and
// whether the watchdog check reboots the node, so it is trusted only when it
// is what the agent would have made: a real directory (not a symbolic link),
// owned by the user the agent runs as (root under Pacemaker), not writable by
// group or others. Every file in it is opened relative to the opened
// directory (openat), never through a symbolic link, regular files only
// (regular_file.h).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "deadline.h"
#include "file_descriptor.h"
#include "result.h"

namespace nvmepr {

class StoreDirectory {
 public:
  /// Opens the directory `path`. With `create`, a missing directory is made
  /// (mode 0700; only the last component, never its parents). Errors: kNotFound
  /// when it does not exist (and !create); kRefused when it is a symbolic link,
  /// not a directory, owned by another user or writable by group/others;
  /// kIo when mkdir or open fails otherwise (the message says "store_path").
  static Result<StoreDirectory> Open(const std::string& path, bool create);

  /// The content of the regular file `name`, nullopt when it does not exist.
  /// Larger than `max_bytes`, or anything but a regular file: an error.
  Result<std::optional<std::string>> Read(const std::string& name, std::size_t max_bytes) const;
  /// Replaces `name` atomically: a temporary file `name`.tmp in the same
  /// directory, written, fsync'ed and renamed over `name`; then the directory
  /// is fsync'ed. A reader sees the old content or the new, never a mix.
  Result<void> Write(const std::string& name, std::string_view text) const;
  /// Removes `name`; succeeds when it does not exist.
  Result<void> Remove(const std::string& name) const;
  /// Takes an exclusive flock on the regular file `name` (created 0600 if
  /// missing), polling until `deadline`; held while the descriptor lives.
  /// `holder` says who else may hold it, for the timeout message.
  Result<FileDescriptor> Lock(const std::string& name, Deadline deadline, std::string_view holder) const;

  const std::string& path() const { return path_; }
  /// path()/name, for messages.
  std::string PathOf(const std::string& name) const { return path_ + "/" + name; }

 private:
  StoreDirectory(std::string path, FileDescriptor fd) : path_(std::move(path)), fd_(std::move(fd)) {}

  std::string path_;
  FileDescriptor fd_;
};

}  // namespace nvmepr
