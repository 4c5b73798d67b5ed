// One table describes an agent's parameters and actions. From it come the
// command-line parser, the stdin / environment checks, the metadata XML and
// the man page, so the four can never disagree.
#pragma once

#include <string>
#include <vector>

namespace nvmepr {

enum class ParamType { kString, kBoolean, kInteger, kSecond, kSelect };

struct ParamSpec {
  std::string name;            ///< stdin / metadata name, with underscores
  char short_flag = 0;         ///< e.g. 'o' for -o; 0 for none
  ParamType type = ParamType::kString;
  std::string default_value;   ///< empty: no default
  bool required = false;
  std::string value_name;      ///< shown in usage: --devices=[devices]
  std::string shortdesc;       ///< one sentence
  std::vector<std::string> choices;  ///< allowed values of a kSelect
  std::string alias_of;        ///< non-empty: a deprecated name for that parameter
  bool cli_only = false;       ///< --help, --version: not a stdin parameter

  ParamSpec& Required() { required = true; return *this; }
  ParamSpec& AliasOf(std::string canonical) { alias_of = std::move(canonical); return *this; }
  ParamSpec& Choices(std::vector<std::string> values) { choices = std::move(values); return *this; }
  ParamSpec& CliOnly() { cli_only = true; return *this; }
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

struct ActionSpec {
  std::string name;
  std::string description;
  bool on_target = false;   ///< run on the node being unfenced (metadata on_target="1")
  bool automatic = false;   ///< Pacemaker runs it when the node joins (automatic="1")
  bool advertised = true;   ///< listed in the metadata

  /// Unfencing: on_target and automatic.
  ActionSpec& OnTarget() { on_target = automatic = true; return *this; }
  ActionSpec& Hidden() { advertised = false; return *this; }
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
  std::vector<ActionSpec> actions;

  const ParamSpec* FindParam(const std::string& name) const;
  const ActionSpec* FindAction(const std::string& name) const;
};

}  // namespace nvmepr
