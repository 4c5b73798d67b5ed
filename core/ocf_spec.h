// The table of an OCF resource agent: its parameters (OCF_RESKEY_<name>) and
// its actions with their default timeouts and intervals. The environment
// parser, the option checks and the metadata XML all read this one table.
//
// Kept apart from param_spec.h (the fence agents' table) because OCF wants a
// long description for every parameter and timeouts, intervals and roles for
// actions, and has no command line.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "param_spec.h"

namespace nvmepr {

struct OcfParam {
  std::string name;  ///< OCF_RESKEY_<name>; letters, digits and underscores
  ParamType type = ParamType::kString;
  std::string default_value;  ///< empty: no default
  bool required = false;
  bool unique = false;  ///< no two resources may share the value
  std::string shortdesc;
  std::string longdesc;
  std::vector<std::string> choices;  ///< allowed values of a kSelect (listed in the metadata text)
};

struct OcfAction {
  std::string name;
  int timeout_s = 20;        ///< default timeout Pacemaker and pcs take from the metadata
  int interval_s = 0;        ///< recurring interval (monitor); 0 = not recurring
  std::string role;          ///< "Promoted" / "Unpromoted" for role-specific monitors
  std::optional<int> depth;  ///< OCF_CHECK_LEVEL of a monitor
};

struct OcfAgentSpec {
  std::string name;
  std::string version;
  std::string shortdesc;
  std::string longdesc;
  std::vector<OcfParam> params;
  std::vector<OcfAction> actions;

  /// The parameter called `name`, or nullptr.
  const OcfParam* FindParam(std::string_view name) const {
    for (const auto& p : params) {
      if (p.name == name) return &p;
    }
    return nullptr;
  }
  /// Whether the table lists an action called `name` (any interval or role).
  bool HasAction(std::string_view name) const {
    for (const auto& a : actions) {
      if (a.name == name) return true;
    }
    return false;
  }
};

}  // namespace nvmepr
