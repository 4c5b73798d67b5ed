// SPDX-License-Identifier: GPL-2.0-or-later
// One table describes an agent's parameters and actions, for both agents
// (the fence agent and the OCF resource agent). From it come the
// command-line parser, the stdin / environment checks, the typing and
// validation of every value (param_values.h), the metadata XML and the man
// page, so none of them can disagree with another.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace nvmepr {

enum class ParamType { kString, kBoolean, kInteger, kSecond, kSelect };

struct ParamSpec {
  std::string name;     ///< stdin / OCF_RESKEY_ / metadata name, with underscores
  char short_flag = 0;  ///< e.g. 'o' for -o; 0 for none (fence agent command line)
  ParamType type = ParamType::kString;
  std::string default_value;  ///< empty: no default
  bool required = false;
  bool unique = false;                 ///< OCF: no two resources may share the value
  std::string value_name;              ///< shown in usage: --devices=[devices]
  std::string shortdesc;               ///< one sentence
  std::string longdesc;                ///< OCF metadata; empty: the shortdesc
  std::vector<std::string> choices;    ///< kSelect: the allowed values, as listed in metadata and man page
  std::vector<std::string> spellings;  ///< kSelect: other accepted spellings of those (acronyms), not listed
  std::optional<long long> min;        ///< kInteger: smallest value; kSecond: in milliseconds
  std::optional<long long> max;        ///< kInteger: largest value; kSecond: in milliseconds
  bool absolute_path = false;          ///< the value must start with '/'
  std::string alias_of;                ///< non-empty: a deprecated name for that parameter
  bool cli_only = false;               ///< --help, --version: not a stdin parameter

  // One line each, as a table of setters.
  // clang-format off
  ParamSpec& Required() { required = true; return *this; }
  ParamSpec& Unique() { unique = true; return *this; }
  ParamSpec& AliasOf(std::string canonical) { alias_of = std::move(canonical); return *this; }
  ParamSpec& Choices(std::vector<std::string> values) { choices = std::move(values); return *this; }
  ParamSpec& Spellings(std::vector<std::string> values) { spellings = std::move(values); return *this; }
  ParamSpec& Range(long long low, long long high) { min = low; max = high; return *this; }
  ParamSpec& AbsolutePath() { absolute_path = true; return *this; }
  ParamSpec& Longdesc(std::string text) { longdesc = std::move(text); return *this; }
  ParamSpec& CliOnly() { cli_only = true; return *this; }
  // clang-format on
};

/// The common fields; the rest are set with the chained setters above.
inline ParamSpec Param(std::string name, char short_flag, ParamType type, std::string default_value,
                       std::string value_name, std::string shortdesc) {
  ParamSpec p;
  p.name = std::move(name);
  p.short_flag = short_flag;
  p.type = type;
  p.default_value = std::move(default_value);
  p.value_name = std::move(value_name);
  p.shortdesc = std::move(shortdesc);
  return p;
}

/// One action. The code that runs it is bound to the row by name in the
/// agent's dispatch table (fence_actions.cc, resource_actions.cc), not kept
/// here: the metadata and man page generators read this table without
/// linking the actions. A unit test checks that the two list the same names.
struct ActionSpec {
  std::string name;
  std::vector<std::string> aliases;  ///< other names that run it (meta-data, enable...)
  std::string description;
  bool on_target = false;    ///< run on the node being unfenced (metadata on_target="1")
  bool automatic = false;    ///< Pacemaker runs it when the node joins (automatic="1")
  bool advertised = true;    ///< listed in the metadata
  int timeout_s = 0;         ///< OCF: default timeout Pacemaker and pcs take from the metadata
  int interval_s = 0;        ///< OCF: recurring interval (monitor); 0 = not recurring
  std::string role;          ///< OCF: "Promoted" / "Unpromoted" for role-specific monitors
  std::optional<int> depth;  ///< OCF: OCF_CHECK_LEVEL of a monitor

  /// Unfencing: on_target and automatic.
  // clang-format off
  ActionSpec& OnTarget() { on_target = automatic = true; return *this; }
  ActionSpec& Hidden() { advertised = false; return *this; }
  ActionSpec& Aliases(std::vector<std::string> names) { aliases = std::move(names); return *this; }
  // clang-format on
  /// OCF: the default timeout, and for a recurring monitor its interval and role.
  ActionSpec& Timeout(int seconds, int interval = 0, std::string for_role = "") {
    timeout_s = seconds;
    interval_s = interval;
    role = std::move(for_role);
    return *this;
  }
  ActionSpec& Depth(int level) {
    depth = level;
    return *this;
  }
};

inline ActionSpec Action(std::string name, std::string description) {
  ActionSpec a;
  a.name = std::move(name);
  a.description = std::move(description);
  return a;
}

struct AgentSpec {
  std::string name;
  std::string version;
  std::string shortdesc;
  std::string longdesc;
  std::string vendor_url;
  std::vector<ParamSpec> params;
  std::vector<ActionSpec> actions;  ///< OCF: an action may have several rows (monitor per role)

  /// The parameter called `name`, or nullptr.
  const ParamSpec* FindParam(std::string_view name) const;
  /// The first row of the action called `name` or with that alias, or nullptr.
  const ActionSpec* FindAction(std::string_view name) const;
  /// Whether the table lists an action called `name` (any interval or role).
  bool HasAction(std::string_view name) const { return FindAction(name) != nullptr; }
};

/// The names of the actions the metadata lists (advertised), each once, in
/// table order, comma separated: "on, off, status": for the description of
/// a parameter that names an action, so it cannot miss one.
std::string AdvertisedActionNames(const AgentSpec& spec);

/// The canonical name of the action `given` names: a row's name or one of its
/// aliases, compared in any case when `ignore_case`. An unknown action fails
/// (kInvalidArgument) with "unknown action 'x'" and, when one is close (a
/// prefix, or at most two edits away), "(did you mean 'y'?)".
Result<std::string> ResolveAction(const AgentSpec& spec, std::string_view given, bool ignore_case);

}  // namespace nvmepr
