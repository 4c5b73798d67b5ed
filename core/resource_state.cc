#include "resource_state.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "device_open.h"
#include "file_lock.h"
#include "keys.h"

namespace nvmepr {
namespace {

Error IoError(const std::string& what) {
  const int err = errno;
  return Fail(ErrorKind::kIo, what + ": " + std::strerror(err), err);
}

std::string SafeFileName(std::string_view instance) {
  std::string name;
  for (char c : instance) {
    const bool safe =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    name += safe ? c : '_';
  }
  if (name.empty() || name[0] == '.') name = "default" + name;
  return name;
}

std::optional<ResourceRole> ParseRole(std::string_view text) {
  for (ResourceRole role : {ResourceRole::kStarted, ResourceRole::kUnpromoted, ResourceRole::kPromoted}) {
    if (text == RoleName(role)) return role;
  }
  return std::nullopt;
}

}  // namespace

std::string_view RoleName(ResourceRole role) {
  switch (role) {
    case ResourceRole::kStarted:
      return "started";
    case ResourceRole::kUnpromoted:
      return "unpromoted";
    case ResourceRole::kPromoted:
      return "promoted";
  }
  return "started";
}

ResourceStateFile::ResourceStateFile(std::string directory, std::string_view instance)
    : directory_(std::move(directory)) {
  const std::string base = directory_ + "/" + SafeFileName(instance);
  path_ = base + ".state";
  lock_path_ = base + ".lock";
}

Result<void> ResourceStateFile::MakeDirectory() const {
  if (::mkdir(directory_.c_str(), 0700) != 0 && errno != EEXIST) return IoError("store_path " + directory_);
  return {};
}

Result<void> ResourceStateFile::Save(const ResourceState& state) const {
  if (auto r = MakeDirectory(); !r) return r;
  const std::string temporary = path_ + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "role=" << RoleName(state.role) << "\nkey=" << FormatKey(state.key) << "\ndevices=";
    for (std::size_t i = 0; i < state.devices.size(); ++i) out << (i ? "," : "") << state.devices[i];
    out << "\n";
    out.flush();
    if (!out) return IoError("writing " + temporary);
  }
  if (::rename(temporary.c_str(), path_.c_str()) != 0) return IoError("renaming " + temporary);
  return {};
}

Result<std::optional<ResourceState>> ResourceStateFile::Load() const {
  std::ifstream in(path_);
  if (!in) {
    if (errno == ENOENT) return std::optional<ResourceState>();
    return IoError("reading " + path_);
  }
  ResourceState state;
  bool has_role = false;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("role=", 0) == 0) {
      auto role = ParseRole(line.substr(5));
      if (!role) return Fail(ErrorKind::kInvalidArgument, path_ + ": unknown role '" + line.substr(5, 20) + "'");
      state.role = *role;
      has_role = true;
    } else if (line.rfind("key=", 0) == 0) {
      auto key = ParseKey(line.substr(4));
      if (!key) return Fail(ErrorKind::kInvalidArgument, path_ + ": " + key.error().message);
      state.key = *key;
    } else if (line.rfind("devices=", 0) == 0) {
      state.devices = SplitDeviceList(line.substr(8));
    }
  }
  if (!has_role || state.key == 0) {
    return Fail(ErrorKind::kInvalidArgument, path_ + ": incomplete state (role and key expected)");
  }
  return std::optional<ResourceState>(std::move(state));
}

Result<void> ResourceStateFile::Remove() const {
  if (::unlink(path_.c_str()) != 0 && errno != ENOENT) return IoError("removing " + path_);
  return {};
}

Result<FileDescriptor> ResourceStateFile::Lock(Deadline deadline) const {
  if (auto r = MakeDirectory(); !r) return r.error();
  return LockFile(lock_path_, deadline, "nvme_persist action");
}

}  // namespace nvmepr
