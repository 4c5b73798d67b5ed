// SPDX-License-Identifier: GPL-2.0-or-later
// Regular files only, never through a symbolic link, never a wait: how the
// agents open the files an administrator can point them at (the state files
// and lock under store_path, debug_file). A FIFO, a device, a directory or a
// symbolic link in the place of such a file is an error: opening a FIFO would
// wait for a writer (past power_timeout, while a watchdog waits), a device
// open can have side effects, a symlink would make root write where it points.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "file_descriptor.h"
#include "result.h"

namespace nvmepr {

/// fstatat first (what is there and is not a regular file is never opened),
/// then openat(dirfd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode)
/// and fstat: the opened file must be a regular file. `shown` names the file
/// in errors. Errors: kNotFound (ENOENT), kRefused (a symbolic link, or not a
/// regular file: "a FIFO", "a character device", ...), kIo (anything else).
/// Only the last component is checked: the directories above are the
/// administrator's (and, for the store, opened the same way first).
Result<FileDescriptor> OpenRegularFile(int dirfd, const std::string& name, int flags, mode_t mode,
                                       const std::string& shown);

/// The whole content of a regular file opened for reading, refused (kRefused)
/// when it is larger than `max_bytes`: a bounded read whatever the file is.
Result<std::string> ReadBounded(int fd, std::size_t max_bytes, const std::string& shown);

/// Writes all of `text` (retrying short writes and EINTR).
Result<void> WriteAll(int fd, std::string_view text, const std::string& shown);

/// "a FIFO", "a directory", "a character device", ... for st_mode.
std::string_view FileTypeName(mode_t mode);

}  // namespace nvmepr
