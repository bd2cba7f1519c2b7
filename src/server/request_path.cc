#include "server/request_path.h"

#include "common/paths.h"

namespace tidemark::server {

Result<std::string> CleanRequestPath(std::string_view path,
                                     std::string_view what, bool allow_empty) {
  const std::string name(what);
  auto refuse = [&](const std::string& why) {
    return Status::InvalidArgument(
        name + " '" + std::string(path) + "' " + why +
        "; give a path relative to the repository root, like "
        "'photos/2024/a.jpg'");
  };
  // A path may arrive encoded more than once (%252e%252e); look at every
  // decoding until nothing is left to decode.
  std::string decoded(path);
  for (int round = 0; round < 4 && decoded.find('%') != std::string::npos;
       ++round) {
    std::string next = PercentDecode(decoded);
    if (next == decoded) break;  // a literal '%' in a name is fine
    if (next.find("..") != std::string::npos ||
        next.find('\0') != std::string::npos ||
        next.find('\\') != std::string::npos) {
      return refuse("hides '..', a NUL or a backslash in percent-encoding");
    }
    decoded = std::move(next);
  }
  if (path.find('\0') != std::string_view::npos) return refuse("has a NUL");
  if (path.find('\\') != std::string_view::npos) {
    return refuse("has a backslash");
  }
  if (!path.empty() && path.front() == '/') return refuse("is absolute");
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view segment = path.substr(start, end - start);
    if (segment == "..") return refuse("climbs out with '..'");
    if (segment == ".") return refuse("has a '.' segment");
    if (!segment.empty()) {
      if (!out.empty()) out += '/';
      out += segment;
    }
    start = end + 1;
  }
  if (out.empty() && !allow_empty) return refuse("is empty");
  return out;
}

}  // namespace tidemark::server
