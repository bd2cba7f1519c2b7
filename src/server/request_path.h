// Checking a path that came in a URL or a query before it reaches storage:
// relative, '/'-separated, without '.' or '..' segments, NUL bytes or
// backslashes, also when they were percent-encoded (once or more). Pure;
// thread-safe.
#ifndef TIDEMARK_SERVER_REQUEST_PATH_H_
#define TIDEMARK_SERVER_REQUEST_PATH_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace tidemark::server {

// The clean relative path (no leading or trailing '/', no empty segments),
// or InvalidArgument naming `what` and the fix. `allow_empty` admits ""
// (the whole repository).
Result<std::string> CleanRequestPath(std::string_view path,
                                     std::string_view what, bool allow_empty);

}  // namespace tidemark::server

#endif  // TIDEMARK_SERVER_REQUEST_PATH_H_
