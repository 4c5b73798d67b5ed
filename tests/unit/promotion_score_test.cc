// SPDX-License-Identifier: GPL-2.0-or-later
#include "promotion_score.h"

#include <gtest/gtest.h>

namespace nvmepr {
namespace {

TEST(PromotionScoreTest, AttributeNameDropsTheCloneInstance) {
  EXPECT_EQ(PromotionAttribute("disk:1"), "master-disk");
  EXPECT_EQ(PromotionAttribute("disk"), "master-disk");
}

TEST(PromotionScoreTest, FullScoreForEveryDeviceProportionalBelowNoneUnderRequired) {
  EXPECT_EQ(PromotionScore(1000, 4, 4, 4), 1000);
  EXPECT_EQ(PromotionScore(1000, 3, 4, 2), 750);
  EXPECT_EQ(PromotionScore(1, 1, 4, 1), 1) << "never rounded down to no score";
  EXPECT_EQ(PromotionScore(1000, 1, 4, 2), std::nullopt);
  EXPECT_EQ(PromotionScore(1000, 0, 4, 0), std::nullopt);
  EXPECT_EQ(PromotionScore(1000, 0, 0, 0), std::nullopt);
}

TEST(PromotionScoreTest, CrmAttributeCommands) {
  EXPECT_EQ(
      CrmAttributeCommand("node1", "disk:0", 1000),
      (std::vector<std::string>{"crm_attribute", "-N", "node1", "-n", "master-disk", "-l", "reboot", "-v", "1000"}));
  EXPECT_EQ(CrmAttributeCommand("", "disk", std::nullopt),
            (std::vector<std::string>{"crm_attribute", "-n", "master-disk", "-l", "reboot", "-D"}));
}

}  // namespace
}  // namespace nvmepr
