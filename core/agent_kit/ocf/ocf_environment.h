// SPDX-License-Identifier: GPL-2.0-or-later
// What Pacemaker hands an OCF resource agent, read into one struct: the
// action (argv[1]), the parameters (OCF_RESKEY_<name>, checked against the
// agent's table), the meta attributes Pacemaker adds (OCF_RESKEY_CRM_meta_*),
// OCF_CHECK_LEVEL and the resource's instance name. The environment arrives
// as a map so tests can hand in any environment they like.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "param_parser.h"
#include "param_spec.h"
#include "result.h"

namespace nvmepr {

using EnvironmentMap = std::map<std::string, std::string>;

/// Role of an instance as Pacemaker names it; the legacy names (Master, Slave)
/// of older CIBs mean the same.
enum class OcfRole { kNone, kStarted, kUnpromoted, kPromoted };

/// Parses a role name (Promoted, Unpromoted, Started, Master, Slave); kNone otherwise.
OcfRole ParseOcfRole(std::string_view text);

/// The meta attributes that change what an action does.
struct OcfMeta {
  std::optional<long long> interval_ms;  ///< CRM_meta_interval; absent on probes
  std::optional<long long> timeout_ms;   ///< CRM_meta_timeout: how long Pacemaker waits
  OcfRole role = OcfRole::kNone;         ///< CRM_meta_role of a role-specific monitor
  std::string on_node;                   ///< CRM_meta_on_node: this node's cluster name
  bool clone = false;                    ///< part of a clone (CRM_meta_clone_max given)
  bool promotable = false;               ///< part of a promotable clone (promoted_max / master_max)
  long long promoted_max = 0;            ///< how many instances may be promoted at once
};

struct OcfRequest {
  std::string action;   ///< argv[1], as given
  ParsedParams params;  ///< parameter name -> value, only names the table knows
  OcfMeta meta;
  int check_level = 0;   ///< OCF_CHECK_LEVEL (no RESKEY prefix); 0 when unset
  std::string instance;  ///< OCF_RESOURCE_INSTANCE; anonymous clones lack ":N"
  bool debug = false;    ///< HA_debug set and not 0

  /// A monitor without an interval (or interval 0): Pacemaker's probe.
  bool IsProbe() const { return action == "monitor" && meta.interval_ms.value_or(0) == 0; }
};

/// This process's environment.
EnvironmentMap ProcessEnvironment();

/// Whether resource-agents' ocf_log would write its lines to stderr: neither
/// HA_LOGFACILITY (empty or "none" is unset) nor HA_LOGFILE is set, as when
/// run by hand, by ocf-tester or crm_resource --force-*; pacemaker-execd sets
/// both (from PCMK_logfacility and PCMK_logfile). ocf_log also writes to a
/// terminal on stderr whatever these say: the caller checks that.
bool OcfLogsToStderr(const EnvironmentMap& env);

/// Reads `env` for `action`. Unknown OCF_RESKEY_ names and malformed meta
/// attributes become warnings (Pacemaker adds names of its own, e.g.
/// crm_feature_set); only what would make the action misbehave fails: an
/// OCF_CHECK_LEVEL that is not a number, for the actions that read it
/// (monitor, validate-all; for the others, stop above all, a warning).
Result<OcfRequest> ParseOcfRequest(std::string action, const EnvironmentMap& env, const AgentSpec& spec);

}  // namespace nvmepr
