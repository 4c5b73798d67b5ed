// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_store.h"

#include "device_open.h"
#include "keys.h"
#include "store_directory.h"

namespace nvmepr {

StateStore::StateStore(std::string directory, std::string name, std::string lock_name, std::string holder)
    : directory_(std::move(directory)),
      name_(std::move(name)),
      lock_name_(std::move(lock_name)),
      holder_(std::move(holder)) {}

Result<void> StateStore::Save(const SavedState& state) const {
  auto dir = StoreDirectory::Open(directory_, true);
  if (!dir) return dir.error();
  std::string text;
  if (!state.role.empty()) text += "role=" + state.role + "\n";
  text += "key=" + FormatKey(state.key) + "\ndevices=";
  for (std::size_t i = 0; i < state.devices.size(); ++i) text += (i ? "," : "") + state.devices[i];
  text += "\n";
  return dir->Write(name_, text);
}

Result<std::optional<SavedState>> StateStore::Load() const {
  auto dir = StoreDirectory::Open(directory_, false);
  if (!dir) {
    if (dir.error().kind == ErrorKind::kNotFound) return std::optional<SavedState>();
    return dir.error();
  }
  auto text = dir->Read(name_, kMaxStateBytes);
  if (!text) return text.error();
  if (!*text) return std::optional<SavedState>();
  const std::string shown = path();
  SavedState state;
  std::string_view rest = **text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    const std::string line(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (line.rfind("role=", 0) == 0) {
      state.role = line.substr(5);
    } else if (line.rfind("key=", 0) == 0) {
      auto key = ParseKey(line.substr(4));
      if (!key) return Fail(ErrorKind::kInvalidArgument, shown + ": " + key.error().message);
      state.key = *key;
    } else if (line.rfind("devices=", 0) == 0) {
      state.devices = SplitDeviceList(line.substr(8));
    }
  }
  if (state.key == 0) return Fail(ErrorKind::kInvalidArgument, shown + ": no key in the saved state");
  return std::optional<SavedState>(std::move(state));
}

Result<void> StateStore::Remove() const {
  auto dir = StoreDirectory::Open(directory_, false);
  if (!dir) {
    if (dir.error().kind == ErrorKind::kNotFound) return {};
    return dir.error();
  }
  return dir->Remove(name_);
}

Result<FileDescriptor> StateStore::Lock(Deadline deadline) const {
  auto dir = StoreDirectory::Open(directory_, true);
  if (!dir) return dir.error();
  return dir->Lock(lock_name_, deadline, holder_);
}

}  // namespace nvmepr
