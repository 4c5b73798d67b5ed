#include "log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <sstream>

namespace nvmepr {
namespace {

TEST(CleanLinesTest, EverySinkWritesCleanedBoundedLines) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  sink->set_level(spdlog::level::info);
  auto sinks = CleanLines({sink});
  ASSERT_EQ(sinks.size(), 1u);
  EXPECT_EQ(sinks[0]->level(), spdlog::level::info) << "the level is kept";
  spdlog::logger logger("test", sinks.begin(), sinks.end());
  logger.set_pattern("%l: %v");
  logger.warn("ignoring unknown parameter '{}'", "x\nerror: off: node2 fenced\x1b[0m");
  logger.error("{}", std::string(100000, 'z'));
  const std::string text = out.str();
  EXPECT_EQ(text.find("x\\x0aerror: off: node2 fenced\\x1b[0m'\n"), text.find("x\\x0a")) << text.substr(0, 200);
  EXPECT_NE(text.find("warning: ignoring unknown parameter 'x\\x0aerror"), std::string::npos) << text.substr(0, 200);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2) << "two messages, two lines";
  EXPECT_LT(text.size(), 9000u);
}

}  // namespace
}  // namespace nvmepr
