// SPDX-License-Identifier: GPL-2.0-or-later
// What the resource agent remembers on a node between actions: that it
// started or promoted the resource here, with which key and devices. A
// monitor that finds the reservation gone while this file says the resource
// ran reports a failure: that is how Pacemaker learns another node took the
// disks over. Kept under /run by default, so a rebooted node believes nothing
// ran; one file per resource instance, with a lock beside it. The files are
// StateStore's (state_store.h, shared with fence_nvme_pr); this adds the role
// and the file names.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
#include "file_descriptor.h"
#include "reservation.h"
#include "result.h"
#include "state_store.h"

namespace nvmepr {

/// What this node believes it is doing with the resource.
enum class ResourceRole {
  kStarted,     ///< primitive: started, so it owns the devices
  kUnpromoted,  ///< promotable clone: started (registered), not promoted
  kPromoted,    ///< promotable clone: promoted, so it owns the devices
};

/// "started", "unpromoted", "promoted".
std::string_view RoleName(ResourceRole role);

struct ResourceState {
  ResourceRole role = ResourceRole::kStarted;
  Key key = 0;
  std::vector<std::string> devices;
};

class ResourceStateFile {
 public:
  /// `instance` is OCF_RESOURCE_INSTANCE. A plain name (letters, digits,
  /// '-', '_', '.', not starting with '.', at most 200 bytes) is the file
  /// name; any other becomes its safe part, '~' and a hash of the whole name
  /// (distinct names, distinct files; resource_state.cc says why); an empty
  /// name becomes "default".
  ResourceStateFile(std::string directory, std::string_view instance);

  /// Writes the state atomically (temporary file, then rename).
  Result<void> Save(const ResourceState& state) const;
  /// The saved state, or nullopt when the resource did not run here since boot.
  Result<std::optional<ResourceState>> Load() const;
  /// Forgets the state; succeeds when there was none.
  Result<void> Remove() const;
  /// Serializes actions on this instance, waiting until `deadline`; held while the fd lives.
  Result<FileDescriptor> Lock(Deadline deadline) const;

  const std::string& path() const { return path_; }

 private:
  StateStore store_;
  std::string path_;
};

}  // namespace nvmepr
