#include "storage/root_location.h"

#include <arpa/inet.h>

#include <cctype>

#include "common/paths.h"
#include "common/strict_parse.h"
#include "storage/storage_url.h"

namespace tidemark {
namespace {

std::string QuoteInput(std::string_view input) {
  return "'" + DisplayPath(input.substr(0, 200)) + "'";
}

Status Bad(std::string_view input, const std::string& why) {
  return Status::InvalidArgument("location " + QuoteInput(input) + " " + why);
}

std::string Lower(std::string_view text) {
  std::string out;
  for (char c : text) {
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

int DefaultPort(const std::string& scheme) {
  return scheme == "webdavs" || scheme == "https" ? 443 : 80;
}

// The host of an authority, lower case and without a trailing '.'; an
// IPv6 literal keeps its brackets off.
Result<std::string> ParseHost(std::string_view input, std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const std::string inside(host.substr(1, host.size() - 2));
    in6_addr v6;
    if (host.back() != ']' || ::inet_pton(AF_INET6, inside.c_str(), &v6) != 1) {
      return Bad(input, "has a malformed IPv6 host " + QuoteInput(host));
    }
    char text[INET6_ADDRSTRLEN];
    ::inet_ntop(AF_INET6, &v6, text, sizeof(text));
    return std::string(text);
  }
  std::string lower = Lower(host);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  if (lower.empty() || lower.front() == '.' ||
      lower.find("..") != std::string::npos ||
      lower.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-.") !=
          std::string::npos) {
    return Bad(input, "has a host " + QuoteInput(host) +
                          " that is not a name of letters, digits, '-' and "
                          "'.' (IDN in punycode) or an address");
  }
  return lower;
}

// scheme://host[:port]/path of a remote storage.
Result<Location> ParseRemote(std::string_view input, std::string scheme,
                             std::string_view rest) {
  Location out;
  out.scheme = std::move(scheme);
  const size_t end = rest.find_first_of("/?#");
  const std::string_view authority = rest.substr(0, end);
  if (authority.find('@') != std::string_view::npos) {
    return Bad(input, "has user information before '@'; give the host only");
  }
  std::string_view host = authority;
  const size_t bracket = authority.rfind(']');
  const size_t colon = authority.rfind(':');
  const bool has_port = colon != std::string_view::npos &&
                        (bracket == std::string_view::npos || colon > bracket);
  if (has_port) host = authority.substr(0, colon);
  ASSIGN_OR_RETURN(out.host, ParseHost(input, host));
  out.port = DefaultPort(out.scheme);
  if (has_port) {
    auto port = ParseInt64(authority.substr(colon + 1), "its port", 1, 65535);
    if (!port.ok()) return Bad(input, "is refused: " + port.status().message());
    out.port = static_cast<int>(*port);
  }
  const std::string_view path =
      end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (path.find_first_of("?#") != std::string_view::npos) {
    return Bad(input, "has a query or fragment; give scheme://host/path only");
  }
  const std::string lower_path = Lower(path);
  if (lower_path.find("%2f") != std::string::npos ||
      lower_path.find("%5c") != std::string::npos) {
    return Bad(input, "has a percent-encoded '/' or '\\' in its path");
  }
  // The path is decoded and normalized as a file URL's is.
  auto decoded = ParseStorageUrl(
      "file://" + std::string(path.empty() ? std::string_view("/") : path),
      "/");
  if (!decoded.ok()) {
    return Bad(input,
               "has a path that cannot be decoded (a bad "
               "percent-escape or a NUL byte)");
  }
  out.path = decoded->path;
  return out;
}

}  // namespace

Result<Location> ParseLocation(std::string_view url_or_path) {
  if (url_or_path.empty()) {
    return Status::InvalidArgument(
        "empty location; give an absolute path, a file:// URL or "
        "webdavs://host/path");
  }
  const size_t sep = url_or_path.find("://");
  const std::string scheme =
      sep == std::string_view::npos || url_or_path.front() == '/'
          ? ""
          : Lower(url_or_path.substr(0, sep));
  if (scheme.empty() || scheme == "file") {
    if (scheme.empty() && url_or_path.front() != '/') {
      return Bad(url_or_path, "is relative; give an absolute path");
    }
    ASSIGN_OR_RETURN(StorageUrl url, ParseStorageUrl(url_or_path, "/"));
    return Location{"file", "", 0, url.path};
  }
  if (scheme == "webdav" || scheme == "webdavs" || scheme == "http" ||
      scheme == "https") {
    return ParseRemote(url_or_path, scheme, url_or_path.substr(sep + 3));
  }
  return Bad(url_or_path, "has scheme '" + scheme.substr(0, 20) +
                              "', which names no storage a root can be "
                              "allowed on; give a path, file://, webdav:// "
                              "or webdavs:// (s3:// comes with its backend)");
}

bool LocationWithin(const Location& root, const Location& allowed) {
  if (root.scheme != allowed.scheme || root.host != allowed.host ||
      root.port != allowed.port) {
    return false;
  }
  if (allowed.path == "/" || root.path == allowed.path) return true;
  return root.path.size() > allowed.path.size() &&
         root.path.compare(0, allowed.path.size(), allowed.path) == 0 &&
         root.path[allowed.path.size()] == '/';
}

std::string LocationText(const Location& location) {
  if (location.scheme == "file") return location.path;
  const std::string host = location.host.find(':') != std::string::npos
                               ? "[" + location.host + "]"
                               : location.host;
  return location.scheme + "://" + host + ":" + std::to_string(location.port) +
         location.path;
}

}  // namespace tidemark
