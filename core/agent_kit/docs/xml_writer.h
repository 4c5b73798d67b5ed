// SPDX-License-Identifier: GPL-2.0-or-later
// Thin RAII over libxml2's xmlTextWriter writing an indented document into
// memory; what both agents' metadata writers build on.
#pragma once

#include <libxml/xmlwriter.h>

#include <memory>
#include <string>

namespace nvmepr {

class XmlWriter {
 public:
  XmlWriter();
  ~XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  /// <!DOCTYPE root SYSTEM "system_id"> on one line, as ocf-tester and the
  /// resource-agents tools write it (indenting would break it in two).
  void Doctype(const char* root, const char* system_id);
  void Start(const char* element);
  void End();
  void Attribute(const char* name, const std::string& value);
  void Text(const std::string& text);
  /// <element lang="en">text</element>
  void Description(const char* element, const std::string& text);
  /// Ends the document and returns it.
  std::string Finish();

 private:
  std::unique_ptr<xmlBuffer, void (*)(xmlBufferPtr)> buffer_;
  xmlTextWriterPtr writer_ = nullptr;
};

}  // namespace nvmepr
