// SoleDeviceBelow and the mountinfo reading behind it: the device every
// object below an unlistable directory must be on, or 0 when it is unknown.
#include "storage/local/subtree_device.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "storage/backend_factories.h"

namespace tidemark {
namespace {

constexpr char kMountinfo[] =
    "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
    "23 22 0:21 / /proc rw - proc proc rw\n"
    "30 22 8:2 / /srv/photos/in\\040box rw - ext4 /dev/sdb1 rw\n"
    "31 22 8:3 / /srv/photos2 rw - ext4 /dev/sdc1 rw\n"
    "32 22 8:4 / /data\\134x/a rw - ext4 /dev/sdd1 rw";  // no final newline

TEST(HasMountBelowTest, ComparesWholeDecodedComponents) {
  EXPECT_TRUE(HasMountBelow(kMountinfo, "/"));
  EXPECT_TRUE(HasMountBelow(kMountinfo, "/srv"));
  EXPECT_TRUE(HasMountBelow(kMountinfo, "/srv/photos"));          // "in box"
  EXPECT_FALSE(HasMountBelow(kMountinfo, "/srv/photos/in box"));  // itself
  EXPECT_FALSE(HasMountBelow(kMountinfo, "/srv/photos/in"));  // not a prefix
  EXPECT_FALSE(HasMountBelow(kMountinfo, "/srv/photos2"));
  EXPECT_FALSE(HasMountBelow(kMountinfo, "/srv/photo"));
  EXPECT_TRUE(HasMountBelow(kMountinfo, "/data\\x"));  // the last line
  EXPECT_FALSE(HasMountBelow(kMountinfo, "/proc"));
  EXPECT_FALSE(HasMountBelow("", "/"));
}

TEST(SoleDeviceBelowTest, IsTheDirectorysDeviceUnlessSomethingIsMountedBelow) {
  const std::string root = MakeTempDir();
  ASSERT_EQ(mkdir((root + "/locked").c_str(), 0), 0);  // unreadable is fine
  const int root_fd = open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(root_fd, 0);
  struct stat st;
  ASSERT_EQ(stat((root + "/locked").c_str(), &st), 0);
  EXPECT_EQ(SoleDeviceBelow(root_fd, "locked"), st.st_dev);
  EXPECT_EQ(SoleDeviceBelow(root_fd, "missing"), 0u);
  close(root_fd);
  RemoveTree(root);

  // /proc and more are mounted below the root directory.
  const int slash = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(slash, 0);
  EXPECT_EQ(SoleDeviceBelow(slash, ""), 0u);
  close(slash);
}

}  // namespace
}  // namespace tidemark
