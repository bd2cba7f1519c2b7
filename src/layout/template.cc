// Template syntax: parsing "{capture}" placeholders out of literal text.
#include "layout/template.h"

#include <algorithm>

namespace tidemark::layout::internal {
namespace {

bool IsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

void AddLiteral(std::string_view text, TemplateParts* parts) {
  if (text.empty()) return;
  if (!parts->empty() && !parts->back().is_capture) {
    parts->back().text.append(text);
    return;
  }
  parts->push_back({false, std::string(text)});
}

void AddName(const std::string& name, std::vector<std::string>* names) {
  if (std::find(names->begin(), names->end(), name) == names->end()) {
    names->push_back(name);
  }
}

}  // namespace

std::string ParseTemplate(std::string_view text, TemplateParts* parts) {
  parts->clear();
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find_first_of("{}", pos);
    if (open == std::string_view::npos) {
      AddLiteral(text.substr(pos), parts);
      break;
    }
    if (text[open] == '}') {
      return "unbalanced '}' at offset " + std::to_string(open) +
             " (a capture is written {name})";
    }
    AddLiteral(text.substr(pos, open - pos), parts);
    const size_t close = text.find_first_of("{}", open + 1);
    if (close == std::string_view::npos || text[close] == '{') {
      return "unbalanced '{' at offset " + std::to_string(open) +
             " (close each capture with '}')";
    }
    const std::string_view name = text.substr(open + 1, close - open - 1);
    if (name.empty()) return "empty capture '{}' (write {name})";
    if (!IsNameStart(name[0]) ||
        !std::all_of(name.begin(), name.end(), IsNameChar)) {
      return "bad capture name '{" + std::string(name) +
             "}' (use letters, digits and '_', not starting with a digit)";
    }
    parts->push_back({true, std::string(name)});
    pos = close + 1;
  }
  return "";
}

std::string ParsePattern(std::string_view pattern,
                         std::vector<TemplateParts>* segments) {
  segments->clear();
  if (pattern.empty()) return "the pattern is empty";
  size_t start = 0;
  while (true) {
    const size_t slash = pattern.find('/', start);
    const std::string_view segment = pattern.substr(
        start, slash == std::string_view::npos ? std::string_view::npos
                                               : slash - start);
    const std::string where = "segment " +
                              std::to_string(segments->size() + 1) + " of '" +
                              std::string(pattern) + "'";
    if (segment.empty()) {
      return "empty " + where +
             " (no leading, trailing or doubled '/' in a pattern)";
    }
    if (segment == "." || segment == "..") {
      return "'" + std::string(segment) + "' is not allowed as " + where;
    }
    TemplateParts parts;
    std::string error = ParseTemplate(segment, &parts);
    if (!error.empty()) return where + ": " + error;
    segments->push_back(std::move(parts));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return "";
}

std::vector<std::string> CaptureNames(const TemplateParts& parts) {
  std::vector<std::string> names;
  for (const TemplatePart& part : parts) {
    if (part.is_capture) AddName(part.text, &names);
  }
  return names;
}

std::vector<std::string> CaptureNames(
    const std::vector<TemplateParts>& segments) {
  std::vector<std::string> names;
  for (const TemplateParts& parts : segments) {
    for (const std::string& name : CaptureNames(parts)) AddName(name, &names);
  }
  return names;
}

}  // namespace tidemark::layout::internal
