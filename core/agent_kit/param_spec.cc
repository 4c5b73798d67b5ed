// SPDX-License-Identifier: GPL-2.0-or-later
#include "param_spec.h"

#include "text.h"

namespace nvmepr {

const ParamSpec* AgentSpec::FindParam(std::string_view name) const {
  for (const auto& p : params) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

std::string AdvertisedActionNames(const AgentSpec& spec) {
  std::string names;
  for (std::size_t i = 0; i < spec.actions.size(); ++i) {
    const ActionSpec& action = spec.actions[i];
    if (!action.advertised || spec.FindAction(action.name) != &action) continue;  // later rows of one action
    names += (names.empty() ? "" : ", ") + action.name;
  }
  return names;
}

const ActionSpec* AgentSpec::FindAction(std::string_view name) const {
  for (const auto& a : actions) {
    if (a.name == name) return &a;
  }
  for (const auto& a : actions) {
    for (const auto& alias : a.aliases) {
      if (alias == name) return &a;
    }
  }
  return nullptr;
}

Result<std::string> ResolveAction(const AgentSpec& spec, std::string_view given, bool ignore_case) {
  const std::string wanted = ignore_case ? Lower(given) : std::string(given);
  if (const ActionSpec* action = spec.FindAction(wanted)) return action->name;
  // The suggestion: the first action the input is a prefix of ("of": off),
  // else the closest name within two edits ("stauts": status).
  const std::string lower = Lower(given);
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& a : spec.actions) {
    if (!lower.empty() && a.name.rfind(lower, 0) == 0) {
      best = a.name;
      break;
    }
    const std::size_t d = EditDistance(lower, a.name);
    if (d < best_distance) best_distance = d, best = a.name;
  }
  std::string message = "unknown action '" + std::string(given.substr(0, 40)) + "'";
  if (!best.empty()) message += " (did you mean '" + best + "'?)";
  return Fail(ErrorKind::kInvalidArgument, message);
}

}  // namespace nvmepr
