// SPDX-License-Identifier: GPL-2.0-or-later
// The OCF metadata: well-formed, in the order ra-api-1.dtd demands, and
// saying exactly what the table says.
#include "ocf_metadata.h"

#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/valid.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "resource_spec.h"

namespace nvmepr {
namespace {

using Doc = std::unique_ptr<xmlDoc, void (*)(xmlDocPtr)>;

Doc Parse(const std::string& xml) {
  return Doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "metadata.xml", nullptr, XML_PARSE_NONET),
             xmlFreeDoc);
}

std::string Attr(xmlNodePtr node, const char* name) {
  xmlChar* value = xmlGetProp(node, BAD_CAST name);
  std::string text = value ? reinterpret_cast<const char*>(value) : "";
  xmlFree(value);
  return text;
}

std::vector<xmlNodePtr> Children(xmlNodePtr node, const char* name = nullptr) {
  std::vector<xmlNodePtr> children;
  for (xmlNodePtr c = node->children; c != nullptr; c = c->next) {
    if (c->type == XML_ELEMENT_NODE && (name == nullptr || xmlStrcmp(c->name, BAD_CAST name) == 0)) {
      children.push_back(c);
    }
  }
  return children;
}

TEST(OcfMetadataTest, StartsWithTheDoctypeOcfTesterWants) {
  const std::string xml = OcfMetadata(ResourceAgentSpec());
  // No encoding declaration: crmsh 4.4 cannot parse metadata that has one.
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\"?>\n<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
                      "<resource-agent name=\"nvme_persist\"",
                      0),
            0u)
      << xml.substr(0, 200);
}

TEST(OcfMetadataTest, ElementsInDtdOrderAndEveryParameterOfTheTable) {
  const AgentSpec& spec = ResourceAgentSpec();
  Doc doc = Parse(OcfMetadata(spec));
  ASSERT_NE(doc, nullptr);
  xmlNodePtr root = xmlDocGetRootElement(doc.get());
  std::vector<std::string> order;
  for (xmlNodePtr c : Children(root)) order.push_back(reinterpret_cast<const char*>(c->name));
  EXPECT_EQ(order, (std::vector<std::string>{"version", "longdesc", "shortdesc", "parameters", "actions"}));
  xmlChar* version = xmlNodeGetContent(Children(root, "version")[0]);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(version)), "1.1");
  xmlFree(version);

  auto params = Children(Children(root, "parameters")[0], "parameter");
  ASSERT_EQ(params.size(), spec.params.size());
  for (std::size_t i = 0; i < params.size(); ++i) {
    const ParamSpec& want = spec.params[i];
    EXPECT_EQ(Attr(params[i], "name"), want.name);
    EXPECT_EQ(Attr(params[i], "required"), want.required ? "1" : "0");
    std::vector<std::string> parts;
    for (xmlNodePtr c : Children(params[i])) parts.push_back(reinterpret_cast<const char*>(c->name));
    EXPECT_EQ(parts, (std::vector<std::string>{"longdesc", "shortdesc", "content"})) << want.name;
    xmlNodePtr content = Children(params[i], "content")[0];
    EXPECT_EQ(Attr(content, "default"), want.default_value) << want.name;
    const std::string type = Attr(content, "type");
    EXPECT_TRUE(type == "string" || type == "integer" || type == "boolean") << want.name << ": " << type;
    for (const auto& choice : want.choices) {
      xmlChar* text = xmlNodeGetContent(Children(params[i], "longdesc")[0]);
      EXPECT_NE(std::string(reinterpret_cast<const char*>(text)).find(choice), std::string::npos) << choice;
      xmlFree(text);
    }
  }
  EXPECT_EQ(Attr(params[0], "name"), "devices");
  EXPECT_EQ(Attr(params[0], "required"), "1");
}

TEST(OcfMetadataTest, ActionsHaveTimeoutsAndRoleMonitorsDistinctIntervals) {
  Doc doc = Parse(OcfMetadata(ResourceAgentSpec()));
  auto actions = Children(Children(xmlDocGetRootElement(doc.get()), "actions")[0], "action");
  std::set<std::string> names, monitor_intervals;
  std::map<std::string, std::string> role_interval;
  for (xmlNodePtr a : actions) {
    names.insert(Attr(a, "name"));
    EXPECT_FALSE(Attr(a, "timeout").empty()) << Attr(a, "name");
    if (Attr(a, "name") == "monitor") {
      EXPECT_TRUE(monitor_intervals.insert(Attr(a, "interval")).second) << "duplicate monitor interval";
      role_interval[Attr(a, "role")] = Attr(a, "interval");
    }
  }
  for (const char* required : {"start", "stop", "monitor", "promote", "demote", "validate-all", "meta-data"}) {
    EXPECT_TRUE(names.count(required)) << required;
  }
  EXPECT_TRUE(role_interval.count("Promoted") && role_interval.count("Unpromoted") && role_interval.count(""));
}

TEST(OcfMetadataTest, ValidAgainstTheResourceAgentsDtd) {
  const char* dtd_path = "/usr/share/resource-agents/ra-api-1.dtd";
  if (!std::filesystem::exists(dtd_path)) GTEST_SKIP() << dtd_path << " missing (package resource-agents)";
  Doc doc = Parse(OcfMetadata(ResourceAgentSpec()));
  std::unique_ptr<xmlDtd, void (*)(xmlDtdPtr)> dtd(xmlParseDTD(nullptr, BAD_CAST dtd_path), xmlFreeDtd);
  ASSERT_NE(dtd, nullptr);
  std::unique_ptr<xmlValidCtxt, void (*)(xmlValidCtxtPtr)> ctxt(xmlNewValidCtxt(), xmlFreeValidCtxt);
  EXPECT_EQ(xmlValidateDtd(ctxt.get(), doc.get(), dtd.get()), 1);
}

}  // namespace
}  // namespace nvmepr
