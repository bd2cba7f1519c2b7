// Pure helpers for repository-relative paths.
//
// A relative path is a byte string: components separated by '/', no leading
// or trailing '/', no "." or ".." components, never empty except for the root
// scope "". Bytes are kept exactly as the storage reports them, so names that
// are not UTF-8 survive a round trip. Paths order by unsigned byte comparison
// (std::string's operator<), which is also the order the catalog and the
// listing streams use. No I/O here; every function is thread-safe.
#ifndef TIDEMARK_COMMON_PATHS_H_
#define TIDEMARK_COMMON_PATHS_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace tidemark {

// True when `bytes` is well-formed UTF-8.
bool IsValidUtf8(std::string_view bytes);

// A printable, valid UTF-8 rendering of a raw path: invalid bytes and control
// characters become "\xNN" and a backslash becomes "\\". Lossless: see
// ParseDisplayPath.
std::string DisplayPath(std::string_view raw);

// Inverse of DisplayPath. InvalidArgument on a malformed escape.
Result<std::string> ParseDisplayPath(std::string_view display);

// The smallest string greater than every string that starts with `prefix`,
// or "" when there is none (empty prefix or all bytes 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

// Checks and normalizes a user-supplied relative path or scope: strips
// leading, trailing and repeated '/'. InvalidArgument for "." or ".."
// components or NUL bytes.
Result<std::string> NormalizeRelativePath(std::string_view path);

// Like NormalizeRelativePath, for the path of one object: also rejects an
// absolute path and the empty path (the root is not an object). Every
// backend validates paths given to Stat/Open/Write/Remove/Move with it.
Result<std::string> NormalizeObjectPath(std::string_view path);

// A scope as a user types it (--scope, a region): display escapes decoded
// (ParseDisplayPath), then NormalizeRelativePath ("MSK/" -> "MSK", "" for
// the whole root). InvalidArgument, naming `option` and the fix, for an
// absolute path, "." or ".." components and malformed escapes.
Result<std::string> ParseUserScope(std::string_view scope,
                                   std::string_view option);

// `s` with every byte for which `keep` is false written as %XX (upper-case
// hex).
std::string PercentEncode(std::string_view s, bool (*keep)(unsigned char));

// `s` with every %XX escape decoded; a '%' not followed by two hex digits
// stays as it is.
std::string PercentDecode(std::string_view s);

// `path` for the path part of an http(s) URL: every byte except RFC 3986
// unreserved characters (A-Z a-z 0-9 - . _ ~) and '/' percent-encoded, so
// spaces, Cyrillic names and '+' survive S3 and CDN front ends alike.
std::string PercentEncodeUrlPath(std::string_view path);

// "a" + "b" -> "a/b"; "" + "b" -> "b".
std::string JoinPath(std::string_view dir, std::string_view name);

// Last component of a path ("a/b/c" -> "c").
std::string_view BaseName(std::string_view path);

// Everything before the last component ("a/b/c" -> "a/b", "c" -> "").
std::string_view DirName(std::string_view path);

// True if `path` is `scope` itself or lies below it ("" contains all).
bool PathInScope(std::string_view path, std::string_view scope);

// Lower-case hexadecimal encoding of raw bytes.
std::string ToHex(std::string_view bytes);

}  // namespace tidemark

#endif  // TIDEMARK_COMMON_PATHS_H_
