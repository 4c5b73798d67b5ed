// SPDX-License-Identifier: GPL-2.0-or-later
#include "metadata_writer.h"

#include <algorithm>
#include <sstream>

#include "man_page.h"
#include "roff.h"
#include "xml_writer.h"

namespace nvmepr {
namespace {

// One case a line, as a table.
// clang-format off
const char* ContentType(ParamType type) {
  switch (type) {
    case ParamType::kBoolean: return "boolean";
    case ParamType::kInteger: return "integer";
    case ParamType::kSecond: return "second";
    case ParamType::kSelect: return "select";
    case ParamType::kString: break;
  }
  return "string";
}
// clang-format on

}  // namespace

std::string GetoptText(const ParamSpec& param) {
  std::string cli = param.name;
  std::replace(cli.begin(), cli.end(), '_', '-');
  std::string text = param.short_flag ? std::string("-") + param.short_flag + ", --" + cli : "--" + cli;
  if (param.type != ParamType::kBoolean) {
    text += "=" + (param.value_name.empty() ? "[value]" : param.value_name);
  }
  return text;
}

std::string FenceAgentMetadata(const AgentSpec& spec) {
  XmlWriter xml;
  xml.Start("resource-agent");
  xml.Attribute("name", spec.name);
  xml.Attribute("shortdesc", spec.shortdesc);
  xml.Start("longdesc");
  xml.Text(spec.longdesc);
  xml.End();
  xml.Start("vendor-url");
  xml.Text(spec.vendor_url);
  xml.End();
  xml.Start("parameters");
  for (const auto& param : spec.params) {
    if (param.cli_only) continue;
    xml.Start("parameter");
    xml.Attribute("name", param.name);
    xml.Attribute("unique", "0");
    xml.Attribute("required", param.required ? "1" : "0");
    if (!param.alias_of.empty()) xml.Attribute("deprecated", "1");
    for (const auto& other : spec.params) {
      if (other.alias_of == param.name) xml.Attribute("obsoletes", other.name);
    }
    xml.Start("getopt");
    xml.Attribute("mixed", GetoptText(param));
    xml.End();
    xml.Start("content");
    xml.Attribute("type", ContentType(param.type));
    if (!param.default_value.empty()) xml.Attribute("default", param.default_value);
    for (const auto& choice : param.choices) {
      xml.Start("option");
      xml.Attribute("value", choice);
      xml.End();
    }
    xml.End();
    xml.Description("shortdesc", param.shortdesc);
    xml.End();
  }
  xml.End();
  xml.Start("actions");
  for (const auto& action : spec.actions) {
    if (!action.advertised) continue;
    xml.Start("action");
    xml.Attribute("name", action.name);
    if (action.on_target) xml.Attribute("on_target", "1");
    if (action.automatic) xml.Attribute("automatic", "1");
    xml.End();
  }
  xml.End();
  xml.End();
  return xml.Finish();
}

std::string ManPage(const AgentSpec& spec, const std::string& exit_status_text) {
  std::ostringstream out;
  out << ".TH " << spec.name << " 8 \"\" \"" << spec.name << " " << spec.version << "\" \"System Administration\"\n"
      << ".SH NAME\n"
      << RoffEscape(spec.name) << " \\- " << RoffEscape(spec.shortdesc) << "\n"
      << ".SH SYNOPSIS\n.B " << RoffEscape(spec.name) << "\n[\\fIOPTIONS\\fR]\n.br\n.B " << RoffEscape(spec.name)
      << "\n< \\fIname=value lines on standard input\\fR\n"
      << ".SH DESCRIPTION\n"
      << RoffEscape(spec.longdesc) << "\n"
      << ".SH PARAMETERS\n";
  for (const auto& param : spec.params) {
    std::string text = RoffEscape(param.shortdesc);
    if (!param.alias_of.empty()) text += " Deprecated name of " + RoffEscape(param.alias_of) + ".";
    if (!param.cli_only) text += " (stdin: \\fB" + RoffEscape(param.name) + "\\fR)";
    out << ManParamEntry(GetoptText(param), text, param);
  }
  out << ".SH ACTIONS\n";
  for (const auto& action : spec.actions) {
    out << ".TP\n.B " << RoffEscape(action.name) << "\n" << RoffEscape(action.description) << "\n";
  }
  out << ".SH EXIT STATUS\n" << RoffEscape(exit_status_text) << "\n";
  return out.str();
}

}  // namespace nvmepr
