#include "common/paths.h"

namespace tidemark {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return 1;
  size_t len;
  uint32_t cp;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2;
    cp = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3;
    cp = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  // Reject overlong forms, surrogates and values past U+10FFFF.
  if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
      (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool IsValidUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    const size_t len = Utf8SequenceLength(bytes, i);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string DisplayPath(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const auto b = static_cast<unsigned char>(raw[i]);
    const size_t len = Utf8SequenceLength(raw, i);
    if (b == '\\') {
      out += "\\\\";
      i += 1;
    } else if (len == 0 || b < 0x20 || b == 0x7F) {
      out += "\\x";
      out += kHexDigits[b >> 4];
      out += kHexDigits[b & 0xF];
      i += 1;
    } else {
      out.append(raw.substr(i, len));
      i += len;
    }
  }
  return out;
}

Result<std::string> ParseDisplayPath(std::string_view display) {
  std::string out;
  out.reserve(display.size());
  for (size_t i = 0; i < display.size(); ++i) {
    if (display[i] != '\\') {
      out += display[i];
      continue;
    }
    if (i + 1 < display.size() && display[i + 1] == '\\') {
      out += '\\';
      i += 1;
      continue;
    }
    if (i + 3 < display.size() && display[i + 1] == 'x') {
      const int hi = HexValue(display[i + 2]);
      const int lo = HexValue(display[i + 3]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 3;
        continue;
      }
    }
    return Status::InvalidArgument(
        "malformed escape in path '" + std::string(display) +
        "': use \\\\ for a backslash and \\xNN for a raw byte");
  }
  return out;
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string s(prefix);
  while (!s.empty()) {
    auto last = static_cast<unsigned char>(s.back());
    if (last != 0xFF) {
      s.back() = static_cast<char>(last + 1);
      return s;
    }
    s.pop_back();
  }
  return s;
}

Result<std::string> NormalizeRelativePath(std::string_view path) {
  std::string out;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    std::string_view comp = path.substr(i, j - i);
    if (comp == "." || comp == "..") {
      return Status::InvalidArgument(
          "path '" + DisplayPath(path) +
          "' has a '.' or '..' component; give a path relative to the "
          "repository root without them");
    }
    if (comp.find('\0') != std::string_view::npos) {
      return Status::InvalidArgument("path contains a NUL byte");
    }
    if (!comp.empty()) {
      if (!out.empty()) out += '/';
      out.append(comp);
    }
    i = j + 1;
  }
  return out;
}

Result<std::string> NormalizeObjectPath(std::string_view path) {
  if (!path.empty() && path.front() == '/') {
    return Status::InvalidArgument("path '" + DisplayPath(path) +
                                   "' is absolute; give a path relative to "
                                   "the repository root");
  }
  ASSIGN_OR_RETURN(std::string normalized, NormalizeRelativePath(path));
  if (normalized.empty()) {
    return Status::InvalidArgument(
        "empty path; give a path relative to the repository root");
  }
  return normalized;
}

Result<std::string> ParseUserScope(std::string_view scope,
                                   std::string_view option) {
  const std::string what =
      std::string(option) + " '" + std::string(scope) + "'";
  if (!scope.empty() && scope.front() == '/') {
    return Status::InvalidArgument(
        what +
        " is absolute; give a folder relative to the repository root, "
        "without a leading '/'");
  }
  auto raw = ParseDisplayPath(scope);
  if (!raw.ok()) return raw.status().WithContext(what);
  auto normalized = NormalizeRelativePath(*raw);
  if (!normalized.ok()) {
    return normalized.status().WithContext(what);
  }
  return normalized;
}

std::string PercentEncode(std::string_view s, bool (*keep)(unsigned char)) {
  static constexpr char kUpperHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (keep(u)) {
      out += c;
    } else {
      out += '%';
      out += kUpperHex[u >> 4];
      out += kUpperHex[u & 0xF];
    }
  }
  return out;
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int hi = HexValue(s[i + 1]);
      const int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::string PercentEncodeUrlPath(std::string_view path) {
  return PercentEncode(path, [](unsigned char u) {
    return (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
           (u >= '0' && u <= '9') || u == '-' || u == '.' || u == '_' ||
           u == '~' || u == '/';
  });
}

std::string JoinPath(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out;
  out.reserve(dir.size() + 1 + name.size());
  out.append(dir);
  out += '/';
  out.append(name);
  return out;
}

std::string_view BaseName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view DirName(std::string_view path) {
  const size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view()
                                         : path.substr(0, slash);
}

bool PathInScope(std::string_view path, std::string_view scope) {
  if (scope.empty()) return true;
  if (path.size() < scope.size() || path.substr(0, scope.size()) != scope) {
    return false;
  }
  return path.size() == scope.size() || path[scope.size()] == '/';
}

std::string ToHex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out += kHexDigits[b >> 4];
    out += kHexDigits[b & 0xF];
  }
  return out;
}

}  // namespace tidemark
