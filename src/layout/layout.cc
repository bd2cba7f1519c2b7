// Layout: matching repository paths against a profile's compiled rules and
// expanding the expected children of an entity.
#include "layout/layout.h"

#include <algorithm>
#include <cstdint>

#include "layout/compiled_rule.h"

namespace tidemark::layout {

using internal::CaptureTable;
using internal::CompiledRule;

struct Layout::Compiled {
  CompiledRule rule;
  std::shared_ptr<const CaptureTable> captures;  // shared by every rule
};

namespace {

// Per-thread buffers Match reuses, so a call allocates only its result.
struct Scratch {
  std::vector<std::string_view> segments;
  std::vector<std::string_view> bind;  // rules x captures
  std::vector<int> parent;             // matched parent rule, -1 top, -2 none
  std::vector<size_t> entity;          // rule -> index in the result
};

void SplitPath(std::string_view path, std::vector<std::string_view>* out) {
  out->clear();
  size_t start = 0;
  while (true) {
    const size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) {
      out->push_back(path.substr(start));
      return;
    }
    out->push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
}

std::string Rendered(const internal::Parts& parts, const std::string_view* bind,
                     std::string_view path, std::string_view base_url) {
  std::string out;
  internal::Render(parts, bind, path, base_url, &out);
  return out;
}

}  // namespace

Layout::Layout(Profile profile, LayoutContext context)
    : profile_(std::move(profile)), context_(std::move(context)) {
  auto table = std::make_shared<CaptureTable>();
  std::vector<CompiledRule> rules =
      internal::CompileProfile(profile_, table.get());
  compiled_.reserve(rules.size());
  for (CompiledRule& rule : rules) {
    compiled_.push_back(
        std::make_shared<const Compiled>(Compiled{std::move(rule), table}));
  }
}

namespace {

// The entity of rule `index` with captures `bind`, at `path`.
EntityRef MakeRef(const Profile& profile, const CompiledRule& rule,
                  const CaptureTable& table, size_t index,
                  const std::string_view* bind, std::string_view path,
                  std::string_view base_url) {
  EntityRef ref;
  ref.rule = index;
  ref.kind = profile.rules[index].kind;
  ref.path = std::string(path);
  ref.key =
      rule.key_is_path ? ref.path : Rendered(rule.key, bind, path, base_url);
  ref.attrs.reserve(rule.attrs.size());
  for (const auto& [name, parts] : rule.attrs) {
    ref.attrs.emplace_back(name, Rendered(parts, bind, path, base_url));
  }
  for (int id : rule.sorted_ids) {
    if (bind[id].data() != nullptr) {
      ref.captures.emplace_hint(ref.captures.end(), table.name(id), bind[id]);
    }
  }
  return ref;
}

// "car folder 'Toyota Camry 123'": the path segment holding capture `id`.
std::string Where(const EntityRule& rule, const CompiledRule& compiled,
                  const CaptureTable& table, int id,
                  const std::vector<std::string_view>& segments,
                  const std::string_view* bind) {
  for (size_t s = 0; s < compiled.segments.size(); ++s) {
    for (const internal::Part& part : compiled.segments[s]) {
      if (part.capture != id) continue;
      const bool is_file = compiled.file && s + 1 == compiled.segments.size();
      return rule.kind + (is_file ? " file '" : " folder '") +
             std::string(segments[s]) + "'";
    }
  }
  if (id < 0) return rule.kind;
  return rule.kind + " {" + table.name(id) + "} '" + std::string(bind[id]) +
         "'";
}

std::string NoRuleError(const Profile& profile) {
  std::string expected;
  for (const EntityRule& rule : profile.rules) {
    if (!rule.parent.empty()) continue;
    if (!expected.empty()) expected += " or ";
    expected += rule.match + (rule.file ? "" : "/...");
  }
  return "matches no rule of layout '" + profile.name + "' (expected " +
         expected + ")";
}

}  // namespace

PathMatch Layout::Match(std::string_view path) const {
  PathMatch result;
  thread_local Scratch scratch;
  SplitPath(path, &scratch.segments);
  const std::vector<std::string_view>& segments = scratch.segments;
  const size_t rules = compiled_.size();
  const size_t captures = rules == 0 ? 0 : compiled_[0]->captures->size();
  scratch.bind.assign(rules * captures, std::string_view());
  scratch.parent.assign(rules, -2);
  bool top_level = false;
  for (size_t i = 0; i < rules; ++i) {
    const CompiledRule& rule = compiled_[i]->rule;
    const size_t count = rule.segments.size();
    if (rule.file ? count != segments.size() : count >= segments.size()) {
      continue;
    }
    std::string_view* bind = scratch.bind.data() + i * captures;
    int parent = -1;
    if (rule.has_parent) {
      for (size_t p : rule.parents) {
        if (scratch.parent[p] != -2) {
          parent = static_cast<int>(p);
          break;
        }
      }
      if (parent < 0) continue;
      std::copy_n(scratch.bind.data() + parent * captures, captures, bind);
    }
    if (!internal::MatchSegments(rule, segments.data(), bind)) continue;
    int failed = internal::kUnknown;
    std::string why;
    if (!internal::ApplyDerived(rule, *compiled_[i]->captures, bind, &failed,
                                &why)) {
      result.error = Where(profile_.rules[i], rule, *compiled_[i]->captures,
                           failed, segments, bind) +
                     ": " + why;
      return result;
    }
    scratch.parent[i] = parent;
    top_level = top_level || parent < 0;
  }
  if (!top_level) {
    result.error = NoRuleError(profile_);
    return result;
  }
  scratch.entity.assign(rules, 0);
  result.entities.reserve(
      rules - std::count(scratch.parent.begin(), scratch.parent.end(), -2));
  for (size_t i = 0; i < rules; ++i) {
    if (scratch.parent[i] == -2) continue;
    const CompiledRule& rule = compiled_[i]->rule;
    std::string_view entity_path = path;
    if (!rule.file) {
      const std::string_view last = segments[rule.segments.size() - 1];
      entity_path = path.substr(0, last.data() + last.size() - path.data());
    }
    scratch.entity[i] = result.entities.size();
    result.entities.push_back(MakeRef(profile_, rule, *compiled_[i]->captures,
                                      i, scratch.bind.data() + i * captures,
                                      entity_path, context_.base_url));
    if (scratch.parent[i] >= 0) {
      EntityRef& ref = result.entities.back();
      const EntityRef& parent =
          result.entities[scratch.entity[scratch.parent[i]]];
      ref.parent_kind = parent.kind;
      ref.parent_key = parent.key;
    }
  }
  return result;
}

std::vector<EntityRef> Layout::ExpectedChildren(const EntityRef& parent) const {
  std::vector<EntityRef> out;
  if (compiled_.empty()) return out;
  const CaptureTable& table = *compiled_[0]->captures;
  std::vector<std::string_view> base(table.size());
  for (const auto& [name, value] : parent.captures) {
    const int id = table.Find(name);
    if (id >= 0) base[id] = value;
  }
  for (size_t i = 0; i < compiled_.size(); ++i) {
    const EntityRule& rule = profile_.rules[i];
    const CompiledRule& compiled = compiled_[i]->rule;
    if (!rule.expected || rule.parent != parent.kind || !compiled.valid) {
      continue;
    }
    const size_t n = compiled.ranges.size();
    std::vector<int64_t> value(n);
    std::vector<std::string> text(n);
    for (size_t k = 0; k < n; ++k) value[k] = compiled.ranges[k].lo;
    bool more = true;
    while (more) {
      std::vector<std::string_view> bind = base;
      for (size_t k = 0; k < n; ++k) {
        text[k] = std::to_string(value[k]);
        if (compiled.ranges[k].capture >= 0) {
          bind[compiled.ranges[k].capture] = text[k];
        }
      }
      int failed = internal::kUnknown;
      std::string why;
      bool complete =
          internal::ApplyDerived(compiled, table, bind.data(), &failed, &why);
      for (int id : compiled.pattern_captures) {
        complete = complete && bind[id].data() != nullptr;
      }
      if (!complete) break;  // the parent lacks a capture this rule needs
      std::string path;
      for (size_t s = 0; s < compiled.segments.size(); ++s) {
        if (s > 0) path += '/';
        internal::Render(compiled.segments[s], bind.data(), "",
                         context_.base_url, &path);
      }
      out.push_back(MakeRef(profile_, compiled, table, i, bind.data(), path,
                            context_.base_url));
      out.back().parent_kind = parent.kind;
      out.back().parent_key = parent.key;
      // The next combination; the last range varies fastest.
      more = false;
      for (size_t k = n; k-- > 0;) {
        if (value[k] < compiled.ranges[k].hi) {
          ++value[k];
          more = true;
          break;
        }
        value[k] = compiled.ranges[k].lo;
      }
    }
  }
  return out;
}

bool Layout::IsMarker(size_t rule, std::string_view file_name) const {
  if (rule >= profile_.rules.size()) return false;
  const std::string& marker = profile_.rules[rule].marker;
  return !marker.empty() && marker == file_name;
}

}  // namespace tidemark::layout
