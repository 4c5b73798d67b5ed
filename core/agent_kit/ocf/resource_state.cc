// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_state.h"

#include <algorithm>
#include <cstdint>

#include "fnv1a.h"
#include "text.h"

namespace nvmepr {
namespace {

// The longest instance name that is its own file name; with ".state.tmp"
// well within NAME_MAX (255).
constexpr std::size_t kMaxPlainName = 200;
// What is kept of a name that is not plain, before "~<hash>".
constexpr std::size_t kMaxNamePrefix = 180;

bool PlainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

// One file name per instance name, and never the same one for two names.
// A plain name (letters, digits, '-', '_', '.', not starting with '.', at
// most kMaxPlainName bytes: Pacemaker's usual names, e.g. "db" and the
// anonymous clone's instances) is its own file name, as in every earlier
// version, so the files of running resources stay where they are. Any other
// name ("db:0" of a globally unique clone, "../x", one too long for a file
// name) is its plain characters, cut to kMaxNamePrefix, then '~' and the hash
// of the whole name: "db:0" and "db_0" no longer share a file, no such name
// equals a plain one ('~' is not plain), and none is too long to create.
// (Before, unsafe characters became '_' and a name over ~245 bytes failed
// every action, stop included: a failed stop gets the node fenced.)
std::string SafeFileName(std::string_view instance) {
  if (instance.empty()) return "default";
  const bool plain = instance.size() <= kMaxPlainName && instance[0] != '.' &&
                     std::all_of(instance.begin(), instance.end(), PlainChar);
  if (plain) return std::string(instance);
  std::string name;
  for (char c : instance.substr(0, kMaxNamePrefix)) name += PlainChar(c) ? c : '_';
  if (name[0] == '.') name[0] = '_';
  name += '~';
  AppendHex(name, Fnv1a64(instance), 16);  // the file name must stay the same on every run
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
  if (state.role.empty())
    return Fail(ErrorKind::kInvalidArgument, path_ + ": incomplete state (role and key expected)");
  auto role = ParseRole(state.role);
  if (!role) return Fail(ErrorKind::kInvalidArgument, path_ + ": unknown role '" + state.role.substr(0, 20) + "'");
  return std::optional<ResourceState>(ResourceState{*role, state.key, std::move(state.devices)});
}

Result<void> ResourceStateFile::Remove() const { return store_.Remove(); }

Result<FileDescriptor> ResourceStateFile::Lock(Deadline deadline) const { return store_.Lock(deadline); }

}  // namespace nvmepr
