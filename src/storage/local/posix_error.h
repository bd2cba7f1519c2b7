// PosixError: the one place where the local storage adapter maps an errno
// value to a Status.
//
// The codes follow the StorageBackend contract so the sync engine can branch
// on them: a vanished path is NotFound, a refused one PermissionDenied, a
// broken mount or device Unavailable, exhausted space, descriptors or memory
// ResourceExhausted, and a symlink where a file or directory was expected
// InvalidArgument. Messages name the path (or operation) and the system's
// description of the error. Pure functions; thread-safe.
//
// UniqueFd, the owner of one file descriptor, lives here too: every caller of
// PosixError holds descriptors. It is a move-only value; thread-compatible.
#ifndef TIDEMARK_STORAGE_LOCAL_POSIX_ERROR_H_
#define TIDEMARK_STORAGE_LOCAL_POSIX_ERROR_H_

#include <string_view>
#include <utility>

#include "common/status.h"

namespace tidemark {

// The StatusCode that `err` (an errno value) stands for.
StatusCode PosixErrorCode(int err);

// A Status with PosixErrorCode(err) and the message
// "<context>: <strerror(err)>". `context` should name the operation and the
// path, e.g. "cannot open directory '/srv/photos/a'". `err` must not be 0.
Status PosixError(std::string_view context, int err);

// Owns one file descriptor (or none, -1) and closes it on destruction.
class UniqueFd {
 public:
  explicit UniqueFd(int fd = -1) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives up ownership and returns the descriptor.
  int Release() { return std::exchange(fd_, -1); }
  // Closes the descriptor, if any.
  void Reset();

 private:
  int fd_;
};

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_LOCAL_POSIX_ERROR_H_
