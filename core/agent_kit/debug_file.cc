// SPDX-License-Identifier: GPL-2.0-or-later
#include "debug_file.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "regular_file.h"

namespace nvmepr {
namespace {

// The kernel's interface file systems: a "file" there is a command (writing
// /proc/sysrq-trigger reboots, /proc/self/comm renames the process, a sysfs
// attribute reconfigures a device), never a log.
const char* KernelInterfaceName(long type) {
  switch (static_cast<unsigned long>(type)) {
    case PROC_SUPER_MAGIC:
      return "procfs";
    case SYSFS_MAGIC:
      return "sysfs";
    case DEBUGFS_MAGIC:
      return "debugfs";
    case TRACEFS_MAGIC:
      return "tracefs";
    case SECURITYFS_MAGIC:
      return "securityfs";
    case CGROUP_SUPER_MAGIC:
      return "cgroupfs";
    case CGROUP2_SUPER_MAGIC:
      return "cgroup2fs";
    case BPF_FS_MAGIC:
      return "bpffs";
    case EFIVARFS_MAGIC:
      return "efivarfs";
    case PSTOREFS_MAGIC:
      return "pstore";
    default:
      return nullptr;
  }
}

Error OnKernelInterface(const std::string& path, const char* fs) {
  return Fail(ErrorKind::kRefused,
              "debug_file " + path + ": on " + fs + ", a kernel interface, not a place for a log (refused)");
}

}  // namespace

Result<FileDescriptor> OpenDebugFile(const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return Fail(ErrorKind::kInvalidArgument, "debug_file '" + path.substr(0, 80) + "': must be an absolute path");
  }
  // Looked at before opening, by the directory it would be in (which statfs
  // follows through symbolic links: /tmp/x -> /proc/self is caught too) ...
  const std::size_t slash = path.rfind('/');
  const std::string parent = slash == 0 ? "/" : path.substr(0, slash);
  struct statfs where {};
  if (::statfs(parent.c_str(), &where) == 0) {
    if (const char* fs = KernelInterfaceName(where.f_type)) return OnKernelInterface(path, fs);
  }
  auto fd = OpenRegularFile(AT_FDCWD, path, O_WRONLY | O_APPEND | O_CREAT, 0600, "debug_file " + path);
  if (!fd) return fd;
  // ... and after: a file bind-mounted from one is refused before any write.
  struct statfs opened {};
  if (::fstatfs(fd->get(), &opened) == 0) {
    if (const char* fs = KernelInterfaceName(opened.f_type)) return OnKernelInterface(path, fs);
  }
  return fd;
}

}  // namespace nvmepr
