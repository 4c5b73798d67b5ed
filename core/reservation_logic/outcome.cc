// SPDX-License-Identifier: GPL-2.0-or-later
#include "outcome.h"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace nvmepr {

std::size_t NeededOf(std::size_t total, std::size_t required) {
  return required == 0 ? total : std::min(required, total);
}

int ReportRank(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInvalidArgument:
    case ErrorKind::kUnsupported:
      return 0;
    case ErrorKind::kRefused:
      return 1;
    case ErrorKind::kNotFound:
      return 2;
    case ErrorKind::kTimeout:
    case ErrorKind::kIo:
    case ErrorKind::kNvmeStatus:
    case ErrorKind::kReservationConflict:
    case ErrorKind::kVerifyFailed:
      break;
  }
  return 3;
}

Result<void> CombineRefusals(const std::vector<Result<void>>& checks, std::string_view what) {
  std::vector<Error> refusals;
  for (const auto& check : checks) {
    if (!check) refusals.push_back(check.error());
  }
  if (refusals.empty()) return {};
  return CombineFailures(refusals, std::string(what) + " on " + std::to_string(refusals.size()) + " of " +
                                       std::to_string(checks.size()) + " devices, nothing changed");
}

Error CombineFailures(const std::vector<Error>& failures, const std::string& summary) {
  if (failures.empty()) return Fail(ErrorKind::kVerifyFailed, summary);
  if (failures.size() == 1) return failures.front();
  const auto telling = std::min_element(failures.begin(), failures.end(), [](const Error& a, const Error& b) {
    return ReportRank(a.kind) < ReportRank(b.kind);
  });
  Error combined = *telling;
  combined.message = summary + ": " + telling->message;
  for (auto it = failures.begin(); it != failures.end(); ++it) {
    if (it != telling) combined.message += "; " + it->message;
  }
  return combined;
}

Result<std::size_t> CombineOutcomes(const std::vector<Result<void>>& outcomes, std::size_t required,
                                    std::string_view what) {
  const std::size_t total = outcomes.size();
  const std::size_t needed = NeededOf(total, required);
  std::vector<Error> failures;
  for (const auto& outcome : outcomes) {
    if (!outcome) failures.push_back(outcome.error());
  }
  const std::size_t succeeded = total - failures.size();
  if (succeeded >= needed) {
    for (const Error& e : failures) {
      spdlog::warn("{} ({}: {} of {} devices suffice)", e.message, what, needed, total);
    }
    return succeeded;
  }
  return CombineFailures(failures, std::string(what) + " failed on " + std::to_string(failures.size()) + " of " +
                                       std::to_string(total) + " devices (" + std::to_string(needed) +
                                       " must succeed)");
}

}  // namespace nvmepr
