#include "metadata_writer.h"

#include <libxml/xmlwriter.h>

#include <algorithm>
#include <memory>
#include <sstream>

namespace nvmepr {
namespace {

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

std::string GetoptText(const ParamSpec& param) {
  std::string cli = param.name;
  std::replace(cli.begin(), cli.end(), '_', '-');
  std::string text = param.short_flag ? std::string("-") + param.short_flag + ", --" + cli : "--" + cli;
  if (param.type != ParamType::kBoolean) {
    text += "=" + (param.value_name.empty() ? "[value]" : param.value_name);
  }
  return text;
}

// Thin RAII over xmlTextWriter writing into a memory buffer.
class XmlWriter {
 public:
  XmlWriter() : buffer_(xmlBufferCreate(), xmlBufferFree) {
    writer_ = xmlNewTextWriterMemory(buffer_.get(), 0);
    xmlTextWriterSetIndent(writer_, 1);
    xmlTextWriterSetIndentString(writer_, BAD_CAST "  ");
    xmlTextWriterStartDocument(writer_, "1.0", "UTF-8", nullptr);
  }
  ~XmlWriter() {
    if (writer_) xmlFreeTextWriter(writer_);
  }
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  void Start(const char* element) { xmlTextWriterStartElement(writer_, BAD_CAST element); }
  void End() { xmlTextWriterEndElement(writer_); }
  void Attribute(const char* name, const std::string& value) {
    xmlTextWriterWriteAttribute(writer_, BAD_CAST name, BAD_CAST value.c_str());
  }
  void Text(const std::string& text) { xmlTextWriterWriteString(writer_, BAD_CAST text.c_str()); }
  std::string Finish() {
    xmlTextWriterEndDocument(writer_);
    xmlFreeTextWriter(writer_);
    writer_ = nullptr;
    return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())));
  }

 private:
  std::unique_ptr<xmlBuffer, void (*)(xmlBufferPtr)> buffer_;
  xmlTextWriterPtr writer_ = nullptr;
};

std::string RoffEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\') out += "\\\\";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

}  // namespace

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
    xml.Start("shortdesc");
    xml.Attribute("lang", "en");
    xml.Text(param.shortdesc);
    xml.End();
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
  out << ".TH " << spec.name << " 8 \"\" \"" << spec.name << " " << spec.version
      << "\" \"System Administration\"\n"
      << ".SH NAME\n" << RoffEscape(spec.name) << " \\- " << RoffEscape(spec.shortdesc) << "\n"
      << ".SH SYNOPSIS\n.B " << RoffEscape(spec.name) << "\n[\\fIOPTIONS\\fR]\n.br\n.B " << RoffEscape(spec.name)
      << "\n< \\fIname=value lines on standard input\\fR\n"
      << ".SH DESCRIPTION\n" << RoffEscape(spec.longdesc) << "\n"
      << ".SH PARAMETERS\n";
  for (const auto& param : spec.params) {
    out << ".TP\n.B " << RoffEscape(GetoptText(param)) << "\n" << RoffEscape(param.shortdesc);
    if (!param.alias_of.empty()) out << " Deprecated name of " << RoffEscape(param.alias_of) << ".";
    if (!param.cli_only) out << " (stdin: \\fB" << RoffEscape(param.name) << "\\fR)";
    if (!param.default_value.empty()) out << " Default: " << RoffEscape(param.default_value) << ".";
    if (!param.choices.empty()) {
      out << " One of:";
      for (const auto& c : param.choices) out << " " << RoffEscape(c);
      out << ".";
    }
    out << "\n";
  }
  out << ".SH ACTIONS\n";
  for (const auto& action : spec.actions) {
    out << ".TP\n.B " << RoffEscape(action.name) << "\n" << RoffEscape(action.description) << "\n";
  }
  out << ".SH EXIT STATUS\n" << RoffEscape(exit_status_text) << "\n";
  return out.str();
}

}  // namespace nvmepr
