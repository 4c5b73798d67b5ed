// SPDX-License-Identifier: GPL-2.0-or-later
// debug_file (docs/safety.md): absolute, append-only, close-on-exec,
// never through a symbolic link, a regular file only, never a wait, parent
// directories never created.
#include "debug_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "blocking_probe.h"
#include "fence_options.h"
#include "log.h"

namespace nvmepr {
namespace {

namespace fs = std::filesystem;

class DebugFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "debug_file_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    SetUpLogging({"debug_file_test", false, false, "", false});
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  static std::string ReadFile(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  fs::path root_;
};

TEST_F(DebugFileTest, OpensAppendOnlyCloseOnExecKeepingWhatIsThere) {
  const fs::path file = root_ / "debug.log";
  std::ofstream(file) << "earlier\n";
  auto fd = OpenDebugFile(file.string());
  ASSERT_TRUE(fd) << fd.error().message;
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFL) & O_APPEND);
  EXPECT_TRUE(::fcntl(fd->get(), F_GETFD) & FD_CLOEXEC);
  ASSERT_EQ(::write(fd->get(), "later\n", 6), 6);
  EXPECT_EQ(ReadFile(file), "earlier\nlater\n");
}

TEST_F(DebugFileTest, CreatesAMissingFile0600ButNoDirectories) {
  ASSERT_TRUE(OpenDebugFile((root_ / "new.log").string()));
  EXPECT_EQ(fs::status(root_ / "new.log").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  auto nested = OpenDebugFile((root_ / "no" / "such" / "dir.log").string());
  ASSERT_FALSE(nested);
  EXPECT_EQ(nested.error().kind, ErrorKind::kNotFound);
  EXPECT_FALSE(fs::exists(root_ / "no"));
}

TEST_F(DebugFileTest, RefusesRelativePaths) {
  for (const char* bad : {"debug.log", "./debug.log", "tmp/x"}) {
    auto fd = OpenDebugFile(bad);
    ASSERT_FALSE(fd) << bad;
    EXPECT_EQ(fd.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(fd.error().message.find("absolute"), std::string::npos);
  }
}

TEST_F(DebugFileTest, NeverFollowsASymlink) {
  const fs::path victim = root_ / "victim";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, root_ / "debug.log");
  auto fd = OpenDebugFile((root_ / "debug.log").string());
  ASSERT_FALSE(fd);
  EXPECT_EQ(fd.error().kind, ErrorKind::kRefused);
  EXPECT_NE(fd.error().message.find("symbolic link"), std::string::npos) << fd.error().message;
  EXPECT_EQ(ReadFile(victim), "precious\n");
}

TEST_F(DebugFileTest, RefusesDevicesDirectoriesAndFifosWithoutWaiting) {
  const fs::path fifo = root_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {std::string("/dev/null"), root_.string(), fifo.string()}) {
    auto fd = OpenDebugFile(path);
    ASSERT_FALSE(fd) << path;
    EXPECT_EQ(fd.error().kind, ErrorKind::kRefused) << fd.error().message;
    EXPECT_NE(fd.error().message.find("not a regular file"), std::string::npos) << fd.error().message;
  }
}

// A regular "file" on procfs or sysfs is a kernel command: /proc/self/comm
// (writable by its owner) renames the process. Refused, also through a
// symbolic link to the directory above.
TEST_F(DebugFileTest, RefusesProcfsAndSysfsAlsoThroughALinkedDirectory) {
  fs::create_directory_symlink("/proc/self", root_ / "proc-self");
  for (const std::string& path : {std::string("/proc/self/comm"), std::string("/sys/kernel/uevent_seqnum"),
                                  std::string("/proc/new.log"), (root_ / "proc-self" / "comm").string()}) {
    auto fd = OpenDebugFile(path);
    ASSERT_FALSE(fd) << path;
    EXPECT_EQ(fd.error().kind, ErrorKind::kRefused) << fd.error().message;
    EXPECT_NE(fd.error().message.find("kernel interface"), std::string::npos) << fd.error().message;
  }
  std::ifstream comm("/proc/self/comm");
  std::string name;
  std::getline(comm, name);
  EXPECT_NE(name, "") << "the process keeps its name";
}

// Through the logger as the agent sets it up: a FIFO with a reader would take
// every line (and block when full); a symlink would be followed; a missing
// directory would be created. None of that: a warning, then no debug file.
TEST_F(DebugFileTest, LoggingSkipsARefusedDebugFile) {
  const fs::path victim = root_ / "victim";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, root_ / "link.log");
  SetUpLogging({"debug_file_test", false, true, (root_ / "link.log").string(), false});
  spdlog::info("a line");
  EXPECT_EQ(ReadFile(victim), "precious\n");

  SetUpLogging({"debug_file_test", false, true, (root_ / "missing" / "d.log").string(), false});
  spdlog::info("a line");
  EXPECT_FALSE(fs::exists(root_ / "missing"));

  const fs::path fifo = root_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  auto returned = testing::ReturnsWithin<bool>(
      std::chrono::milliseconds(3000),
      [fifo] {
        SetUpLogging({"debug_file_test", false, true, fifo.string(), false});
        return true;
      },
      [fifo] {
        const int fd = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
        if (fd >= 0) ::close(fd);
      });
  EXPECT_TRUE(returned.has_value()) << "setting up the debug file waited on a FIFO";
}

TEST_F(DebugFileTest, LoggingWritesEveryLineToARegularFile) {
  const fs::path file = root_ / "debug.log";
  SetUpLogging({"debug_file_test", false, true, file.string(), false});
  spdlog::debug("a debug line");
  spdlog::default_logger()->flush();
  EXPECT_NE(ReadFile(file).find("debug: a debug line"), std::string::npos) << ReadFile(file);
}

// A relative debug_file used to fail parsing, and so every action, off
// included: a log file must never fail a fence. Now a warning at set-up.
TEST(FenceOptionsDebugFileTest, ARelativePathIsAWarningNotAFailure) {
  ParsedParams parsed;
  parsed.values = {{"action", "off"}, {"debug_file", "debug.log"}};
  auto options = ToFenceOptions(parsed);
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->debug_file, "debug.log");
  parsed.values["debug_file"] = "";
  ASSERT_TRUE(ToFenceOptions(parsed)) << "empty: no debug file";
}

TEST_F(DebugFileTest, LoggingWarnsAboutARelativePathAndCreatesNothing) {
  const fs::path here = fs::current_path();
  fs::current_path(root_);
  ::testing::internal::CaptureStderr();
  SetUpLogging({"debug_file_test", false, false, "debug.log"});
  spdlog::info("a line");
  spdlog::default_logger()->flush();
  const std::string err = ::testing::internal::GetCapturedStderr();
  fs::current_path(here);
  EXPECT_NE(err.find("debug_file 'debug.log': must be an absolute path; continuing without it"), std::string::npos)
      << err;
  EXPECT_FALSE(fs::exists(root_ / "debug.log"));
}

}  // namespace
}  // namespace nvmepr
