// What a node remembers after unfencing (its key and devices), and the lock
// that serializes two runs of an agent on one node. Kept under store_path,
// by default on /run, so a rebooted node forgets it and is unfenced afresh.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "deadline.h"
#include "file_descriptor.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

struct SavedState {
  Key key = 0;
  std::vector<std::string> devices;
};

class StateStore {
 public:
  explicit StateStore(std::string directory) : directory_(std::move(directory)) {}

  /// Writes the state atomically (temporary file, then rename).
  Result<void> Save(const SavedState& state) const;
  /// The saved state, or nullopt when this node was never unfenced since boot.
  Result<std::optional<SavedState>> Load() const;
  /// Takes the node-wide lock, waiting until `deadline`; held while the fd lives.
  Result<FileDescriptor> Lock(Deadline deadline) const;

  const std::string& directory() const { return directory_; }

 private:
  Result<void> MakeDirectory() const;
  std::string directory_;
};

}  // namespace nvmepr
