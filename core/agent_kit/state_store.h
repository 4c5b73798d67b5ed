// SPDX-License-Identifier: GPL-2.0-or-later
// What an agent remembers on a node between runs, and the lock that makes two
// runs on one node take turns. One implementation for both agents:
// fence_nvme_pr keeps its key and devices in "state" (written by `on`, read by
// `off`, validate-all and fence_nvme_pr_check); nvme_persist keeps one
// "<instance>.state" per resource (resource_state.h adds the role). Kept
// under store_path, by default on /run, so a rebooted node forgets it and is
// unfenced afresh. The files are opened through StoreDirectory: never through
// a symbolic link, regular files only, bounded reads, atomic writes.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
#include "file_descriptor.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

struct SavedState {
  Key key = 0;
  std::vector<std::string> devices;
  /// nvme_persist's role ("started", ...); empty for fence_nvme_pr, whose
  /// file has no role line.
  std::string role = {};
};

/// The largest state file read (a few hundred device names); anything
/// larger is not a file an agent wrote.
inline constexpr std::size_t kMaxStateBytes = 64 * 1024;

class StateStore {
 public:
  /// `directory` is store_path; `name` the state file in it, `lock_name` the
  /// lock file, `holder` who takes the lock (for the timeout message).
  explicit StateStore(std::string directory, std::string name = "state", std::string lock_name = "lock",
                      std::string holder = "fence_nvme_pr run");

  /// Writes the state atomically (temporary file, fsync, rename), making the
  /// directory (0700) if missing.
  Result<void> Save(const SavedState& state) const;
  /// The saved state, or nullopt when there is none (no file, or no
  /// directory). A state without a key, an unsafe directory or file
  /// (store_directory.h): an error naming the file.
  Result<std::optional<SavedState>> Load() const;
  /// Forgets the state; succeeds when there was none.
  Result<void> Remove() const;
  /// Takes the lock, waiting until `deadline`; held while the fd lives.
  Result<FileDescriptor> Lock(Deadline deadline) const;

  const std::string& directory() const { return directory_; }
  /// directory/name: the state file's path, for messages.
  std::string path() const { return directory_ + "/" + name_; }

 private:
  std::string directory_;
  std::string name_;
  std::string lock_name_;
  std::string holder_;
};

}  // namespace nvmepr
