// CompiledRule: compiling entity rules and the backtracking segment matcher.
#include "layout/compiled_rule.h"

#include <algorithm>
#include <charconv>
#include <span>

#include "common/paths.h"
#include "layout/splitter.h"
#include "layout/template.h"

namespace tidemark::layout::internal {
namespace {

bool Bound(std::string_view v) { return v.data() != nullptr; }

// A template part for `name`: a capture id, or {path} / {base_url}.
Part NamePart(const CaptureTable& table, const std::string& name) {
  Part part;
  part.capture = table.Find(name);
  if (part.capture == kUnknown && name == "path") part.capture = kPath;
  if (part.capture == kUnknown && name == "base_url") part.capture = kBaseUrl;
  return part;
}

Parts CompileParts(const CaptureTable& table, const TemplateParts& parts) {
  Parts out;
  out.reserve(parts.size());
  for (const TemplatePart& part : parts) {
    if (part.is_capture) {
      out.push_back(NamePart(table, part.text));
    } else {
      out.push_back({kLiteral, part.text});
    }
  }
  return out;
}

Parts CompileTemplate(const CaptureTable& table, const std::string& text) {
  TemplateParts parts;
  if (!ParseTemplate(text, &parts).empty()) return {{kLiteral, text}};
  return CompileParts(table, parts);
}

// Matches `rule`'s segment `seg` from part `part` at byte `pos` of the path
// segment, then the remaining segments. Unbinds what it bound on failure.
bool MatchFrom(const CompiledRule& rule, const std::string_view* segs,
               size_t seg, size_t part, size_t pos, std::string_view* bind) {
  if (seg == rule.segments.size()) return true;
  const Parts& parts = rule.segments[seg];
  const std::string_view text = segs[seg];
  if (part == parts.size()) {
    return pos == text.size() && MatchFrom(rule, segs, seg + 1, 0, 0, bind);
  }
  const Part& p = parts[part];
  const std::string_view rest = text.substr(pos);
  if (p.capture == kLiteral || Bound(bind[p.capture])) {
    const std::string_view want =
        p.capture == kLiteral ? std::string_view(p.literal) : bind[p.capture];
    return rest.starts_with(want) &&
           MatchFrom(rule, segs, seg, part + 1, pos + want.size(), bind);
  }
  if (p.capture < 0 || rest.empty()) return false;
  std::string_view& slot = bind[p.capture];
  if (part + 1 == parts.size()) {  // the last part takes the rest
    slot = rest;
    if (MatchFrom(rule, segs, seg + 1, 0, 0, bind)) return true;
    slot = {};
    return false;
  }
  const Part& next = parts[part + 1];
  if (next.capture == kLiteral) {  // try each place the literal occurs
    for (size_t at = rest.find(next.literal, 1); at != std::string_view::npos;
         at = rest.find(next.literal, at + 1)) {
      slot = rest.substr(0, at);
      if (MatchFrom(rule, segs, seg, part + 1, pos + at, bind)) return true;
    }
  } else {
    for (size_t len = 1; len <= rest.size(); ++len) {
      slot = rest.substr(0, len);
      if (MatchFrom(rule, segs, seg, part + 1, pos + len, bind)) return true;
    }
  }
  slot = {};
  return false;
}

// A decimal integer written canonically: no sign but '-', no leading zeros
// (so "03" is not 3 and a slot's key is the same as its expected key).
bool ParseDecimal(std::string_view text, int64_t* value) {
  const std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (digits.empty() || (digits.size() > 1 && digits[0] == '0')) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *value);
  return ec == std::errc() && ptr == end;
}

}  // namespace

int CaptureTable::Intern(std::string_view name) {
  const int id = Find(name);
  if (id != kUnknown) return id;
  names_.emplace_back(name);
  return static_cast<int>(names_.size()) - 1;
}

int CaptureTable::Find(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return kUnknown;
}

std::vector<int> CaptureTable::SortedIds() const {
  std::vector<int> ids(names_.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<int>(i);
  std::sort(ids.begin(), ids.end(),
            [this](int a, int b) { return names_[a] < names_[b]; });
  return ids;
}

std::vector<CompiledRule> CompileProfile(const Profile& profile,
                                         CaptureTable* table) {
  std::vector<CompiledRule> rules(profile.rules.size());
  std::vector<std::vector<TemplateParts>> patterns(profile.rules.size());
  // First every name a rule can bind, so templates can refer to any of them.
  for (size_t i = 0; i < profile.rules.size(); ++i) {
    const EntityRule& rule = profile.rules[i];
    rules[i].valid = ParsePattern(rule.match, &patterns[i]).empty();
    for (const std::string& name : CaptureNames(patterns[i])) {
      rules[i].pattern_captures.push_back(table->Intern(name));
    }
    for (const auto& [source, splitter] : rule.split) {
      table->Intern(source);
      for (std::string_view output : SplitterOutputs(splitter)) {
        table->Intern(output);
      }
    }
  }
  for (size_t i = 0; i < profile.rules.size(); ++i) {
    const EntityRule& rule = profile.rules[i];
    CompiledRule& out = rules[i];
    for (const TemplateParts& segment : patterns[i]) {
      out.segments.push_back(CompileParts(*table, segment));
    }
    out.file = rule.file;
    out.has_parent = !rule.parent.empty();
    for (size_t p = 0; p < i && out.has_parent; ++p) {
      if (profile.rules[p].kind == rule.parent) out.parents.push_back(p);
    }
    out.key_is_path = rule.key.empty();
    if (!out.key_is_path) out.key = CompileTemplate(*table, rule.key);
    for (const auto& [name, text] : rule.attrs) {
      out.attrs.emplace_back(name, CompileTemplate(*table, text));
    }
    for (const auto& [source, splitter] : rule.split) {
      CompiledRule::Split split{table->Find(source), splitter, {}};
      for (std::string_view output : SplitterOutputs(splitter)) {
        split.outputs.push_back(table->Find(output));
      }
      out.splits.push_back(std::move(split));
    }
    for (const auto& [name, bounds] : rule.range) {
      out.ranges.push_back({table->Find(name), bounds.first, bounds.second});
    }
    // The capture that comes first in the pattern varies slowest when
    // ExpectedChildren expands several ranges.
    auto position = [&out](const CompiledRule::Range& range) {
      return std::find(out.pattern_captures.begin(), out.pattern_captures.end(),
                       range.capture) -
             out.pattern_captures.begin();
    };
    std::stable_sort(out.ranges.begin(), out.ranges.end(),
                     [&](const auto& a, const auto& b) {
                       return position(a) < position(b);
                     });
  }
  const std::vector<int> sorted_ids = table->SortedIds();
  for (CompiledRule& rule : rules) rule.sorted_ids = sorted_ids;
  return rules;
}

bool MatchSegments(const CompiledRule& rule,
                   const std::string_view* path_segments,
                   std::string_view* bind) {
  return rule.valid && MatchFrom(rule, path_segments, 0, 0, 0, bind);
}

bool ApplyDerived(const CompiledRule& rule, const CaptureTable& table,
                  std::string_view* bind, int* failed, std::string* why) {
  for (const CompiledRule::Split& split : rule.splits) {
    *failed = split.source;
    if (split.source < 0 || !Bound(bind[split.source])) {
      *why = "nothing to split";
      return false;
    }
    std::string_view outputs[8];
    if (split.outputs.size() > std::size(outputs) ||
        !ApplySplitter(split.splitter, bind[split.source], outputs, why)) {
      return false;
    }
    for (size_t k = 0; k < split.outputs.size(); ++k) {
      if (split.outputs[k] >= 0) bind[split.outputs[k]] = outputs[k];
    }
  }
  for (const CompiledRule::Range& range : rule.ranges) {
    if (range.capture < 0 || !Bound(bind[range.capture])) continue;
    *failed = range.capture;
    const std::string_view text = bind[range.capture];
    int64_t value = 0;
    if (!ParseDecimal(text, &value)) {
      *why = table.name(range.capture) + " '" + std::string(text) +
             "' is not a decimal integer (digits, no leading zeros)";
      return false;
    }
    if (value < range.lo || value > range.hi) {
      *why = table.name(range.capture) + " " + std::string(text) +
             " is out of range [" + std::to_string(range.lo) + ", " +
             std::to_string(range.hi) + "]";
      return false;
    }
  }
  return true;
}

void Render(const Parts& parts, const std::string_view* bind,
            std::string_view path, std::string_view base_url,
            std::string* out) {
  // After {base_url} the template is a URL: what paths and captures put
  // in it is percent-encoded (a space, Cyrillic, '+', '#').
  bool in_url = false;
  auto append = [&](std::string_view text) {
    if (in_url) {
      out->append(PercentEncodeUrlPath(text));
    } else {
      out->append(text);
    }
  };
  for (const Part& part : parts) {
    if (part.capture >= 0) {
      append(bind[part.capture]);
    } else if (part.capture == kLiteral) {
      out->append(part.literal);
    } else if (part.capture == kPath) {
      append(path);
    } else if (part.capture == kBaseUrl) {
      out->append(base_url);
      in_url = true;
    }
  }
}

}  // namespace tidemark::layout::internal
