// Glob matching for include and exclude rules. Pure functions, thread-safe.
//
// Syntax: `*` matches any run of bytes except '/', `**` matches any run
// including '/' (and `**/` also matches nothing, so "**/x" matches "x"),
// `?` one byte except '/', `[abc]`, `[a-z]` and `[!a]` one byte from a set.
// A backslash escapes the next byte. A pattern without '/' matches the last
// component of a path ("*.tmp" matches "a/b/c.tmp"); a pattern with '/' matches
// the whole repository-relative path.
#ifndef TIDEMARK_SYNC_GLOB_H_
#define TIDEMARK_SYNC_GLOB_H_

#include <string_view>

#include "common/status.h"

namespace tidemark {

// Checks a pattern's syntax: InvalidArgument for an unterminated '[' or a
// trailing backslash, naming the pattern.
Status ValidateGlob(std::string_view pattern);

// True when `path` matches `pattern` under the rules above. A malformed
// pattern matches nothing.
bool GlobMatch(std::string_view pattern, std::string_view path);

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_GLOB_H_
