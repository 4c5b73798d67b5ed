#include "fence_options.h"

#include <algorithm>
#include <cctype>

#include "agent_spec.h"
#include "keys.h"

namespace nvmepr {
namespace {

// Levenshtein distance, for "did you mean".
std::size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

}  // namespace

Result<std::string> CanonicalAction(const std::string& action) {
  std::string lower = Lower(action);
  if (lower == "meta-data") lower = "metadata";
  if (lower == "enable") lower = "on";
  if (lower == "disable") lower = "off";
  if (lower == "list_status") lower = "list-status";
  if (lower == "validate_all") lower = "validate-all";
  const AgentSpec& spec = FenceAgentSpec();
  if (spec.FindAction(lower)) return lower;
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
  std::string message = "unknown action '" + action.substr(0, 40) + "'";
  if (!best.empty()) message += " (did you mean '" + best + "'?)";
  return Fail(ErrorKind::kInvalidArgument, message);
}

Result<FenceOptions> ToFenceOptions(const ParsedParams& params) {
  FenceOptions options;
  auto get = [&](const char* name) -> const std::string* {
    auto it = params.values.find(name);
    return it == params.values.end() ? nullptr : &it->second;
  };
  auto flag = [&](const char* name, bool& out) -> Result<void> {
    if (const std::string* v = get(name)) {
      auto b = ParseBoolean(name, *v);
      if (!b) return b.error();
      out = *b;
    }
    return {};
  };
  for (auto [name, out] : {std::pair{"verbose", &options.verbose}, {"quiet", &options.quiet},
                           {"help", &options.help}, {"version", &options.version}}) {
    if (auto r = flag(name, *out); !r) return r.error();
  }
  if (const std::string* v = get("action"); v && !v->empty()) {
    auto action = CanonicalAction(*v);
    if (!action) return action.error();
    options.action = *action;
  }
  if (const std::string* v = get("plug")) options.plug = *v;
  if (const std::string* v = get("nodename")) options.nodename = *v;
  if (const std::string* v = get("devices")) options.devices = SplitDeviceList(*v);
  if (const std::string* v = get("key"); v && !v->empty()) {
    auto key = ParseKey(*v);
    if (!key) return Fail(ErrorKind::kInvalidArgument, "key: " + key.error().message);
    options.key = *key;
  }
  if (const std::string* v = get("reservation_type"); v && !v->empty()) {
    auto type = ParseType(*v);
    if (!type && Lower(*v) != "auto") {
      return Fail(ErrorKind::kInvalidArgument,
                  "reservation_type='" + v->substr(0, 40) + "': expected auto or one of the six NVMe types, e.g. write-exclusive-all-registrants");
    }
    options.reservation_type = type.value_or(ReservationType::kNone);
  }
  if (const std::string* v = get("device_backend"); v && !v->empty()) {
    auto backend = ParseBackend(*v);
    if (!backend) {
      return Fail(ErrorKind::kInvalidArgument, "device_backend='" + v->substr(0, 40) + "': expected auto, passthrough or block");
    }
    options.backend = *backend;
  }
  // An empty store_path= means the default (documented in the README).
  if (const std::string* v = get("store_path"); v && !v->empty()) {
    if ((*v)[0] != '/') return Fail(ErrorKind::kInvalidArgument, "store_path='" + v->substr(0, 80) + "': must be an absolute path");
    options.store_path = *v;
  }
  if (const std::string* v = get("power_timeout")) {
    auto ms = ParseSecondsAsMs("power_timeout", *v);
    if (!ms) return ms.error();
    if (*ms < 1000) return Fail(ErrorKind::kInvalidArgument, "power_timeout=" + *v + ": must be at least 1 second");
    options.power_timeout = std::chrono::milliseconds(*ms);
  }
  if (const std::string* v = get("delay")) {
    auto ms = ParseSecondsAsMs("delay", *v);
    if (!ms) return ms.error();
    options.delay = std::chrono::milliseconds(*ms);
  }
  if (const std::string* v = get("debug_file"); v && !v->empty()) {
    // Relative to what? The agent's working directory is Pacemaker's: refuse.
    if ((*v)[0] != '/') return Fail(ErrorKind::kInvalidArgument, "debug_file='" + v->substr(0, 80) + "': must be an absolute path");
    options.debug_file = *v;
  }
  return options;
}

}  // namespace nvmepr
