// SPDX-License-Identifier: GPL-2.0-or-later
// The fence agent's parameters, typed and checked.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "device_open.h"
#include "param_parser.h"
#include "reservation.h"
#include "result.h"

namespace nvmepr {

struct FenceOptions {
  std::string action;  ///< canonical: on, off, status, list, ...; empty = none given
  std::string plug;
  std::string nodename;
  std::vector<std::string> devices;
  std::optional<Key> key;
  std::map<std::string, Key> key_map;                         ///< key_map=: node -> key; empty = none given
  ReservationType reservation_type = ReservationType::kNone;  ///< kNone = auto
  Backend backend = Backend::kAuto;
  std::string store_path = "/run/fence_nvme_pr";
  std::chrono::milliseconds power_timeout{20000};
  std::chrono::milliseconds delay{0};
  bool verbose = false;
  bool quiet = false;
  std::string debug_file;
  bool help = false;
  bool version = false;
};

/// Types and checks every parameter; the first problem is the error.
Result<FenceOptions> ToFenceOptions(const ParsedParams& params);

/// Lower-cases an action and maps fence-agents aliases (meta-data, enable,
/// disable); unknown actions fail with a "did you mean".
Result<std::string> CanonicalAction(const std::string& action);

}  // namespace nvmepr
