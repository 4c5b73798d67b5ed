// SPDX-License-Identifier: GPL-2.0-or-later
#include "promotion_score.h"

#include <algorithm>

namespace nvmepr {

std::string PromotionAttribute(std::string_view instance) {
  return "master-" + std::string(instance.substr(0, instance.find(':')));
}

std::optional<int> PromotionScore(int base, std::size_t visible, std::size_t total, std::size_t required) {
  if (total == 0 || visible < std::max<std::size_t>(required, 1)) return std::nullopt;
  if (visible >= total) return base;
  const long long share =
      static_cast<long long>(base) * static_cast<long long>(visible) / static_cast<long long>(total);
  return static_cast<int>(std::max<long long>(share, 1));
}

std::vector<std::string> CrmAttributeCommand(std::string_view node, std::string_view instance,
                                             std::optional<int> score) {
  std::vector<std::string> argv = {"crm_attribute"};
  if (!node.empty()) argv.insert(argv.end(), {"-N", std::string(node)});
  argv.insert(argv.end(), {"-n", PromotionAttribute(instance), "-l", "reboot"});
  if (score) {
    argv.insert(argv.end(), {"-v", std::to_string(*score)});
  } else {
    argv.push_back("-D");
  }
  return argv;
}

}  // namespace nvmepr
