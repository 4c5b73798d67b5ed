// SPDX-License-Identifier: GPL-2.0-or-later
// An agent's parameters typed and checked by their table rows: a boolean is
// a boolean, a number of seconds or an integer lies in the row's range, a
// select is one of its choices, a path is absolute. Both agents read their
// values through this, so a type is written down once, in the table.
//
// An empty value means "not given": the row's default applies (Pacemaker and
// pcs pass empty values for parameters an administrator cleared).
#pragma once

#include <chrono>
#include <set>
#include <string>
#include <string_view>

#include "param_parser.h"
#include "param_spec.h"
#include "result.h"

namespace nvmepr {

/// Checks one value against its row; the error names the parameter and says
/// what is expected ("delay='soon': expected a number of seconds from 0 to 86400").
Result<void> CheckValue(const ParamSpec& param, const std::string& value);

/// The spelling of a select value that matches the table: lower case, '_' as '-'.
std::string NormalizeChoice(std::string_view value);

class ParamValues {
 public:
  /// Checks every non-empty value of a parameter the table knows, in table
  /// order; the first problem is the error. Values the table does not know
  /// are left alone (the parsers already warned about them).
  static Result<ParamValues> Check(const ParsedParams& params, const AgentSpec& spec);

  // Every accessor takes a name the table has: any other name (a typo in
  // the agent's code) throws std::logic_error, which the agents' main()
  // reports as an unexpected error, rather than reading as "not given".

  /// The value given (non-empty), or nullptr.
  const std::string* Given(std::string_view name) const;
  /// The value given, else the row's default (empty if none).
  std::string Text(std::string_view name) const;
  /// kBoolean rows.
  bool Flag(std::string_view name) const;
  /// kInteger rows; 0 if neither given nor defaulted.
  long long Integer(std::string_view name) const;
  /// kSecond rows.
  std::chrono::milliseconds Duration(std::string_view name) const;
  /// kSelect rows: the value as NormalizeChoice spells it.
  std::string Choice(std::string_view name) const;

 private:
  ParamValues(const ParsedParams& params, const AgentSpec& spec) : params_(&params), spec_(&spec) {}
  /// The row called `name`; throws std::logic_error if the table has none.
  const ParamSpec& Row(std::string_view name) const;
  const ParsedParams* params_;
  const AgentSpec* spec_;
};

/// While it lives, collects the name of every parameter a ParamValues of
/// this thread reads: for the test that each agent reads every row of its
/// table. Nests (the inner one collects until it goes).
class ParamReadRecorder {
 public:
  ParamReadRecorder();
  ~ParamReadRecorder();

  const std::set<std::string>& names() const { return names_; }
  void Add(std::string_view name) { names_.emplace(name); }

 private:
  // Recorders nest by address: not copied, not moved.
  ParamReadRecorder(const ParamReadRecorder&) = delete;
  ParamReadRecorder& operator=(const ParamReadRecorder&) = delete;

  std::set<std::string> names_;
  ParamReadRecorder* previous_;
};

}  // namespace nvmepr
