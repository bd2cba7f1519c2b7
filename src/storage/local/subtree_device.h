// SoleDeviceBelow: the one filesystem that holds everything below a local
// directory, for a directory the walker could not list
// (ListItem::subtree_device). A rename keeps a file's device and inode and
// never crosses a mount, so a file of another device cannot have been moved
// below that directory unless another filesystem is mounted below it, which
// /proc/self/mountinfo tells without listing the directory.
//
// Stateless; thread-safe.
#ifndef TIDEMARK_STORAGE_LOCAL_SUBTREE_DEVICE_H_
#define TIDEMARK_STORAGE_LOCAL_SUBTREE_DEVICE_H_

#include <cstdint>
#include <string_view>

namespace tidemark {

// The device (st_dev) of the directory `rel` below `root_fd` when no other
// filesystem is mounted anywhere below it. 0 when something is mounted below
// it, or when that cannot be told: the directory cannot be reached, its path
// is unknown (removed, or longer than PATH_MAX), or /proc/self/mountinfo
// cannot be read.
uint64_t SoleDeviceBelow(int root_fd, std::string_view rel);

// Whether `mountinfo`, the text of /proc/self/mountinfo, has a mount point
// strictly below the absolute directory `dir`. Pure.
bool HasMountBelow(std::string_view mountinfo, std::string_view dir);

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_LOCAL_SUBTREE_DEVICE_H_
