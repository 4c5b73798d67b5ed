// SPDX-License-Identifier: GPL-2.0-or-later
// What this node learns from Corosync to derive keys: the cluster name, the
// nodes (nodeid, name, address) and which one is this node. Read from
// `corosync-cmapctl` (run directly, never through a shell).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "deadline.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

struct ClusterNode {
  std::uint32_t nodeid = 0;
  std::string name;
  std::string ring0_addr;
};

struct ClusterMap {
  std::string cluster_name;
  std::optional<std::uint32_t> local_nodeid;
  std::vector<ClusterNode> nodes;

  /// The node called `name` (by its name, its ring0 address, or its short name).
  const ClusterNode* FindNode(std::string_view name) const;
  /// Derived key of the node called `name`; fails naming the node when unknown.
  Result<Key> KeyOfNode(std::string_view name) const;
  /// Derived key of this node; fails when Corosync does not say which node we are.
  Result<Key> LocalKey() const;
  /// The node whose derived key is `key`, if any.
  const ClusterNode* NodeWithKey(Key key) const;
};

/// Parses `corosync-cmapctl` output ("nodelist.node.0.nodeid (u32) = 1" lines).
Result<ClusterMap> ParseCmapctl(std::string_view output);

/// Runs `corosync-cmapctl` and parses it; fails with a clear message when
/// Corosync is not running or the program is missing.
Result<ClusterMap> ReadClusterMap(Deadline deadline);

}  // namespace nvmepr
