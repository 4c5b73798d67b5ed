// SPDX-License-Identifier: GPL-2.0-or-later
#include "metadata_writer.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "agent_spec.h"
#include "param_parser.h"

namespace nvmepr {
namespace {

using Document = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

std::string Name(const xmlNode* node) { return reinterpret_cast<const char*>(node->name); }

std::optional<std::string> Attr(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, BAD_CAST name);
  if (value == nullptr) return std::nullopt;
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

std::vector<const xmlNode*> Children(const xmlNode* node, const std::string& name = "") {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && (name.empty() || Name(c) == name)) out.push_back(c);
  }
  return out;
}

class MetadataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    xml_ = FenceAgentMetadata(FenceAgentSpec());
    doc_.reset(xmlReadMemory(xml_.data(), static_cast<int>(xml_.size()), "metadata.xml", nullptr,
                             XML_PARSE_NONET | XML_PARSE_NOBLANKS));
    ASSERT_NE(doc_, nullptr) << xml_;
    root_ = xmlDocGetRootElement(doc_.get());
    ASSERT_NE(root_, nullptr);
    ASSERT_EQ(Children(root_, "parameters").size(), 1u);
    ASSERT_EQ(Children(root_, "actions").size(), 1u);
    for (const xmlNode* p : Children(Children(root_, "parameters")[0], "parameter")) {
      const std::string name = Attr(p, "name").value_or("");
      EXPECT_TRUE(params_.emplace(name, p).second) << "duplicate parameter " << name;
    }
    for (const xmlNode* a : Children(Children(root_, "actions")[0], "action")) {
      const std::string name = Attr(a, "name").value_or("");
      EXPECT_TRUE(actions_.emplace(name, a).second) << "duplicate action " << name;
    }
  }

  std::string xml_;
  Document doc_{nullptr, xmlFreeDoc};
  const xmlNode* root_ = nullptr;
  std::map<std::string, const xmlNode*> params_;
  std::map<std::string, const xmlNode*> actions_;
};

TEST_F(MetadataTest, RootNamesTheAgentWithShortdesc) {
  EXPECT_EQ(Name(root_), "resource-agent");
  EXPECT_EQ(Attr(root_, "name"), "fence_nvme_pr");
  EXPECT_EQ(Attr(root_, "shortdesc"), FenceAgentSpec().shortdesc);
  // No encoding declaration: crmsh 4.4 cannot parse metadata that has one.
  EXPECT_EQ(xml_.rfind("<?xml version=\"1.0\"?>\n", 0), 0u);
}

TEST_F(MetadataTest, ChildrenComeInFenceAgentsOrder) {
  std::vector<std::string> names;
  for (const xmlNode* c : Children(root_)) names.push_back(Name(c));
  EXPECT_EQ(names, (std::vector<std::string>{"longdesc", "vendor-url", "parameters", "actions"}));
  const xmlNode* longdesc = Children(root_, "longdesc")[0];
  xmlChar* text = xmlNodeGetContent(longdesc);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(text)), FenceAgentSpec().longdesc);
  xmlFree(text);
}

TEST_F(MetadataTest, EveryStdinParameterAppearsOnceWithItsAttributes) {
  std::size_t expected = 0;
  for (const ParamSpec& spec : FenceAgentSpec().params) {
    if (spec.cli_only) {
      EXPECT_EQ(params_.count(spec.name), 0u) << spec.name;
      continue;
    }
    ++expected;
    ASSERT_EQ(params_.count(spec.name), 1u) << spec.name;
    const xmlNode* p = params_.at(spec.name);
    EXPECT_EQ(Attr(p, "unique"), "0") << spec.name;
    EXPECT_EQ(Attr(p, "required"), spec.required ? "1" : "0") << spec.name;
    ASSERT_EQ(Children(p, "getopt").size(), 1u) << spec.name;
    EXPECT_TRUE(Attr(Children(p, "getopt")[0], "mixed")) << spec.name;
    ASSERT_EQ(Children(p, "content").size(), 1u) << spec.name;
    const xmlNode* content = Children(p, "content")[0];
    const std::map<ParamType, std::string> types = {{ParamType::kString, "string"},
                                                    {ParamType::kBoolean, "boolean"},
                                                    {ParamType::kInteger, "integer"},
                                                    {ParamType::kSecond, "second"},
                                                    {ParamType::kSelect, "select"}};
    EXPECT_EQ(Attr(content, "type"), types.at(spec.type)) << spec.name;
    EXPECT_EQ(Attr(content, "default"), spec.default_value.empty() ? std::nullopt : std::optional(spec.default_value))
        << spec.name;
    ASSERT_EQ(Children(p, "shortdesc").size(), 1u) << spec.name;
    EXPECT_EQ(Attr(Children(p, "shortdesc")[0], "lang"), "en");
  }
  EXPECT_EQ(params_.size(), expected);
}

TEST_F(MetadataTest, GetoptShowsShortFlagAndValueName) {
  EXPECT_EQ(Attr(Children(params_.at("devices"), "getopt")[0], "mixed"), "-d, --devices=[devices]");
  EXPECT_EQ(Attr(Children(params_.at("verbose"), "getopt")[0], "mixed"), "-v, --verbose");
  EXPECT_EQ(Attr(Children(params_.at("power_timeout"), "getopt")[0], "mixed"), "--power-timeout=[seconds]");
}

TEST_F(MetadataTest, PlugObsoletesDeprecatedPort) {
  EXPECT_EQ(Attr(params_.at("plug"), "obsoletes"), "port");
  EXPECT_EQ(Attr(params_.at("plug"), "deprecated"), std::nullopt);
  EXPECT_EQ(Attr(params_.at("port"), "deprecated"), "1");
  EXPECT_EQ(Attr(params_.at("port"), "obsoletes"), std::nullopt);
}

TEST_F(MetadataTest, SelectParametersListTheirOptions) {
  for (const ParamSpec& spec : FenceAgentSpec().params) {
    if (spec.type != ParamType::kSelect) continue;
    std::vector<std::string> options;
    for (const xmlNode* o : Children(Children(params_.at(spec.name), "content")[0], "option")) {
      options.push_back(Attr(o, "value").value_or(""));
    }
    EXPECT_FALSE(options.empty()) << spec.name;
    EXPECT_EQ(options, spec.choices) << spec.name;
    EXPECT_NE(std::find(options.begin(), options.end(), spec.default_value), options.end()) << spec.name;
  }
  EXPECT_EQ(Children(Children(params_.at("devices"), "content")[0], "option").size(), 0u);
}

TEST_F(MetadataTest, OnIsAnAutomaticOnTargetAction) {
  ASSERT_EQ(actions_.count("on"), 1u);
  EXPECT_EQ(Attr(actions_.at("on"), "on_target"), "1");
  EXPECT_EQ(Attr(actions_.at("on"), "automatic"), "1");
  EXPECT_EQ(Attr(actions_.at("off"), "on_target"), std::nullopt);
  EXPECT_EQ(Attr(actions_.at("off"), "automatic"), std::nullopt);
}

TEST_F(MetadataTest, AdvertisesEveryActionButRebootAndManpage) {
  std::set<std::string> names;
  for (const auto& [name, node] : actions_) names.insert(name);
  EXPECT_EQ(names, (std::set<std::string>{"on", "off", "status", "list", "list-status", "monitor", "metadata",
                                          "validate-all"}));
}

TEST_F(MetadataTest, ParameterSetEqualsWhatTheStdinParserAccepts) {
  std::set<std::string> advertised;
  for (const auto& [name, node] : params_) advertised.insert(name);
  std::set<std::string> accepted;
  for (const ParamSpec& spec : FenceAgentSpec().params) {
    std::istringstream in(spec.name + "=1\n");
    auto parsed = ParseStdin(in, FenceAgentSpec());
    ASSERT_TRUE(parsed);
    if (parsed->warnings.empty()) accepted.insert(spec.name);
  }
  EXPECT_EQ(advertised, accepted);
}

TEST(MetadataWriterTest, EscapesMarkupInTheTable) {
  AgentSpec spec;
  spec.name = "a<b";
  spec.shortdesc = "\"quoted\" & <tagged>";
  spec.longdesc = "</longdesc><evil/>";
  spec.params = {Param("x", 0, ParamType::kString, "<d>", "", "s&t")};
  const std::string xml = FenceAgentMetadata(spec);
  Document doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "x.xml", nullptr, XML_PARSE_NONET), xmlFreeDoc);
  ASSERT_NE(doc, nullptr) << xml;
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  EXPECT_EQ(Attr(root, "name"), "a<b");
  EXPECT_EQ(Attr(root, "shortdesc"), spec.shortdesc);
  EXPECT_EQ(Children(root, "evil").size(), 0u);
}

TEST(ManPageTest, NamesEveryParameterAndAction) {
  const AgentSpec& spec = FenceAgentSpec();
  const std::string page = ManPage(spec, kFenceExitStatusText);
  auto roff = [](std::string text) {
    std::string out;
    for (char c : text) out += c == '-' ? std::string("\\-") : std::string(1, c);
    return out;
  };
  EXPECT_EQ(page.rfind(".TH fence_nvme_pr 8", 0), 0u);
  for (const char* section :
       {".SH NAME", ".SH SYNOPSIS", ".SH DESCRIPTION", ".SH PARAMETERS", ".SH ACTIONS", ".SH EXIT STATUS"}) {
    EXPECT_NE(page.find(section), std::string::npos) << section;
  }
  for (const ParamSpec& param : spec.params) {
    std::string cli = param.name;
    std::replace(cli.begin(), cli.end(), '_', '-');
    EXPECT_NE(page.find(roff("--" + cli)), std::string::npos) << param.name;
    if (!param.cli_only) {
      EXPECT_NE(page.find("(stdin: \\fB" + roff(param.name) + "\\fR)"), std::string::npos) << param.name;
    }
  }
  for (const ActionSpec& action : spec.actions) {
    EXPECT_NE(page.find(".TP\n.B " + roff(action.name) + "\n"), std::string::npos) << action.name;
  }
}

}  // namespace
}  // namespace nvmepr
