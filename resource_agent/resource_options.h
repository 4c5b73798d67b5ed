// SPDX-License-Identifier: GPL-2.0-or-later
// The resource agent's parameters, typed and checked without touching a
// device or the cluster: this is all validate-all does at OCF_CHECK_LEVEL 0.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "device_open.h"
#include "param_parser.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

struct ResourceOptions {
  std::vector<std::string> devices;    ///< as the administrator named them
  std::optional<Key> key;              ///< key=KEY: this node's key
  std::map<std::string, Key> key_map;  ///< key=node1:KEY;node2:KEY: one per node
  ReservationType reservation_type = ReservationType::kWriteExclusive;
  std::size_t required_devices = 0;  ///< 0 = all
  bool preempt_abort = true;
  Backend backend = Backend::kAuto;
  std::string store_path = "/run/nvme_persist";
  int promotion_score = 1000;

  /// How many devices must succeed.
  std::size_t Required() const { return required_devices == 0 ? devices.size() : required_devices; }
};

/// Types and checks every parameter; the first problem is the error
/// (kInvalidArgument, naming the parameter).
Result<ResourceOptions> ToResourceOptions(const ParsedParams& params);

/// This node's key from key=, looked up by each of `node_names` in turn when
/// key= is a map; nullopt when key= is not set (derive it). Fails (kNotFound)
/// when a map has no entry for this node.
Result<std::optional<Key>> ConfiguredKey(const ResourceOptions& options, const std::vector<std::string>& node_names);

}  // namespace nvmepr
