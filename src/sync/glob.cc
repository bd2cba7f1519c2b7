#include "sync/glob.h"

#include <string>

#include "common/paths.h"

namespace tidemark {
namespace {

// Matches a bracket expression at p[pi] ('[') against byte c. On success
// sets *end to the index after ']'. Returns false with *end = npos when the
// expression is unterminated.
bool MatchBracket(std::string_view p, size_t pi, unsigned char c, size_t* end) {
  size_t i = pi + 1;
  bool negate = false;
  if (i < p.size() && (p[i] == '!' || p[i] == '^')) {
    negate = true;
    ++i;
  }
  bool matched = false;
  bool first = true;
  while (i < p.size() && (first || p[i] != ']')) {
    first = false;
    unsigned char lo = static_cast<unsigned char>(p[i]);
    if (lo == '\\' && i + 1 < p.size()) lo = static_cast<unsigned char>(p[++i]);
    unsigned char hi = lo;
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      hi = static_cast<unsigned char>(p[i + 2]);
      i += 2;
    }
    if (c >= lo && c <= hi) matched = true;
    ++i;
  }
  if (i >= p.size()) {
    *end = std::string_view::npos;
    return false;
  }
  *end = i + 1;
  return matched != negate;
}

bool MatchFrom(std::string_view p, size_t pi, std::string_view s, size_t si) {
  while (pi < p.size()) {
    const char pc = p[pi];
    if (pc == '*') {
      const bool double_star = pi + 1 < p.size() && p[pi + 1] == '*';
      if (double_star) {
        size_t next = pi + 2;
        // "**/" may also match zero directories.
        if (next < p.size() && p[next] == '/') {
          if (MatchFrom(p, next + 1, s, si)) return true;
        }
        for (size_t k = si; k <= s.size(); ++k) {
          if (MatchFrom(p, next, s, k)) return true;
        }
        return false;
      }
      for (size_t k = si; k <= s.size(); ++k) {
        if (MatchFrom(p, pi + 1, s, k)) return true;
        if (k < s.size() && s[k] == '/') break;
      }
      return false;
    }
    if (si >= s.size()) return false;
    const auto c = static_cast<unsigned char>(s[si]);
    if (pc == '?') {
      if (c == '/') return false;
      ++pi;
      ++si;
      continue;
    }
    if (pc == '[') {
      size_t end;
      if (c == '/' || !MatchBracket(p, pi, c, &end)) return false;
      pi = end;
      ++si;
      continue;
    }
    char literal = pc;
    if (pc == '\\' && pi + 1 < p.size()) literal = p[++pi];
    if (static_cast<unsigned char>(literal) != c) return false;
    ++pi;
    ++si;
  }
  return si == s.size();
}

}  // namespace

Status ValidateGlob(std::string_view pattern) {
  for (size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == '\\') {
      if (i + 1 >= pattern.size()) {
        return Status::InvalidArgument("glob '" + std::string(pattern) +
                                       "' ends with a lone backslash");
      }
      ++i;
    } else if (pattern[i] == '[') {
      size_t end;
      MatchBracket(pattern, i, 'a', &end);
      if (end == std::string_view::npos) {
        return Status::InvalidArgument("glob '" + std::string(pattern) +
                                       "' has an unterminated '['");
      }
      i = end - 1;
    }
  }
  if (pattern.empty()) return Status::InvalidArgument("empty glob pattern");
  return Status::Ok();
}

bool GlobMatch(std::string_view pattern, std::string_view path) {
  if (pattern.find('/') == std::string_view::npos) {
    return MatchFrom(pattern, 0, BaseName(path), 0);
  }
  return MatchFrom(pattern, 0, path, 0);
}

}  // namespace tidemark
