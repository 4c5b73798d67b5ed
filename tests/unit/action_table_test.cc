// SPDX-License-Identifier: GPL-2.0-or-later
// Actions are table rows: every row has code, every action with code is a
// row (and so in the metadata unless deliberately hidden), and both agents
// suggest the closest action for an unknown one.
#include <gtest/gtest.h>

#include <set>

#include "agent_spec.h"
#include "fence_actions.h"
#include "ocf_metadata.h"
#include "resource_actions.h"
#include "resource_fixture.h"
#include "resource_spec.h"

namespace nvmepr {
namespace {

std::set<std::string> Names(const AgentSpec& spec) {
  std::set<std::string> names;
  for (const auto& action : spec.actions) names.insert(action.name);
  return names;
}

std::set<std::string> AsSet(const std::vector<std::string>& names) { return {names.begin(), names.end()}; }

TEST(ActionTableTest, FenceAgentHandlesExactlyItsRows) {
  EXPECT_EQ(AsSet(HandledFenceActions()), Names(FenceAgentSpec()));
}

TEST(ActionTableTest, ResourceAgentHandlesExactlyItsRows) {
  EXPECT_EQ(AsSet(HandledResourceActions()), Names(ResourceAgentSpec()));
}

TEST(ActionTableTest, EveryHandledResourceActionIsInTheMetadata) {
  const std::string xml = OcfMetadata(ResourceAgentSpec());
  for (const auto& name : HandledResourceActions()) {
    EXPECT_NE(xml.find("<action name=\"" + name + "\""), std::string::npos) << name;
  }
  EXPECT_NE(xml.find("<action name=\"notify\" timeout=\"5s\"/>"), std::string::npos);
}

// The action parameter's description comes from the table: every action the
// metadata lists, once, and none it hides.
TEST(ActionTableTest, ActionParameterListsTheAdvertisedActions) {
  const AgentSpec& spec = FenceAgentSpec();
  const std::string& text = spec.FindParam("action")->shortdesc;
  for (const ActionSpec& action : spec.actions) {
    const bool listed = text.find(" " + action.name + ",") != std::string::npos ||
                        text.find("(" + action.name + ",") != std::string::npos ||
                        text.find(" " + action.name + ")") != std::string::npos;
    EXPECT_EQ(listed, action.advertised) << action.name << " in " << text;
  }
  EXPECT_EQ(AdvertisedActionNames(ResourceAgentSpec()),
            "start, stop, promote, demote, monitor, notify, validate-all, meta-data")
      << "each action once, though monitor has three rows";
}

TEST(ActionTableTest, ResolveActionTakesNamesAndAliases) {
  EXPECT_EQ(*ResolveAction(FenceAgentSpec(), "Meta-Data", true), "metadata");
  EXPECT_EQ(*ResolveAction(ResourceAgentSpec(), "meta-data", false), "meta-data");
  EXPECT_FALSE(ResolveAction(ResourceAgentSpec(), "Start", false)) << "OCF action names are exact";
}

class ResourceUnknownActionTest : public testing::ResourceAgentFixture {};

TEST_F(ResourceUnknownActionTest, IsUnimplementedWithASuggestion) {
  const OcfOutcome typo = Run(1, "strat");
  EXPECT_EQ(typo.code, kOcfErrUnimplemented);
  EXPECT_NE(typo.reason.find("unknown action 'strat' (did you mean 'start'?)"), std::string::npos) << typo.reason;
  const OcfOutcome far = Run(1, "reload");
  EXPECT_EQ(far.code, kOcfErrUnimplemented);
  EXPECT_EQ(far.reason.find("did you mean"), std::string::npos) << far.reason;
  EXPECT_EQ(Run(1, "").code, kOcfErrUnimplemented);
  EXPECT_LT(Run(1, std::string(10000, 'x')).reason.size(), 200u);
}

}  // namespace
}  // namespace nvmepr
