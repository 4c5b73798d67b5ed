// SPDX-License-Identifier: GPL-2.0-or-later
#include "param_values.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <stdexcept>

#include "text.h"

namespace nvmepr {
namespace {

Error Bad(const ParamSpec& param, const std::string& value, const std::string& expected) {
  return Fail(ErrorKind::kInvalidArgument, param.name + "='" + value.substr(0, 80) + "': " + expected);
}

std::string OneOf(const std::vector<std::string>& choices) {
  std::string text;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) text.append(i + 1 == choices.size() ? " or " : ", ");
    text.append(choices[i]);
  }
  return text;
}

thread_local ParamReadRecorder* recorder = nullptr;

std::string Seconds(long long ms) {
  char text[32];
  if (ms % 1000 == 0) {
    std::snprintf(text, sizeof text, "%lld", ms / 1000);
  } else {
    std::snprintf(text, sizeof text, "%lld.%03lld", ms / 1000, ms % 1000);
  }
  return text;
}

}  // namespace

std::string NormalizeChoice(std::string_view value) {
  std::string text = Lower(value);
  std::replace(text.begin(), text.end(), '_', '-');
  return text;
}

Result<void> CheckValue(const ParamSpec& param, const std::string& value) {
  switch (param.type) {
    case ParamType::kBoolean:
      if (auto b = ParseBoolean(param.name, value); !b) return b.error();
      break;
    case ParamType::kSecond: {
      auto ms = ParseSecondsAsMs(param.name, value);
      if (!ms) return ms.error();
      if ((param.min && *ms < *param.min) || (param.max && *ms > *param.max)) {
        return Bad(param, value,
                   "expected a number of seconds from " + Seconds(param.min.value_or(0)) + " to " +
                       Seconds(param.max.value_or(86400000)));
      }
      break;
    }
    case ParamType::kInteger: {
      long long number = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
      if (ec != std::errc() || end != value.data() + value.size() || (param.min && number < *param.min) ||
          (param.max && number > *param.max)) {
        std::string expected = "expected a whole number";
        if (param.min && param.max) {
          expected = "expected a number from " + std::to_string(*param.min) + " to " + std::to_string(*param.max);
        }
        return Bad(param, value, expected);
      }
      break;
    }
    case ParamType::kSelect: {
      const std::string choice = NormalizeChoice(value);
      auto listed = [&](const std::vector<std::string>& list) {
        return std::find(list.begin(), list.end(), choice) != list.end();
      };
      if (!listed(param.choices) && !listed(param.spellings))
        return Bad(param, value, "expected " + OneOf(param.choices));
      break;
    }
    case ParamType::kString:
      break;
  }
  if (param.absolute_path && value[0] != '/') return Bad(param, value, "must be an absolute path");
  return {};
}

Result<ParamValues> ParamValues::Check(const ParsedParams& params, const AgentSpec& spec) {
  for (const auto& param : spec.params) {
    auto it = params.values.find(param.name);
    if (it == params.values.end() || it->second.empty()) continue;
    if (auto r = CheckValue(param, it->second); !r) return r.error();
  }
  return ParamValues(params, spec);
}

const ParamSpec& ParamValues::Row(std::string_view name) const {
  const ParamSpec* param = spec_->FindParam(name);
  if (param == nullptr) {
    throw std::logic_error("parameter '" + std::string(name) + "' is not in " + spec_->name + "'s table");
  }
  if (recorder != nullptr) recorder->Add(name);
  return *param;
}

const std::string* ParamValues::Given(std::string_view name) const {
  Row(name);
  auto it = params_->values.find(std::string(name));
  return it == params_->values.end() || it->second.empty() ? nullptr : &it->second;
}

std::string ParamValues::Text(std::string_view name) const {
  if (const std::string* value = Given(name)) return *value;
  return Row(name).default_value;
}

bool ParamValues::Flag(std::string_view name) const {
  auto flag = ParseBoolean(std::string(name), Text(name));
  return flag && *flag;
}

long long ParamValues::Integer(std::string_view name) const {
  const std::string text = Text(name);
  long long number = 0;
  std::from_chars(text.data(), text.data() + text.size(), number);
  return number;
}

std::chrono::milliseconds ParamValues::Duration(std::string_view name) const {
  auto ms = ParseSecondsAsMs(std::string(name), Text(name));
  return std::chrono::milliseconds(ms ? *ms : 0);
}

std::string ParamValues::Choice(std::string_view name) const { return NormalizeChoice(Text(name)); }

ParamReadRecorder::ParamReadRecorder() : previous_(recorder) { recorder = this; }

ParamReadRecorder::~ParamReadRecorder() { recorder = previous_; }

}  // namespace nvmepr
