// SPDX-License-Identifier: GPL-2.0-or-later
// Typing and validation from the table rows, the same for both agents.
#include "param_values.h"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "agent_spec.h"
#include "fence_options.h"
#include "reservation.h"
#include "resource_options.h"
#include "resource_spec.h"

namespace nvmepr {
namespace {

void ExpectBad(const ParamSpec& param, const std::string& value, const std::string& fragment) {
  auto r = CheckValue(param, value);
  ASSERT_FALSE(r) << param.name << "=" << value;
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(r.error().message.find(param.name + "='"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST(ParamValuesTest, EachTypeIsCheckedByItsRow) {
  const ParamSpec flag = Param("f", 0, ParamType::kBoolean, "0", "", "");
  EXPECT_TRUE(CheckValue(flag, "yes"));
  ExpectBad(flag, "maybe", "boolean");
  const ParamSpec seconds = Param("s", 0, ParamType::kSecond, "1", "", "").Range(1000, 60000);
  EXPECT_TRUE(CheckValue(seconds, "1.5"));
  ExpectBad(seconds, "0.5", "from 1 to 60");
  ExpectBad(seconds, "soon", "seconds");
  const ParamSpec number = Param("n", 0, ParamType::kInteger, "5", "", "").Range(1, 10);
  EXPECT_TRUE(CheckValue(number, "10"));
  ExpectBad(number, "11", "from 1 to 10");
  ExpectBad(number, "1x", "from 1 to 10");
  const ParamSpec select = Param("c", 0, ParamType::kSelect, "a", "", "").Choices({"a-b", "c"}).Spellings({"ab"});
  EXPECT_TRUE(CheckValue(select, "A_B"));
  EXPECT_TRUE(CheckValue(select, "AB"));
  ExpectBad(select, "d", "expected a-b or c");
  ExpectBad(Param("p", 0, ParamType::kString, "", "", "").AbsolutePath(), "run/x", "absolute");
}

// A name the table does not have is a bug in the agent, not "not given".
TEST(ParamValuesTest, AnUnknownNameThrowsInsteadOfReadingEmpty) {
  ParsedParams params;
  params.values = {{"store_path", "/x"}};
  auto values = ParamValues::Check(params, FenceAgentSpec());
  ASSERT_TRUE(values);
  EXPECT_THROW(values->Given("store-path"), std::logic_error);
  EXPECT_THROW(values->Text("storepath"), std::logic_error);
  EXPECT_THROW(values->Flag("verbos"), std::logic_error);
  EXPECT_THROW(values->Duration("timeout"), std::logic_error);
  EXPECT_THROW(values->Integer("promotion_score"), std::logic_error) << "the other agent's row";
  EXPECT_THROW(values->Choice("type"), std::logic_error);
  EXPECT_EQ(values->Text("store_path"), "/x");
}

// Every row of each agent's table is read by the agent's option typing (a
// row nobody reads is a parameter that does nothing); deprecated aliases are
// read as the name they stand for.
TEST(ParamValuesTest, EachAgentReadsEveryRowOfItsTable) {
  auto expect_all_read = [](const AgentSpec& spec, const std::set<std::string>& read) {
    for (const ParamSpec& param : spec.params) {
      if (!param.alias_of.empty()) continue;
      EXPECT_TRUE(read.count(param.name)) << spec.name << " never reads " << param.name;
    }
  };
  {
    ParsedParams params;
    params.values = {{"action", "off"}, {"devices", "/dev/nvme0n1"}, {"plug", "0x2"}};
    ParamReadRecorder recorder;
    ASSERT_TRUE(ToFenceOptions(params));
    expect_all_read(FenceAgentSpec(), recorder.names());
  }
  {
    ParsedParams params;
    params.values = {{"devices", "/dev/nvme0n1"}};
    ParamReadRecorder recorder;
    ASSERT_TRUE(ToResourceOptions(params));
    expect_all_read(ResourceAgentSpec(), recorder.names());
  }
}

TEST(ParamValuesTest, EmptyMeansTheDefault) {
  ParsedParams params;
  params.values = {{"power_timeout", ""}, {"verbose", ""}, {"store_path", ""}};
  auto values = ParamValues::Check(params, FenceAgentSpec());
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ(values->Duration("power_timeout"), std::chrono::milliseconds(20000));
  EXPECT_FALSE(values->Flag("verbose"));
  EXPECT_EQ(values->Text("store_path"), "/run/fence_nvme_pr");
  EXPECT_EQ(values->Given("store_path"), nullptr);
}

// Every row of both tables accepts its own default and every listed choice:
// the table cannot contradict itself.
TEST(ParamValuesTest, BothTablesAcceptTheirOwnDefaultsAndChoices) {
  for (const AgentSpec* spec : {&FenceAgentSpec(), &ResourceAgentSpec()}) {
    for (const ParamSpec& param : spec->params) {
      if (!param.default_value.empty()) {
        EXPECT_TRUE(CheckValue(param, param.default_value)) << spec->name << " " << param.name;
      }
      for (const auto& choice : param.choices) EXPECT_TRUE(CheckValue(param, choice)) << param.name << "=" << choice;
      if (param.type == ParamType::kSelect) {
        EXPECT_FALSE(param.choices.empty()) << param.name;
      }
    }
  }
}

// The reservation types are spelled once, in core/device/reservation.cc.
TEST(ParamValuesTest, ReservationTypeChoicesComeFromTheTypeNames) {
  const ParamSpec* fence = FenceAgentSpec().FindParam("reservation_type");
  ASSERT_NE(fence, nullptr);
  ASSERT_EQ(fence->choices.size(), 1 + kAllTypes.size());
  EXPECT_EQ(fence->choices[0], "auto");
  for (std::size_t i = 0; i < kAllTypes.size(); ++i) EXPECT_EQ(fence->choices[i + 1], TypeName(kAllTypes[i]));
  const ParamSpec* resource = ResourceAgentSpec().FindParam("reservation_type");
  ASSERT_NE(resource, nullptr);
  EXPECT_EQ(resource->choices, (std::vector<std::string>{std::string(TypeName(ReservationType::kWriteExclusive)),
                                                         std::string(TypeName(ReservationType::kExclusiveAccess))}));
  EXPECT_TRUE(CheckValue(*resource, "WE"));
  EXPECT_FALSE(CheckValue(*resource, "wear"));
}

}  // namespace
}  // namespace nvmepr
