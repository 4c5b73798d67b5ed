// SPDX-License-Identifier: GPL-2.0-or-later
// The resource agent as a promotable clone: started instances are
// registered, the promoted one owns the devices, promotion scores follow how
// many devices a node sees.
#include <gtest/gtest.h>

#include "resource_actions.h"
#include "resource_fixture.h"

namespace nvmepr {
namespace {

using testing::ResourceAgentFixture;

class ResourcePromotableTest : public ResourceAgentFixture {
 protected:
  OcfOutcome Clone(int host, const std::string& action, EnvironmentMap extra = {}) {
    return Run(host, action, Promotable(host, std::move(extra)));
  }
  OcfOutcome Monitor(int host, const char* role) {
    return Clone(host, "monitor", {{"OCF_RESKEY_CRM_meta_interval", "10000"}, {"OCF_RESKEY_CRM_meta_role", role}});
  }
  std::vector<std::string> LastScoreCommand() const {
    return commands_.empty() ? std::vector<std::string>{} : commands_.back();
  }
};

TEST_F(ResourcePromotableTest, StartRegistersOnlyAndSetsTheFullScore) {
  ASSERT_EQ(Clone(1, "start").code, kOcfSuccess);
  ASSERT_EQ(Clone(2, "start").code, kOcfSuccess);
  for (int n = 0; n < 2; ++n) {
    auto status = disks_.Namespace(n).Report();
    EXPECT_EQ(status.type, ReservationType::kNone);
    EXPECT_EQ(status.registrants.size(), 2u);
  }
  EXPECT_EQ(LastScoreCommand(), (std::vector<std::string>{"crm_attribute", "-N", "node2", "-n", "master-disk", "-l",
                                                          "reboot", "-v", "1000"}));
  EXPECT_EQ(Monitor(1, "Unpromoted").code, kOcfSuccess);
  EXPECT_EQ(Clone(3, "monitor").code, kOcfNotRunning) << "probe of a node that never started";
}

TEST_F(ResourcePromotableTest, PromoteTakeOverAndDemote) {
  ASSERT_EQ(Clone(1, "start").code, kOcfSuccess);
  ASSERT_EQ(Clone(2, "start").code, kOcfSuccess);
  ASSERT_EQ(Clone(1, "promote").code, kOcfSuccess);
  EXPECT_TRUE(disks_.CanWriteEverywhere(1));
  EXPECT_FALSE(disks_.CanWriteAnywhere(2)) << "a registered unpromoted node must not write";
  EXPECT_EQ(Monitor(1, "Promoted").code, kOcfRunningPromoted);
  EXPECT_EQ(Monitor(2, "Unpromoted").code, kOcfSuccess);

  // node1 freezes; node2 is promoted and takes the reservation over.
  ASSERT_EQ(Clone(2, "promote").code, kOcfSuccess);
  EXPECT_TRUE(disks_.CanWriteEverywhere(2));
  EXPECT_FALSE(disks_.CanWriteAnywhere(1));
  const OcfOutcome lost = Monitor(1, "Promoted");
  EXPECT_EQ(lost.code, kOcfFailedPromoted);
  EXPECT_NE(lost.reason.find(FormatKey(DerivedKey(2))), std::string::npos) << lost.reason;

  // Pacemaker recovers node1: demote registers it again, unpromoted.
  ASSERT_EQ(Clone(1, "demote").code, kOcfSuccess);
  EXPECT_EQ(Monitor(1, "Unpromoted").code, kOcfSuccess);
  EXPECT_FALSE(disks_.CanWriteAnywhere(1));
  ASSERT_EQ(Clone(2, "demote").code, kOcfSuccess);
  EXPECT_EQ(disks_.Namespace(0).Report().type, ReservationType::kNone);
  EXPECT_EQ(disks_.Namespace(0).Report().registrants.size(), 2u) << "demote stays registered";
  EXPECT_EQ(Monitor(2, "Unpromoted").code, kOcfSuccess);
  EXPECT_EQ(Clone(2, "demote").code, kOcfSuccess) << "demote is idempotent";

  ASSERT_EQ(Clone(1, "stop").code, kOcfSuccess);
  ASSERT_EQ(Clone(2, "stop").code, kOcfSuccess);
  EXPECT_TRUE(disks_.Namespace(1).Report().registrants.empty());
  EXPECT_EQ(LastScoreCommand(),
            (std::vector<std::string>{"crm_attribute", "-N", "node2", "-n", "master-disk", "-l", "reboot", "-D"}));
  EXPECT_EQ(Clone(2, "monitor").code, kOcfNotRunning);
}

TEST_F(ResourcePromotableTest, UnpromotedInstanceWhoseKeyWasRemovedFails) {
  ASSERT_EQ(Clone(1, "start").code, kOcfSuccess);
  ASSERT_EQ(Clone(2, "start").code, kOcfSuccess);
  ASSERT_EQ(Clone(1, "promote").code, kOcfSuccess);
  ASSERT_EQ(Clone(2, "promote").code, kOcfSuccess);
  ASSERT_EQ(Clone(1, "demote").code, kOcfSuccess);
  ASSERT_EQ(Clone(1, "promote").code, kOcfSuccess);  // node1 takes it back; node2's key goes
  const OcfOutcome outcome = Monitor(2, "Unpromoted");
  EXPECT_EQ(outcome.code, kOcfFailedPromoted) << "node2 believed it was promoted";
  ASSERT_EQ(Clone(2, "demote").code, kOcfSuccess);
  ASSERT_EQ(Clone(1, "promote").code, kOcfSuccess);
  disks_.View(2, 0).faults.unreachable = true;
  EXPECT_EQ(Monitor(2, "Unpromoted").code, kOcfErrGeneric);
}

TEST_F(ResourcePromotableTest, LegacyRoleNamesAndPromoteWithoutCloneMeta) {
  // crm_resource --force-promote and ocf-tester pass no clone meta attributes.
  ASSERT_EQ(Run(1, "promote").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "monitor").code, kOcfRunningPromoted) << "this node promoted it: a promotable instance";
  EXPECT_EQ(Run(1, "monitor", {{"OCF_RESKEY_CRM_meta_role", "Master"}}).code, kOcfRunningPromoted);
  ASSERT_EQ(Run(1, "demote").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "monitor", {{"OCF_RESKEY_CRM_meta_role", "Slave"}}).code, kOcfSuccess);
  ASSERT_EQ(Run(1, "stop").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "monitor").code, kOcfNotRunning);
}

TEST_F(ResourcePromotableTest, OcfTesterSequenceOnAPrimitive) {
  // start, demote, promote, demote, demote, promote, promote, demote, stop.
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  for (const char* action : {"demote", "promote", "demote", "demote", "promote", "promote", "demote", "stop", "stop"}) {
    ASSERT_EQ(Run(1, action).code, kOcfSuccess) << action;
  }
  EXPECT_EQ(Run(1, "monitor").code, kOcfNotRunning);
  ASSERT_EQ(Run(1, "start").code, kOcfSuccess);
  EXPECT_EQ(Run(1, "monitor").code, kOcfSuccess);
}

TEST_F(ResourcePromotableTest, ScoreIsLowerForANodeThatSeesFewerDevices) {
  const EnvironmentMap one = {{"OCF_RESKEY_required_devices", "1"}};
  disks_.View(1, 1).faults.unreachable = true;
  ASSERT_EQ(Clone(1, "start", one).code, kOcfSuccess);
  EXPECT_EQ(LastScoreCommand().back(), "500");
  ASSERT_EQ(Clone(2, "start", one).code, kOcfSuccess);
  EXPECT_EQ(LastScoreCommand().back(), "1000");
  EXPECT_EQ(Clone(1, "monitor", one).code, kOcfSuccess);
  EXPECT_EQ(LastScoreCommand().back(), "500");
  disks_.View(1, 0).faults.unreachable = true;
  EXPECT_EQ(Clone(1, "monitor", one).code, kOcfErrGeneric);
}

TEST_F(ResourcePromotableTest, PromotedMonitorIsDegradedWhenADeviceIsMissing) {
  const EnvironmentMap one = {{"OCF_RESKEY_required_devices", "1"},
                              {"OCF_RESKEY_CRM_meta_interval", "10000"},
                              {"OCF_RESKEY_CRM_meta_role", "Promoted"}};
  ASSERT_EQ(Clone(1, "start", one).code, kOcfSuccess);
  ASSERT_EQ(Clone(1, "promote", one).code, kOcfSuccess);
  EXPECT_EQ(Clone(1, "monitor", one).code, kOcfRunningPromoted);
  disks_.View(1, 0).faults.unreachable = true;
  const OcfOutcome degraded = Clone(1, "monitor", one);
  EXPECT_EQ(degraded.code, kOcfDegradedPromoted);
  EXPECT_NE(degraded.reason.find("/dev/disk0"), std::string::npos) << degraded.reason;
  EXPECT_EQ(LastScoreCommand().back(), "500") << "the score still follows the devices seen";
}

TEST_F(ResourcePromotableTest, ScoreBaseIsConfigurableAndFailuresToSetItAreHarmless) {
  ASSERT_EQ(Clone(1, "start", {{"OCF_RESKEY_promotion_score", "50"}}).code, kOcfSuccess);
  EXPECT_EQ(LastScoreCommand().back(), "50");
  EXPECT_EQ(Clone(1, "start", {{"OCF_RESKEY_promotion_score", "0"}}).code, kOcfErrConfigured);
}

TEST_F(ResourcePromotableTest, RefusesMoreThanOnePromotedInstance) {
  const OcfOutcome outcome = Clone(1, "start", {{"OCF_RESKEY_CRM_meta_promoted_max", "2"}});
  EXPECT_EQ(outcome.code, kOcfErrConfigured);
  EXPECT_NE(outcome.reason.find("promoted-max"), std::string::npos) << outcome.reason;
  EXPECT_EQ(Clone(1, "promote", {{"OCF_RESKEY_CRM_meta_promoted_max", "2"}}).code, kOcfErrConfigured);
}

}  // namespace
}  // namespace nvmepr
