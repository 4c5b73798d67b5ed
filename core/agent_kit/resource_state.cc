#include "resource_state.h"

namespace nvmepr {
namespace {

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
    : store_(directory, SafeFileName(instance) + ".state", SafeFileName(instance) + ".lock", "nvme_persist action"),
      path_(store_.path()) {}

Result<void> ResourceStateFile::Save(const ResourceState& state) const {
  return store_.Save({state.key, state.devices, std::string(RoleName(state.role))});
}

Result<std::optional<ResourceState>> ResourceStateFile::Load() const {
  auto saved = store_.Load();
  if (!saved) return saved.error();
  if (!*saved) return std::optional<ResourceState>();
  SavedState& state = **saved;
  if (state.role.empty()) return Fail(ErrorKind::kInvalidArgument, path_ + ": incomplete state (role and key expected)");
  auto role = ParseRole(state.role);
  if (!role) return Fail(ErrorKind::kInvalidArgument, path_ + ": unknown role '" + state.role.substr(0, 20) + "'");
  return std::optional<ResourceState>(ResourceState{*role, state.key, std::move(state.devices)});
}

Result<void> ResourceStateFile::Remove() const { return store_.Remove(); }

Result<FileDescriptor> ResourceStateFile::Lock(Deadline deadline) const { return store_.Lock(deadline); }

}  // namespace nvmepr
