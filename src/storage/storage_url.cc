#include "storage/storage_url.h"

#include <cctype>
#include <vector>

#include "common/paths.h"

namespace tidemark {
namespace {

constexpr std::string_view kAcceptedForms =
    "file:///absolute/path, an absolute path or a relative path";

int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool IsPathByteSafe(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '-':
    case '.':
    case '_':
    case '~':  // unreserved
    case '!':
    case '$':
    case '&':
    case '\'':
    case '(':
    case ')':
    case '*':
    case '+':
    case ',':
    case ';':
    case '=':  // sub-delims
    case ':':
    case '@':
    case '/':
      return true;
    default:
      return false;
  }
}

std::string Quote(std::string_view input) {
  return "'" + DisplayPath(input) + "'";
}

// Removes ".", ".." and empty components of an absolute path.
std::string NormalizeAbsolute(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    const std::string_view comp = path.substr(i, j - i);
    if (comp == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!comp.empty() && comp != ".") {
      parts.push_back(comp);
    }
    i = j + 1;
  }
  if (parts.empty()) return "/";
  std::string out;
  for (std::string_view p : parts) {
    out += '/';
    out.append(p);
  }
  return out;
}

Result<StorageUrl> FromAbsolutePath(std::string_view path) {
  StorageUrl url;
  url.scheme = "file";
  url.path = NormalizeAbsolute(path);
  url.canonical = FileUrlFromPath(url.path);
  return url;
}

Result<StorageUrl> ParseFileUrl(std::string_view input) {
  std::string_view rest = input.substr(std::string_view("file://").size());
  const size_t slash = rest.find('/');
  const std::string_view host = rest.substr(0, slash);
  std::string lower_host;
  for (char c : host) {
    lower_host +=
        static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (slash == std::string_view::npos ||
      (!host.empty() && lower_host != "localhost")) {
    return Status::InvalidArgument(
        "storage URL " + Quote(input) +
        " does not name an absolute local path (host '" + DisplayPath(host) +
        "'); use file:///absolute/path (three slashes) or a plain path");
  }
  rest.remove_prefix(slash);
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return Status::InvalidArgument(
        "storage URL " + Quote(input) +
        " has a query or fragment; percent-encode '?' as %3F and '#' as %23");
  }
  std::string decoded;
  decoded.reserve(rest.size());
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] != '%') {
      decoded += rest[i];
      continue;
    }
    const int hi = i + 2 < rest.size() ? HexDigitValue(rest[i + 1]) : -1;
    const int lo = i + 2 < rest.size() ? HexDigitValue(rest[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument(
          "storage URL " + Quote(input) + " has a bad percent-escape at byte " +
          std::to_string(i) +
          "; write '%' as %25 and other bytes as %XX with two hex digits");
    }
    if (hi == 0 && lo == 0) {
      return Status::InvalidArgument("storage URL " + Quote(input) +
                                     " decodes to a NUL byte (%00); remove it");
    }
    decoded += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return FromAbsolutePath(decoded);
}

}  // namespace

std::string StorageUrlScheme(std::string_view input) {
  const size_t colon = input.find("://");
  if (colon == std::string_view::npos || colon == 0) return "";
  if (!std::isalpha(static_cast<unsigned char>(input[0]))) return "";
  std::string scheme;
  for (char c : input.substr(0, colon)) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::isalnum(u) && c != '+' && c != '-' && c != '.') return "";
    scheme += static_cast<char>(std::tolower(u));
  }
  return scheme;
}

std::string FileUrlFromPath(std::string_view absolute_path) {
  return "file://" + PercentEncode(absolute_path, IsPathByteSafe);
}

Result<StorageUrl> ParseStorageUrl(std::string_view url_or_path,
                                   std::string_view cwd) {
  if (url_or_path.empty()) {
    return Status::InvalidArgument("empty storage location; give " +
                                   std::string(kAcceptedForms));
  }
  if (url_or_path.find('\0') != std::string_view::npos) {
    return Status::InvalidArgument("storage location " + Quote(url_or_path) +
                                   " contains a NUL byte; remove it");
  }
  const std::string scheme = StorageUrlScheme(url_or_path);
  if (scheme == "file") return ParseFileUrl(url_or_path);
  if (scheme == "s3" || scheme == "webdav" || scheme == "webdavs") {
    return Status::InvalidArgument(
        "storage scheme '" + scheme + "' (in " + Quote(url_or_path) +
        ") is not supported yet by this build; use file:///absolute/path or "
        "a plain path");
  }
  if (!scheme.empty()) {
    return Status::InvalidArgument(
        "unknown storage scheme '" + scheme + "' in " + Quote(url_or_path) +
        "; accepted forms: " + std::string(kAcceptedForms));
  }
  if (url_or_path.substr(0, 5) == "file:") {
    return Status::InvalidArgument(
        "storage URL " + Quote(url_or_path) +
        " is malformed; use file:///absolute/path (three slashes)");
  }
  if (url_or_path.front() == '/') return FromAbsolutePath(url_or_path);
  if (cwd.empty() || cwd.front() != '/') {
    return Status::InvalidArgument("cannot resolve the relative storage path " +
                                   Quote(url_or_path) +
                                   " against the working directory " +
                                   Quote(cwd) + "; give an absolute path");
  }
  std::string joined(cwd);
  joined += '/';
  joined.append(url_or_path);
  return FromAbsolutePath(joined);
}

}  // namespace tidemark
