// SPDX-License-Identifier: GPL-2.0-or-later
// What the results of one step on several devices add up to: the one rule
// both agents use (it replaces fencing.cc's AllSucceeded and ownership.cc's
// Tally/CombineFailures, whose priorities and messages had drifted apart).
//
// The rule:
// - A step succeeds when at least `needed` devices succeeded. The fence agent
//   always needs every device; the resource agent needs `required_devices`.
//   Failures of a step that still succeeded are logged as warnings.
// - Otherwise one Error: a single failure as it is; several under one summary
//   ("unfence failed on 2 of 3 devices (3 must succeed): ..."), every device's
//   message, the most telling first, then the others in device order.
// - The most telling failure, whose kind becomes the error's kind (and so the
//   exit code), is the first by this priority (ties: device order):
//     1. configuration (kInvalidArgument, kUnsupported): wrong on every node,
//        so Pacemaker should stop trying anywhere;
//     2. refusal (kRefused): why nothing was changed;
//     3. a missing device (kNotFound): wrong on this node only;
//     4. anything that went wrong at run time (I/O, device status, timeout,
//        read-back mismatch).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace nvmepr {

/// How many of `total` devices must succeed: `required` (capped at `total`), 0 = all.
std::size_t NeededOf(std::size_t total, std::size_t required);

/// Rank of an error kind in the rule above: lower is more telling.
int ReportRank(ErrorKind kind);

/// One Error for `failures` (at least one): the single failure as it is, or
/// "<summary>: <most telling>; <the others in order>" with the most telling
/// one's kind and code.
Error CombineFailures(const std::vector<Error>& failures, const std::string& summary);

/// The checks an action runs on every device before it changes anything:
/// success when every check passed, else one refusal combining the failed
/// ones, "<what> on N of M devices, nothing changed: ...".
Result<void> CombineRefusals(const std::vector<Result<void>>& checks, std::string_view what);

/// Applies the rule to one step's per-device outcomes, in device order:
/// the number of devices that succeeded, or the combined error when fewer
/// than NeededOf(outcomes.size(), required) did. `what` names the step
/// ("unfence", "acquire") in the summary and the warnings.
Result<std::size_t> CombineOutcomes(const std::vector<Result<void>>& outcomes, std::size_t required,
                                    std::string_view what);

}  // namespace nvmepr
