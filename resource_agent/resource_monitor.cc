// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_monitor.h"

#include <spdlog/spdlog.h>

#include <string>
#include <vector>

#include "registration.h"

namespace nvmepr {
namespace {

std::string Join(const std::vector<std::string>& lines) {
  std::string text;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i > 0) text += "; ";
    text += lines[i];
  }
  return text;
}

// What the devices say, counted, with one line for each device that is not
// held by this node.
struct Survey {
  std::size_t readable = 0;
  std::size_t registered = 0;
  std::size_t holding = 0;
  std::vector<std::string> not_held;

  std::string NotHeld() const { return Join(not_held); }
};

std::string Describe(const Device& device, const Standing& standing, Key own) {
  std::string text = device.name() + ": ";
  if (standing.holder) {
    text +=
        "key " + FormatKey(*standing.holder) + " holds the " + std::string(TypeName(standing.type)) + " reservation";
  } else if (standing.type == ReservationType::kNone) {
    text += "no reservation";
  } else {
    text += "a " + std::string(TypeName(standing.type)) + " reservation nobody owns alone";
  }
  if (!standing.registered) text += ", this node's key " + FormatKey(own) + " is not registered";
  return text;
}

Survey Take(ResourceContext& ctx, Key own) {
  Survey survey;
  auto usable = ctx.OpenDevices(false, 0);  // never fails when nothing is required
  for (const auto& failure : usable->failures) survey.not_held.push_back(failure.message);
  const auto standings = ReadStandings(usable->devices, own, ctx.deadline());
  WarnAboutForeignRegistrations(usable->devices, standings, own, std::nullopt, "monitor");
  for (std::size_t i = 0; i < standings.size(); ++i) {
    if (!standings[i]) {
      survey.not_held.push_back(standings[i].error().message);
      continue;
    }
    const Standing& standing = *standings[i];
    ++survey.readable;
    survey.registered += standing.registered ? 1 : 0;
    if (standing.holds) {
      ++survey.holding;
    } else {
      survey.not_held.push_back(Describe(*usable->devices[i], standing, own));
    }
  }
  return survey;
}

OcfOutcome Lost(int code, const std::string& what, const Survey& survey) {
  const std::string reason = what + ": " + survey.NotHeld();
  spdlog::error("monitor: {}", reason);
  return {code, reason};
}

// Running with fewer devices than configured: a warning in the log, and the
// reason names each missing device.
OcfOutcome Degraded(int code, const std::string& what, const std::vector<std::string>& missing) {
  const std::string reason = what + "; missing: " + Join(missing);
  spdlog::warn("monitor: {}", reason);
  return {code, reason};
}

}  // namespace

void WarnAboutForeignRegistrations(const DeviceList& devices, const std::vector<Result<Standing>>& standings, Key own,
                                   std::optional<Key> saved, const char* action) {
  for (std::size_t i = 0; i < standings.size() && i < devices.size(); ++i) {
    if (!standings[i] || !standings[i]->this_host_key) continue;
    const Key key = *standings[i]->this_host_key;
    if (key == own || (saved && key == *saved)) continue;
    spdlog::warn("{}: {}", action, ForeignKeyWarning(*devices[i], standings[i]->host_id, key, own));
  }
}

OcfOutcome MonitorResource(ResourceContext& ctx) {
  auto state = ctx.LoadState();
  if (!state) return Failed("monitor", state.error());
  // The key the resource runs with, even if key= changed since it started.
  auto own = ctx.OwnKey(*state, /*prefer_saved=*/true);
  if (!own) {
    if (!*state) {
      spdlog::info("monitor: not running here ({})", own.error().message);
      return {kOcfNotRunning, ""};
    }
    return Failed("monitor", own.error());
  }
  const Survey survey = Take(ctx, *own);
  const std::size_t required = ctx.options().Required();
  const std::size_t total = ctx.options().devices.size();
  const bool promotable = ctx.Promotable(*state);
  const std::string counts = std::to_string(survey.holding) + " of " + std::to_string(total) + " devices";

  if (survey.holding >= required) {
    spdlog::debug("monitor: key {} holds the reservation on {}", FormatKey(*own), counts);
    if (promotable) ctx.UpdatePromotionScore(survey.readable);
    // OCF 1.1: enough devices to run on, but not every one: degraded, with
    // the devices that are missing as the reason (shown by crm_mon).
    if (survey.holding < total) {
      return Degraded(
          promotable ? kOcfDegradedPromoted : kOcfDegraded,
          "degraded: the reservation is held on " + counts + " (required_devices " + std::to_string(required) + ")",
          survey.not_held);
    }
    return {promotable ? kOcfRunningPromoted : kOcfSuccess, ""};
  }
  if (*state) {
    switch ((*state)->role) {
      case ResourceRole::kPromoted:
        return Lost(kOcfFailedPromoted, "promoted here but the reservation is lost (held on " + counts + ")", survey);
      case ResourceRole::kStarted:
        return Lost(kOcfErrGeneric,
                    "the reservation was taken away while the resource ran here (held on " + counts + ")", survey);
      case ResourceRole::kUnpromoted:
        if (survey.registered >= required) {
          spdlog::debug("monitor: unpromoted, key {} registered on {} of {} devices", FormatKey(*own),
                        survey.registered, total);
          ctx.UpdatePromotionScore(survey.readable);
          // Degraded is about the reservation (OCF 1.1 as the issue puts
          // it); an unpromoted instance holds none, so it is running (0)
          // while registered on required_devices; the promotion score
          // already tells Pacemaker it sees fewer devices.
          return {kOcfSuccess, ""};
        }
        return Lost(kOcfErrGeneric,
                    "started here but this node's key " + FormatKey(*own) + " is registered on only " +
                        std::to_string(survey.registered) + " of " + std::to_string(total) + " devices",
                    survey);
    }
  }
  if (survey.holding > 0) {
    return Lost(kOcfErrGeneric,
                "not started here, yet key " + FormatKey(*own) + " holds the reservation on " + counts +
                    " (fewer than required_devices); stop releases it",
                survey);
  }
  spdlog::debug("monitor: not running here (key {} holds no device)", FormatKey(*own));
  return {kOcfNotRunning, ""};
}

}  // namespace nvmepr
