// SPDX-License-Identifier: GPL-2.0-or-later
// The Markdown reference (docs/reference/) says what the tables say: every
// parameter, action and exit code of each agent, and no table text that
// Markdown would read as markup.
#include "markdown_reference.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "agent_spec.h"
#include "check_spec.h"
#include "resource_spec.h"

namespace nvmepr {
namespace {

TEST(MarkdownReference, EscapesMarkupButNotUnderscoresInsideWords) {
  const std::pair<std::string, std::string> cases[] = {
      {"store_path a|b <x> *y* [z] `c` \\", "store_path a\\|b \\<x> \\*y\\* \\[z\\] \\`c\\` \\\\"},
      {"_lead and trail_", "\\_lead and trail\\_"},
      {"two\nlines", "two lines"},
  };
  for (const auto& [text, escaped] : cases) EXPECT_EQ(MarkdownEscape(text), escaped) << text;
}

TEST(MarkdownReference, FencePageListsEveryParameterAndAction) {
  const std::string page = FenceAgentReference(FenceAgentSpec(), kFenceExitStatusText);
  for (const auto& param : FenceAgentSpec().params) {
    if (!param.cli_only) {
      EXPECT_NE(page.find("| `" + param.name + "`"), std::string::npos) << param.name;
    }
  }
  for (const auto& action : FenceAgentSpec().actions) {
    EXPECT_NE(page.find("| `" + action.name + "` |"), std::string::npos) << action.name;
  }
  EXPECT_NE(page.find("## Exit status"), std::string::npos);
  EXPECT_NE(page.find("`-d, --devices=[devices]`"), std::string::npos);
}

TEST(MarkdownReference, ResourcePageListsEveryAdvertisedActionRow) {
  const std::string page = OcfAgentReference(ResourceAgentSpec(), {{"0 (OCF_SUCCESS)", "Done."}});
  for (const auto& param : ResourceAgentSpec().params) {
    EXPECT_NE(page.find("| `" + param.name + "`"), std::string::npos) << param.name;
  }
  EXPECT_NE(page.find("| `monitor` | 20 s | 9 s | Promoted |"), std::string::npos);
  EXPECT_NE(page.find("| `0 (OCF_SUCCESS)` | Done. |"), std::string::npos);
}

TEST(MarkdownReference, CommandPageHasSynopsisAndExitStatus) {
  const std::string page = CommandReference(CheckCommandPage());
  EXPECT_NE(page.find("fence_nvme_pr_check [test | repair CODE]"), std::string::npos);
  for (const auto& [code, text] : CheckCommandPage().exit_status) {
    EXPECT_NE(page.find("| `" + code + "` |"), std::string::npos) << code;
  }
}

}  // namespace
}  // namespace nvmepr
