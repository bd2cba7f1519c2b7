// Parsing of the storage location a user gives for a repository.
//
// A location is either a URL ("file:///srv/photos", with percent-escapes) or
// a plain absolute or relative path ("/srv/photos", "photos"). Paths are
// resolved against a given working directory and normalized lexically; the
// location does not have to exist. Schemes of backends that this build does
// not have (s3, webdav, webdavs) are recognized and refused with a message
// that says so. Pure functions, no I/O; thread-safe.
#ifndef TIDEMARK_STORAGE_STORAGE_URL_H_
#define TIDEMARK_STORAGE_STORAGE_URL_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace tidemark {

struct StorageUrl {
  std::string scheme;     // "file"
  std::string path;       // absolute, normalized, decoded: "/srv/my photos"
  std::string canonical;  // "file:///srv/my%20photos"
};

// Parses `url_or_path`; a relative path is resolved against `cwd`, which must
// be absolute. "." and ".." components, repeated slashes and a trailing slash
// are removed lexically ("/a/../b/" -> "/b"). InvalidArgument, with a message
// naming the input and the accepted forms, for: an empty input, a NUL byte, a
// file URL with a host other than "localhost" or without an absolute path, a
// bad percent-escape, a query or fragment, a scheme this build does not
// support, or an unknown scheme.
Result<StorageUrl> ParseStorageUrl(std::string_view url_or_path,
                                   std::string_view cwd);

// The scheme of "scheme://...", lower-cased ("S3://b" -> "s3"), or "" when
// `url_or_path` has none (a plain path, "file:/x").
std::string StorageUrlScheme(std::string_view url_or_path);

// "file://" followed by `absolute_path` with every byte outside RFC 3986
// pchar and '/' percent-encoded.
std::string FileUrlFromPath(std::string_view absolute_path);

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_STORAGE_URL_H_
