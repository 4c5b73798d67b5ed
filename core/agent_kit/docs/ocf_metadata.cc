// SPDX-License-Identifier: GPL-2.0-or-later
#include "ocf_metadata.h"

#include "xml_writer.h"

namespace nvmepr {
namespace {

// ra-api-1.dtd knows string, integer, boolean and time; a select is a string
// whose choices the long description lists.
const char* ContentType(ParamType type) {
  switch (type) {
    case ParamType::kBoolean:
      return "boolean";
    case ParamType::kInteger:
    case ParamType::kSecond:
      return "integer";
    case ParamType::kSelect:
    case ParamType::kString:
      break;
  }
  return "string";
}

std::string ParamLongdesc(const ParamSpec& param) {
  std::string text = param.longdesc.empty() ? param.shortdesc : param.longdesc;
  if (!param.choices.empty()) {
    text += " One of:";
    for (std::size_t i = 0; i < param.choices.size(); ++i) {
      text += (i ? ", " : " ") + param.choices[i];
    }
    text += ".";
  }
  return text;
}

void WriteParameter(XmlWriter& xml, const ParamSpec& param) {
  xml.Start("parameter");
  xml.Attribute("name", param.name);
  xml.Attribute("unique", param.unique ? "1" : "0");
  xml.Attribute("required", param.required ? "1" : "0");
  xml.Description("longdesc", ParamLongdesc(param));
  xml.Description("shortdesc", param.shortdesc);
  xml.Start("content");
  xml.Attribute("type", ContentType(param.type));
  if (!param.default_value.empty()) xml.Attribute("default", param.default_value);
  xml.End();
  xml.End();
}

void WriteAction(XmlWriter& xml, const ActionSpec& action) {
  xml.Start("action");
  xml.Attribute("name", action.name);
  if (action.timeout_s > 0) xml.Attribute("timeout", std::to_string(action.timeout_s) + "s");
  if (action.interval_s > 0) xml.Attribute("interval", std::to_string(action.interval_s) + "s");
  if (!action.role.empty()) xml.Attribute("role", action.role);
  if (action.depth) xml.Attribute("depth", std::to_string(*action.depth));
  xml.End();
}

}  // namespace

std::string OcfMetadata(const AgentSpec& spec) {
  XmlWriter xml;
  xml.Doctype("resource-agent", "ra-api-1.dtd");
  xml.Start("resource-agent");
  xml.Attribute("name", spec.name);
  xml.Attribute("version", spec.version);
  xml.Start("version");
  xml.Text("1.1");
  xml.End();
  xml.Description("longdesc", spec.longdesc);
  xml.Description("shortdesc", spec.shortdesc);
  xml.Start("parameters");
  for (const auto& param : spec.params) {
    if (!param.cli_only) WriteParameter(xml, param);
  }
  xml.End();
  xml.Start("actions");
  for (const auto& action : spec.actions) {
    if (action.advertised) WriteAction(xml, action);
  }
  xml.End();
  xml.End();
  return xml.Finish();
}

}  // namespace nvmepr
