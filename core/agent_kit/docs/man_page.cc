// SPDX-License-Identifier: GPL-2.0-or-later
#include "man_page.h"

#include <sstream>

#include "paragraphs.h"
#include "roff.h"

namespace nvmepr {
namespace {

void Header(std::ostringstream& out, const std::string& name, int section, const std::string& version,
            const std::string& shortdesc) {
  const char* manual = section == 8 ? "System Administration" : "Miscellaneous Information";
  out << ".TH " << name << " " << section << " \"\" \"" << name << " " << version << "\" \"" << manual << "\"\n"
      << ".SH NAME\n"
      << RoffEscape(name) << " \\- " << RoffEscape(shortdesc) << "\n";
}

void Paragraphs(std::ostringstream& out, const std::string& text) {
  const std::vector<std::string> paragraphs = SplitParagraphs(text);
  for (std::size_t i = 0; i < paragraphs.size(); ++i) {
    if (i) out << ".PP\n";
    out << RoffEscape(paragraphs[i]) << "\n";
  }
}

void Entries(std::ostringstream& out, const char* heading, const std::vector<ManEntry>& entries) {
  if (entries.empty()) return;
  out << ".SH " << heading << "\n";
  for (const auto& [term, text] : entries) {
    out << ".TP\n.B " << RoffEscape(term) << "\n" << RoffEscape(text) << "\n";
  }
}

void SeeAlso(std::ostringstream& out, const std::string& see_also) {
  if (!see_also.empty()) out << ".SH SEE ALSO\n" << RoffEscape(see_also) << "\n";
}

}  // namespace

std::string ManParamEntry(const std::string& term, const std::string& roff_text, const ParamSpec& param) {
  std::string entry = ".TP\n.B " + RoffEscape(term) + "\n" + roff_text;
  if (!param.default_value.empty()) entry += " Default: " + RoffEscape(param.default_value) + ".";
  if (!param.choices.empty()) {
    entry += " One of:";
    // Two appends: `" " + RoffEscape(...)` makes GCC 12 at -O3 report a false
    // -Wrestrict (as in registration.cc).
    for (const auto& choice : param.choices) {
      entry += ' ';
      entry += RoffEscape(choice);
    }
    entry += ".";
  }
  return entry + "\n";
}

std::string CommandManPage(const CommandPage& page) {
  std::ostringstream out;
  Header(out, page.name, page.section, page.version, page.shortdesc);
  out << ".SH SYNOPSIS\n";
  for (std::size_t i = 0; i < page.synopsis.size(); ++i) {
    if (i) out << ".br\n";
    out << ".B " << RoffEscape(page.name) << "\n" << RoffEscape(page.synopsis[i]) << "\n";
  }
  out << ".SH DESCRIPTION\n";
  Paragraphs(out, page.description);
  Entries(out, "OPTIONS", page.options);
  Entries(out, "EXIT STATUS", page.exit_status);
  Entries(out, "FILES", page.files);
  SeeAlso(out, page.see_also);
  return out.str();
}

std::string OcfManPage(const AgentSpec& spec, const std::vector<ManEntry>& exit_status, const std::string& see_also) {
  std::ostringstream out;
  Header(out, spec.name, 7, spec.version, spec.shortdesc);
  out << ".SH SYNOPSIS\n.B " << RoffEscape(spec.name) << "\n\\fIaction\\fR\n"
      << ".PP\nRun by Pacemaker as the resource \\fBocf:nvmepr:" << RoffEscape(spec.name)
      << "\\fR; parameters come from \\fBOCF_RESKEY_\\fR\\fIname\\fR environment variables.\n"
      << ".SH DESCRIPTION\n";
  Paragraphs(out, spec.longdesc);
  out << ".SH PARAMETERS\n";
  for (const auto& param : spec.params) {
    if (param.cli_only) continue;
    std::string text = RoffEscape(param.longdesc.empty() ? param.shortdesc : param.longdesc);
    if (param.required) text += " Required.";
    out << ManParamEntry(param.name, text, param);
  }
  out << ".SH ACTIONS\n";
  // The rows the metadata lists, with what the metadata says of them.
  for (const auto& action : spec.actions) {
    if (!action.advertised) continue;
    std::string text =
        action.timeout_s > 0 ? "default timeout " + std::to_string(action.timeout_s) + " s" : "no default timeout";
    if (action.interval_s > 0) text += ", interval " + std::to_string(action.interval_s) + " s";
    if (!action.role.empty()) text += ", role " + action.role;
    out << ".TP\n.B " << RoffEscape(action.name) << "\n" << RoffEscape(text) << "\n";
  }
  Entries(out, "EXIT STATUS", exit_status);
  SeeAlso(out, see_also);
  return out.str();
}

}  // namespace nvmepr
