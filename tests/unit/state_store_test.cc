// SPDX-License-Identifier: GPL-2.0-or-later
#include "state_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "blocking_probe.h"

namespace nvmepr {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "state_store_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void WriteState(const std::string& text) { std::ofstream(root_ / "state") << text; }

  fs::path root_;
};

TEST_F(StateStoreTest, SaveThenLoadRoundTrips) {
  StateStore store(root_.string());
  const SavedState saved{0x6c9d2a1b00000003ULL,
                         {"/dev/nvme0n1", "d-2ze0abc", "/dev/disk/by-id/nvme-eui.0123456789abcdef"}};
  ASSERT_TRUE(store.Save(saved));
  auto loaded = store.Load();
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->key, saved.key);
  EXPECT_EQ((*loaded)->devices, saved.devices);
  EXPECT_FALSE(fs::exists(root_ / "state.tmp"));
}

TEST_F(StateStoreTest, SaveCreatesTheDirectoryAndReplacesEarlierState) {
  StateStore store((root_ / "sub").string());
  ASSERT_TRUE(store.Save({1, {"/dev/a", "/dev/b"}}));
  ASSERT_TRUE(store.Save({2, {}}));
  EXPECT_EQ(fs::status(root_ / "sub").permissions() & fs::perms::all, fs::perms::owner_all);
  auto loaded = store.Load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->key, 2u);
  EXPECT_TRUE((*loaded)->devices.empty());
}

TEST_F(StateStoreTest, LoadOfMissingStateIsNullopt) {
  auto loaded = StateStore(root_.string()).Load();
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_FALSE(loaded->has_value());
  auto no_directory = StateStore((root_ / "never-created").string()).Load();
  ASSERT_TRUE(no_directory);
  EXPECT_FALSE(no_directory->has_value());
}

TEST_F(StateStoreTest, CorruptStateIsAnErrorNamingTheFile) {
  for (const char* text : {"", "garbage\n", "key=zz\ndevices=/dev/a\n", "key=0\n", "key=\n", "devices=/dev/a\n",
                           "key=0x10000000000000000\n"}) {
    WriteState(text);
    auto loaded = StateStore(root_.string()).Load();
    ASSERT_FALSE(loaded) << "'" << text << "'";
    EXPECT_EQ(loaded.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(loaded.error().message.find((root_ / "state").string()), std::string::npos);
  }
}

TEST_F(StateStoreTest, SaveFailsWhenTheDirectoryCannotBeMade) {
  std::ofstream(root_ / "file") << "x";
  auto saved = StateStore((root_ / "file" / "sub").string()).Save({1, {}});
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().kind, ErrorKind::kIo);
  EXPECT_NE(saved.error().message.find("store_path"), std::string::npos);
}

// Whoever owns a directory above the store can swap the store for their own
// between two runs: every parent must be root's (or the running user's).
TEST_F(StateStoreTest, RefusesAStoreUnderADirectoryAnotherUserOwns) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give a directory away";
  const fs::path theirs = root_ / "theirs";
  fs::create_directories(theirs / "deeper");
  ASSERT_EQ(::chown(theirs.c_str(), 4242, 4242), 0);
  for (const fs::path& store : {theirs / "store", theirs / "deeper" / "store"}) {
    auto saved = StateStore(store.string()).Save({0x1, {"/dev/a"}});
    auto loaded = StateStore(store.string()).Load();
    ASSERT_FALSE(saved) << store;
    ASSERT_FALSE(loaded) << store;
    for (const Error& error : {saved.error(), loaded.error()}) {
      EXPECT_EQ(error.kind, ErrorKind::kRefused);
      EXPECT_NE(error.message.find("the directory " + theirs.string() + " above it is owned by uid 4242"),
                std::string::npos)
          << error.message;
    }
  }
  EXPECT_FALSE(fs::exists(theirs / "store")) << "nothing made under it";
  // The same through a symbolic link to it.
  fs::create_directory_symlink(theirs, root_ / "link");
  auto linked = StateStore((root_ / "link" / "store").string()).Save({0x1, {"/dev/a"}});
  ASSERT_FALSE(linked);
  EXPECT_NE(linked.error().message.find("owned by uid 4242"), std::string::npos) << linked.error().message;
  // Root's own directories are fine.
  ASSERT_EQ(::chown(theirs.c_str(), 0, 0), 0);
  EXPECT_TRUE(StateStore((theirs / "store").string()).Save({0x1, {"/dev/a"}}));
}

TEST_F(StateStoreTest, LockIsTakenAndCanBeTakenAgainAfterRelease) {
  StateStore store(root_.string());
  {
    auto lock = store.Lock(Deadline::After(milliseconds(1000)));
    ASSERT_TRUE(lock) << lock.error().message;
    EXPECT_TRUE(lock->valid());
  }
  auto again = store.Lock(Deadline::After(milliseconds(1000)));
  ASSERT_TRUE(again) << again.error().message;
}

TEST_F(StateStoreTest, SecondLockWaitsUntilTheFirstIsClosed) {
  StateStore store(root_.string());
  auto first = store.Lock(Deadline::After(milliseconds(1000)));
  ASSERT_TRUE(first);
  std::atomic<bool> released{false};
  auto second = std::async(std::launch::async, [&] {
    auto lock = store.Lock(Deadline::After(milliseconds(10000)));
    return std::make_pair(static_cast<bool>(lock), released.load());
  });
  EXPECT_EQ(second.wait_for(milliseconds(200)), std::future_status::timeout);
  released = true;
  { FileDescriptor closing = std::move(*first); }
  const auto [locked, after_release] = second.get();
  EXPECT_TRUE(locked);
  EXPECT_TRUE(after_release);
}

TEST_F(StateStoreTest, SecondLockTimesOutAtAShortDeadline) {
  StateStore store(root_.string());
  auto first = store.Lock(Deadline::After(milliseconds(1000)));
  ASSERT_TRUE(first);
  const auto start = Clock::now();
  auto second = std::async(std::launch::async, [&] { return store.Lock(Deadline::After(milliseconds(100))); });
  auto result = second.get();
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, ErrorKind::kTimeout);
  EXPECT_NE(result.error().message.find((root_ / "lock").string()), std::string::npos);
  EXPECT_GE(elapsed, milliseconds(100));
  EXPECT_LT(elapsed, milliseconds(5000));
}

TEST_F(StateStoreTest, ExpiredDeadlineStillTakesAFreeLock) {
  auto lock = StateStore(root_.string()).Lock(Deadline::After(milliseconds(-1)));
  EXPECT_TRUE(lock);
}

// Files under store_path (docs/safety.md): never through a symbolic
// link, regular files only, never a wait, bounded reads, a trusted directory.

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void Unblock(const fs::path& fifo) {
  const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
  if (fd >= 0) ::close(fd);
}

TEST_F(StateStoreTest, SaveDoesNotWriteThroughASymlinkedTemporaryFile) {
  const fs::path victim = root_ / "victim";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, root_ / "state.tmp");
  StateStore store(root_.string());
  ASSERT_TRUE(store.Save({7, {"/dev/a"}}));
  EXPECT_EQ(ReadFile(victim), "precious\n");
  EXPECT_FALSE(fs::is_symlink(root_ / "state"));
  auto loaded = store.Load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->key, 7u);
}

TEST_F(StateStoreTest, SaveReplacesASymlinkedStateWithoutTouchingItsTarget) {
  const fs::path victim = root_ / "victim";
  std::ofstream(victim) << "precious\n";
  fs::create_symlink(victim, root_ / "state");
  ASSERT_TRUE(StateStore(root_.string()).Save({7, {}}));
  EXPECT_EQ(ReadFile(victim), "precious\n");
  EXPECT_FALSE(fs::is_symlink(root_ / "state"));
}

TEST_F(StateStoreTest, LoadRefusesASymlinkedState) {
  const fs::path elsewhere = root_ / "elsewhere";
  std::ofstream(elsewhere) << "key=0x1\ndevices=/dev/a\n";
  fs::create_symlink(elsewhere, root_ / "state");
  auto loaded = StateStore(root_.string()).Load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, ErrorKind::kRefused);
  EXPECT_NE(loaded.error().message.find("symbolic link"), std::string::npos) << loaded.error().message;
  EXPECT_NE(loaded.error().message.find((root_ / "state").string()), std::string::npos);
}

TEST_F(StateStoreTest, LoadRefusesAStateLinkedToDevZeroAtOnce) {
  fs::create_symlink("/dev/zero", root_ / "state");
  StateStore store(root_.string());
  auto loaded = testing::ReturnsWithin<Result<std::optional<SavedState>>>(
      milliseconds(2000), [&] { return store.Load(); }, [] {});
  if (!loaded) {
    // An unbounded read of /dev/zero cannot be stopped and eats memory:
    // end the test binary rather than the machine.
    ADD_FAILURE() << "Load is still reading /dev/zero";
    std::_Exit(1);
  }
  ASSERT_FALSE(*loaded);
  EXPECT_EQ(loaded->error().kind, ErrorKind::kRefused);
}

TEST_F(StateStoreTest, LoadRefusesAStateLargerThanTheBound) {
  std::string text = "key=0x1\ndevices=/dev/a\n";
  text += std::string(kMaxStateBytes, '#') + "\n";
  WriteState(text);
  auto loaded = StateStore(root_.string()).Load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, ErrorKind::kRefused);
  EXPECT_NE(loaded.error().message.find("larger than"), std::string::npos) << loaded.error().message;
}

TEST_F(StateStoreTest, AFifoAsStateIsAnErrorNotAWait) {
  const fs::path fifo = root_ / "state";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  StateStore store(root_.string());
  auto loaded = testing::ReturnsWithin<Result<std::optional<SavedState>>>(
      milliseconds(2000), [&] { return store.Load(); }, [&] { Unblock(fifo); });
  ASSERT_TRUE(loaded.has_value()) << "Load waited on the FIFO";
  ASSERT_FALSE(*loaded);
  EXPECT_EQ(loaded->error().kind, ErrorKind::kRefused);
  EXPECT_NE(loaded->error().message.find("FIFO"), std::string::npos) << loaded->error().message;
}

TEST_F(StateStoreTest, LockIsNeverAFifoOrASymlink) {
  ASSERT_EQ(::mkfifo((root_ / "lock").c_str(), 0600), 0);
  auto fifo = StateStore(root_.string()).Lock(Deadline::After(milliseconds(500)));
  ASSERT_FALSE(fifo);
  EXPECT_EQ(fifo.error().kind, ErrorKind::kRefused);

  fs::remove(root_ / "lock");
  const fs::path target = root_ / "created-through-the-link";
  fs::create_symlink(target, root_ / "lock");
  auto linked = StateStore(root_.string()).Lock(Deadline::After(milliseconds(500)));
  ASSERT_FALSE(linked);
  EXPECT_EQ(linked.error().kind, ErrorKind::kRefused);
  EXPECT_FALSE(fs::exists(target)) << "the lock was created through the symbolic link";
}

TEST_F(StateStoreTest, StoreDirectoryThatIsASymlinkIsRefused) {
  fs::create_directory(root_ / "real", root_);
  fs::permissions(root_ / "real", fs::perms::owner_all);
  fs::create_symlink(root_ / "real", root_ / "link");
  StateStore store((root_ / "link").string());
  EXPECT_EQ(store.Save({1, {}}).error().kind, ErrorKind::kRefused);
  EXPECT_EQ(store.Load().error().kind, ErrorKind::kRefused);
  EXPECT_EQ(store.Lock(Deadline::After(milliseconds(500))).error().kind, ErrorKind::kRefused);
  EXPECT_FALSE(fs::exists(root_ / "real" / "state"));
  EXPECT_FALSE(fs::exists(root_ / "real" / "lock"));
}

TEST_F(StateStoreTest, StoreDirectoryWritableByOthersIsRefused) {
  StateStore store(root_.string());
  ASSERT_TRUE(store.Save({1, {}}));
  for (fs::perms extra : {fs::perms::others_write, fs::perms::group_write}) {
    fs::permissions(root_, fs::perms::owner_all | extra);
    auto loaded = store.Load();
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().kind, ErrorKind::kRefused);
    EXPECT_NE(loaded.error().message.find("writable by group or others"), std::string::npos) << loaded.error().message;
    EXPECT_FALSE(store.Save({2, {}}));
    EXPECT_FALSE(store.Lock(Deadline::After(milliseconds(500))));
  }
  fs::permissions(root_, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec | fs::perms::others_read |
                             fs::perms::others_exec);
  EXPECT_TRUE(store.Load()) << "0755 is fine";
}

TEST_F(StateStoreTest, StoreDirectoryOwnedByAnotherUserIsRefused) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to give the directory away";
  StateStore store(root_.string());
  ASSERT_TRUE(store.Save({1, {}}));
  ASSERT_EQ(::chown(root_.c_str(), 4242, 4242), 0);
  auto loaded = store.Load();
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().kind, ErrorKind::kRefused);
  EXPECT_NE(loaded.error().message.find("owned by uid 4242"), std::string::npos) << loaded.error().message;
  EXPECT_FALSE(store.Lock(Deadline::After(milliseconds(500))));
}

TEST_F(StateStoreTest, CreatedDirectoryIsExactly0700WhateverTheUmask) {
  const mode_t old = ::umask(0777);
  auto saved = StateStore((root_ / "sub").string()).Save({1, {}});
  ::umask(old);
  ASSERT_TRUE(saved) << saved.error().message;
  EXPECT_EQ(fs::status(root_ / "sub").permissions() & fs::perms::all, fs::perms::owner_all);
}

}  // namespace
}  // namespace nvmepr
