// SPDX-License-Identifier: GPL-2.0-or-later
#include "ocf_environment.h"

#include <gtest/gtest.h>

#include "resource_spec.h"

namespace nvmepr {
namespace {

TEST(OcfEnvironmentTest, ReadsParametersMetaAttributesAndCheckLevel) {
  const EnvironmentMap env = {
      {"OCF_RESKEY_devices", "/dev/a /dev/b"},   {"OCF_RESKEY_key", "0x1"},
      {"OCF_RESKEY_crm_feature_set", "3.16.2"},  {"OCF_RESKEY_CRM_meta_interval", "10000"},
      {"OCF_RESKEY_CRM_meta_timeout", "20000"},  {"OCF_RESKEY_CRM_meta_role", "Promoted"},
      {"OCF_RESKEY_CRM_meta_on_node", "node1"},  {"OCF_RESKEY_CRM_meta_clone_max", "2"},
      {"OCF_RESKEY_CRM_meta_promoted_max", "1"}, {"OCF_CHECK_LEVEL", "10"},
      {"OCF_RESOURCE_INSTANCE", "disk:1"},       {"PATH", "/usr/bin"},
  };
  auto request = ParseOcfRequest("monitor", env, ResourceAgentSpec());
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->params.values.at("devices"), "/dev/a /dev/b");
  EXPECT_EQ(request->params.values.at("key"), "0x1");
  EXPECT_TRUE(request->params.warnings.empty()) << "crm_feature_set is Pacemaker's, not unknown";
  EXPECT_EQ(request->meta.interval_ms, 10000);
  EXPECT_EQ(request->meta.timeout_ms, 20000);
  EXPECT_EQ(request->meta.role, OcfRole::kPromoted);
  EXPECT_EQ(request->meta.on_node, "node1");
  EXPECT_TRUE(request->meta.clone);
  EXPECT_TRUE(request->meta.promotable);
  EXPECT_EQ(request->meta.promoted_max, 1);
  EXPECT_EQ(request->check_level, 10);
  EXPECT_EQ(request->instance, "disk:1");
  EXPECT_FALSE(request->IsProbe());
}

TEST(OcfEnvironmentTest, ProbeHasNoIntervalAndLevelDefaultsToZero) {
  auto request = ParseOcfRequest("monitor", {{"OCF_RESKEY_CRM_meta_interval", "0"}}, ResourceAgentSpec());
  ASSERT_TRUE(request);
  EXPECT_TRUE(request->IsProbe());
  EXPECT_EQ(request->check_level, 0);
  EXPECT_TRUE(ParseOcfRequest("monitor", {}, ResourceAgentSpec())->IsProbe());
  EXPECT_FALSE(ParseOcfRequest("start", {}, ResourceAgentSpec())->IsProbe());
}

TEST(OcfEnvironmentTest, UnknownNamesAndMalformedMetaAreWarnings) {
  auto request = ParseOcfRequest("start",
                                 {{"OCF_RESKEY_colour", "blue"},
                                  {"OCF_RESKEY_CRM_meta_timeout", "soon"},
                                  {"OCF_RESKEY_CRM_meta_role", "Boss"},
                                  {"OCF_RESKEY_CRM_meta_master_max", "1"}},
                                 ResourceAgentSpec());
  ASSERT_TRUE(request);
  EXPECT_EQ(request->params.warnings.size(), 3u);
  EXPECT_FALSE(request->meta.timeout_ms.has_value());
  EXPECT_TRUE(request->meta.promotable) << "legacy master_max marks a promotable clone";
  EXPECT_TRUE(request->params.values.empty());
}

TEST(OcfEnvironmentTest, RefusesACheckLevelThatIsNotANumber) {
  auto request = ParseOcfRequest("monitor", {{"OCF_CHECK_LEVEL", "deep"}}, ResourceAgentSpec());
  ASSERT_FALSE(request);
  EXPECT_EQ(request.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_FALSE(ParseOcfRequest("validate-all", {{"OCF_CHECK_LEVEL", "-1"}}, ResourceAgentSpec()));
}

// A failed stop gets the node fenced: a level no other action reads is a warning.
TEST(OcfEnvironmentTest, ACheckLevelThatIsNotANumberIsOnlyAWarningForOtherActions) {
  for (const char* action : {"stop", "start", "promote", "demote", "notify"}) {
    auto request = ParseOcfRequest(action, {{"OCF_CHECK_LEVEL", "deep"}}, ResourceAgentSpec());
    ASSERT_TRUE(request) << action << ": " << request.error().message;
    EXPECT_EQ(request->check_level, 0);
    ASSERT_EQ(request->params.warnings.size(), 1u) << action;
    EXPECT_NE(request->params.WarningLines().front().find("OCF_CHECK_LEVEL"), std::string::npos);
  }
}

TEST(OcfEnvironmentTest, RoleNamesOldAndNew) {
  EXPECT_EQ(ParseOcfRole("Promoted"), OcfRole::kPromoted);
  EXPECT_EQ(ParseOcfRole("Master"), OcfRole::kPromoted);
  EXPECT_EQ(ParseOcfRole("Unpromoted"), OcfRole::kUnpromoted);
  EXPECT_EQ(ParseOcfRole("Slave"), OcfRole::kUnpromoted);
  EXPECT_EQ(ParseOcfRole("Started"), OcfRole::kStarted);
  EXPECT_EQ(ParseOcfRole("master"), OcfRole::kNone);
}

TEST(OcfEnvironmentTest, DebugFollowsHaDebug) {
  EXPECT_TRUE(ParseOcfRequest("start", {{"HA_debug", "1"}}, ResourceAgentSpec())->debug);
  EXPECT_FALSE(ParseOcfRequest("start", {{"HA_debug", "0"}}, ResourceAgentSpec())->debug);
}

TEST(OcfEnvironmentTest, ProcessEnvironmentSeesThisProcess) {
  ::setenv("NVMEPR_TEST_VARIABLE", "a=b", 1);
  EXPECT_EQ(ProcessEnvironment().at("NVMEPR_TEST_VARIABLE"), "a=b");
  ::unsetenv("NVMEPR_TEST_VARIABLE");
}

// ocf_log writes to stderr only where Pacemaker's executor set no log target.
TEST(OcfLogsToStderrTest, OnlyWithoutHaLogFacilityAndHaLogFile) {
  EXPECT_TRUE(OcfLogsToStderr({}));
  EXPECT_TRUE(OcfLogsToStderr({{"HA_LOGFACILITY", ""}, {"HA_LOGFILE", ""}}));
  EXPECT_TRUE(OcfLogsToStderr({{"HA_LOGFACILITY", "none"}}));
  EXPECT_FALSE(OcfLogsToStderr({{"HA_LOGFACILITY", "daemon"}}));
  EXPECT_FALSE(OcfLogsToStderr({{"HA_LOGFILE", "/var/log/pacemaker/pacemaker.log"}}));
  EXPECT_FALSE(OcfLogsToStderr({{"HA_LOGFACILITY", "none"}, {"HA_LOGFILE", "/var/log/pacemaker/pacemaker.log"}}));
}

}  // namespace
}  // namespace nvmepr
