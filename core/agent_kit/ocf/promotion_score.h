// SPDX-License-Identifier: GPL-2.0-or-later
// Promotion scores of a promotable clone: the transient node attribute
// "master-<resource>" that Pacemaker reads to choose where to promote. A node
// that sees every device ranks above one that sees fewer; a node that sees
// fewer than the required number gets no score, and Pacemaker never promotes
// an instance without a positive score. Set with crm_attribute.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace nvmepr {

/// The attribute name: "master-" and the resource name without the clone
/// instance suffix (":N"), as Pacemaker looks it up.
std::string PromotionAttribute(std::string_view instance);

/// The score of a node that can read `visible` of `total` devices: `base` when
/// it sees every device, base * visible / total (at least 1) when it sees
/// fewer, and nullopt (no score) when it sees fewer than `required`.
std::optional<int> PromotionScore(int base, std::size_t visible, std::size_t total, std::size_t required);

/// The crm_attribute command that sets `score` on `node` (empty: the local
/// node), or deletes the attribute when `score` is nullopt. Lifetime reboot,
/// so a rebooted node starts with no score.
std::vector<std::string> CrmAttributeCommand(std::string_view node, std::string_view instance,
                                             std::optional<int> score);

}  // namespace nvmepr
