// SPDX-License-Identifier: GPL-2.0-or-later
// The code of an agent's actions, bound by name to the rows of its table
// (param_spec.h's ActionSpec), for both agents: `alone` needs nothing but the
// environment (it works whatever the parameters say), `with_context` the
// checked parameters. A unit test checks that each agent's handlers and its
// table name the same actions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace nvmepr {

template <typename Outcome, typename Environment, typename Context>
struct ActionHandler {
  std::string_view action;
  Outcome (*alone)(Environment&);
  Outcome (*with_context)(Context&);
};

/// The handler of `action` (a canonical name), or nullptr.
template <typename Handler, std::size_t N>
const Handler* FindHandler(const Handler (&handlers)[N], std::string_view action) {
  for (const Handler& handler : handlers) {
    if (handler.action == action) return &handler;
  }
  return nullptr;
}

/// The actions `handlers` have code for, in their order.
template <typename Handler, std::size_t N>
std::vector<std::string> HandledActions(const Handler (&handlers)[N]) {
  std::vector<std::string> names;
  for (const Handler& handler : handlers) names.emplace_back(handler.action);
  return names;
}

}  // namespace nvmepr
