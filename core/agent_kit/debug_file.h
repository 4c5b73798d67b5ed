// SPDX-License-Identifier: GPL-2.0-or-later
// debug_file: a log file root appends to, named by the administrator. Opened
// as regular_file.h opens files: an absolute path, never through a symbolic
// link, a regular file only (a FIFO would block every log line, a device
// write has side effects), created 0600 when missing but never its parent
// directories, append-only, and closed on exec (a helper program such as
// crm_attribute does not inherit it). Never on procfs, sysfs or another
// kernel interface file system, where a write is a command.
#pragma once

#include <string>

#include "file_descriptor.h"
#include "result.h"

namespace nvmepr {

/// Opens `path` for appending. Errors: kInvalidArgument (not absolute),
/// kNotFound (no such parent directory), kRefused (not a regular file, a
/// symbolic link, or on procfs/sysfs/...), kIo.
Result<FileDescriptor> OpenDebugFile(const std::string& path);

}  // namespace nvmepr
