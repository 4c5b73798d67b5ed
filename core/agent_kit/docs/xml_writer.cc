// SPDX-License-Identifier: GPL-2.0-or-later
#include "xml_writer.h"

namespace nvmepr {

XmlWriter::XmlWriter() : buffer_(xmlBufferCreate(), xmlBufferFree) {
  writer_ = xmlNewTextWriterMemory(buffer_.get(), 0);
  xmlTextWriterSetIndent(writer_, 1);
  xmlTextWriterSetIndentString(writer_, BAD_CAST "  ");
  // No encoding declaration (UTF-8 is XML's default anyway): crmsh 4.4
  // (Debian 12) parses agent metadata from a Python str with lxml, which
  // refuses any string that declares an encoding ("Cannot parse meta-data
  // XML"), so `crm configure primitive ... ocf:nvmepr:nvme_persist` failed.
  xmlTextWriterStartDocument(writer_, "1.0", nullptr, nullptr);
}

XmlWriter::~XmlWriter() {
  if (writer_) xmlFreeTextWriter(writer_);
}

void XmlWriter::Doctype(const char* root, const char* system_id) {
  xmlTextWriterSetIndent(writer_, 0);
  xmlTextWriterStartDTD(writer_, BAD_CAST root, nullptr, BAD_CAST system_id);
  xmlTextWriterEndDTD(writer_);
  xmlTextWriterWriteRaw(writer_, BAD_CAST "\n");
  xmlTextWriterSetIndent(writer_, 1);
}

void XmlWriter::Start(const char* element) { xmlTextWriterStartElement(writer_, BAD_CAST element); }

void XmlWriter::End() { xmlTextWriterEndElement(writer_); }

void XmlWriter::Attribute(const char* name, const std::string& value) {
  xmlTextWriterWriteAttribute(writer_, BAD_CAST name, BAD_CAST value.c_str());
}

void XmlWriter::Text(const std::string& text) { xmlTextWriterWriteString(writer_, BAD_CAST text.c_str()); }

void XmlWriter::Description(const char* element, const std::string& text) {
  Start(element);
  Attribute("lang", "en");
  Text(text);
  End();
}

std::string XmlWriter::Finish() {
  xmlTextWriterEndDocument(writer_);
  xmlFreeTextWriter(writer_);
  writer_ = nullptr;
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_.get())));
}

}  // namespace nvmepr
