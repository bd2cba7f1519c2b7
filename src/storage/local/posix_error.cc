#include "storage/local/posix_error.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace tidemark {

StatusCode PosixErrorCode(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return StatusCode::kNotFound;
    case EACCES:
    case EPERM:
    case EROFS:
      return StatusCode::kPermissionDenied;
    case EIO:
    case ENODEV:
    case ENXIO:
    case ESTALE:
    case ENOTCONN:
    case EHOSTDOWN:
    case EHOSTUNREACH:
    case ENETDOWN:
    case ENETUNREACH:
    case ECONNREFUSED:
    case ECONNRESET:
    case ETIMEDOUT:
    case EAGAIN:
    case EBUSY:
    case ENOMEDIUM:
      return StatusCode::kUnavailable;
    case ENOSPC:
    case EDQUOT:
    case EMFILE:
    case ENFILE:
    case ENOMEM:
    case EFBIG:
    case EMLINK:
      return StatusCode::kResourceExhausted;
    case ELOOP:
    case EINVAL:
    case ENAMETOOLONG:
    case EXDEV:
    case EILSEQ:
      return StatusCode::kInvalidArgument;
    case EEXIST:
      return StatusCode::kAlreadyExists;
    case ENOTEMPTY:
    case EISDIR:
    case ETXTBSY:
      return StatusCode::kFailedPrecondition;
    case EUCLEAN:
    case EBADMSG:
      return StatusCode::kDataLoss;
    case EINTR:
    case ECANCELED:
      return StatusCode::kCancelled;
    default:
      return StatusCode::kInternal;
  }
}

Status PosixError(std::string_view context, int err) {
  std::string message(context);
  message += ": ";
  // strerror_r has two flavours; this buffer works with either.
  char buf[256];
  buf[0] = '\0';
  const auto* text = strerror_r(err, buf, sizeof(buf));
  message += text;
  return Status(PosixErrorCode(err), std::move(message));
}

void UniqueFd::Reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

}  // namespace tidemark
