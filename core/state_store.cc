#include "state_store.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "device_open.h"
#include "file_lock.h"
#include "keys.h"

namespace nvmepr {
namespace {

Error IoError(const std::string& what) {
  const int err = errno;
  return Fail(ErrorKind::kIo, what + ": " + std::strerror(err), err);
}

}  // namespace

Result<void> StateStore::MakeDirectory() const {
  if (::mkdir(directory_.c_str(), 0700) != 0 && errno != EEXIST) {
    return IoError("store_path " + directory_);
  }
  return {};
}

Result<void> StateStore::Save(const SavedState& state) const {
  if (auto r = MakeDirectory(); !r) return r;
  const std::string path = directory_ + "/state";
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << "key=" << FormatKey(state.key) << "\ndevices=";
    for (std::size_t i = 0; i < state.devices.size(); ++i) out << (i ? "," : "") << state.devices[i];
    out << "\n";
    out.flush();
    if (!out) return IoError("writing " + temporary);
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) return IoError("renaming " + temporary);
  return {};
}

Result<std::optional<SavedState>> StateStore::Load() const {
  const std::string path = directory_ + "/state";
  std::ifstream in(path);
  if (!in) {
    if (errno == ENOENT) return std::optional<SavedState>();
    return IoError("reading " + path);
  }
  SavedState state;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("key=", 0) == 0) {
      auto key = ParseKey(line.substr(4));
      if (!key) return Fail(ErrorKind::kInvalidArgument, path + ": " + key.error().message);
      state.key = *key;
    } else if (line.rfind("devices=", 0) == 0) {
      state.devices = SplitDeviceList(line.substr(8));
    }
  }
  if (state.key == 0) return Fail(ErrorKind::kInvalidArgument, path + ": no key in the saved state");
  return std::optional<SavedState>(std::move(state));
}

Result<FileDescriptor> StateStore::Lock(Deadline deadline) const {
  if (auto r = MakeDirectory(); !r) return r.error();
  return LockFile(directory_ + "/lock", deadline, "fence_nvme_pr run");
}

}  // namespace nvmepr
