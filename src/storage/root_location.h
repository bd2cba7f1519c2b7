// Where a repository's root is, as a URL reduced to what identifies the
// storage it reaches: scheme, host, port and path. `[serve] allowed_roots`
// is a list of these, and a repository may be registered over the API only
// at or below one of them (docs/API.md), so that an operator cannot point
// the server at the whole host, or at an internal address once remote
// backends exist.
//
// Forms accepted: an absolute path or a file:// URL (ParseStorageUrl:
// decoded, '.' and '..' resolved lexically), and scheme://host[:port]/path
// for webdav, webdavs, http and https (a remote backend's parser produces
// its Location the same way: the host and port it connects to, the path it
// serves). Refused, with a message naming the input: relative paths,
// user info ("host@other"), queries and fragments, percent-encoded '/' or
// NUL, hosts with characters outside letters, digits, '-' and '.' (or an
// IPv6 literal in brackets), bad ports, and '..' that climbs above "/".
//
// Pure functions, no I/O (symlinks are the caller's to resolve first);
// thread-safe.
#ifndef TIDEMARK_STORAGE_ROOT_LOCATION_H_
#define TIDEMARK_STORAGE_ROOT_LOCATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace tidemark {

struct Location {
  std::string scheme;  // lower case: "file", "webdavs", ...
  std::string host;    // lower case, no trailing '.'; "" for file
  int port = 0;        // the scheme's default when not given; 0 for file
  std::string path;    // absolute, decoded, normalized: "/", "/srv/media"
};

Result<Location> ParseLocation(std::string_view url_or_path);

// True when `root` is `allowed` or lies below it: the same scheme, host
// and port, and a path equal to `allowed`'s or under it at a '/'
// ("/srv/a" holds "/srv/a/b", not "/srv/ab").
bool LocationWithin(const Location& root, const Location& allowed);

// `location` as text, for messages: "/srv/a", "webdavs://host:443/a".
std::string LocationText(const Location& location);

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_ROOT_LOCATION_H_
