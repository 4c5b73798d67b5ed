#include "state_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

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
  void WriteState(const std::string& text) {
    std::ofstream(root_ / "state") << text;
  }

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
  for (const char* text : {"", "garbage\n", "key=zz\ndevices=/dev/a\n", "key=0\n", "key=\n",
                           "devices=/dev/a\n", "key=0x10000000000000000\n"}) {
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

}  // namespace
}  // namespace nvmepr
