// Semantic checks of entity rules: patterns, parents, the captures each
// template may use, splitters, ranges and expected rules.
#include "layout/profile_check.h"

#include "layout/splitter.h"
#include "layout/template.h"

namespace tidemark::layout::internal {
namespace {

// At most this many expected instances per parent (a car has 14 slots).
constexpr double kMaxExpected = 10000;

std::string List(const std::set<std::string>& names) {
  if (names.empty()) return "none";
  std::string out;
  for (const std::string& name : names) {
    out += (out.empty() ? "{" : ", {") + name + "}";
  }
  return out;
}

std::string SplitterList() {
  std::string out;
  for (std::string_view name : SplitterNames()) {
    out += (out.empty() ? "\"" : ", \"") + std::string(name) + "\"";
  }
  return out;
}

Status CheckTemplate(const RuleError& error, std::string_view key,
                     const std::string& text,
                     const std::set<std::string>& known, bool specials) {
  TemplateParts parts;
  const std::string problem = ParseTemplate(text, &parts);
  if (!problem.empty()) {
    return error(key, "bad template '" + text + "': " + problem);
  }
  for (const std::string& name : CaptureNames(parts)) {
    if (known.contains(name)) continue;
    if (specials && (name == "path" || name == "base_url")) continue;
    return error(key, "template '" + text + "' uses unknown capture {" + name +
                          "}; use one of " + List(known) +
                          (specials ? ", {path}, {base_url}" : ""));
  }
  return Status::Ok();
}

}  // namespace

Status CheckRule(const Profile& profile, size_t index, const RuleError& error,
                 std::vector<std::set<std::string>>* captures) {
  const EntityRule& rule = profile.rules[index];
  if (rule.kind.empty()) {
    return error("kind",
                 "the kind is empty; name the entity, e.g. "
                 "kind = \"car\"");
  }
  std::vector<TemplateParts> segments;
  const std::string problem = ParsePattern(rule.match, &segments);
  if (!problem.empty()) return error("match", "bad pattern: " + problem);
  const std::vector<std::string> own_list = CaptureNames(segments);
  const std::set<std::string> own(own_list.begin(), own_list.end());
  for (const char* reserved : {"path", "base_url"}) {
    if (own.contains(reserved)) {
      return error("match", "{" + std::string(reserved) +
                                "} is reserved for attrs templates; rename "
                                "the capture in '" +
                                rule.match + "'");
    }
  }

  std::set<std::string> from_parent;
  if (!rule.parent.empty()) {
    bool found = false;
    for (size_t p = 0; p < index; ++p) {
      if (profile.rules[p].kind != rule.parent) continue;
      if (!found) {
        from_parent = (*captures)[p];
      } else {
        std::erase_if(from_parent, [&](const std::string& name) {
          return !(*captures)[p].contains(name);
        });
      }
      found = true;
    }
    if (!found) {
      return error("parent", "parent kind '" + rule.parent +
                                 "' is not declared before this rule; add a "
                                 "rule with kind = \"" +
                                 rule.parent +
                                 "\" above it, or fix the spelling");
    }
  }
  std::set<std::string> available = from_parent;
  available.insert(own.begin(), own.end());

  double instances = 1;
  for (const auto& [name, bounds] : rule.range) {
    if (!own.contains(name)) {
      return error("range", "range names {" + name +
                                "}, which is not a capture of match '" +
                                rule.match +
                                "'; range a capture of this rule's pattern");
    }
    if (bounds.first > bounds.second) {
      return error("range", "range of {" + name + "} is [" +
                                std::to_string(bounds.first) + ", " +
                                std::to_string(bounds.second) +
                                "]; write [lo, hi] with lo <= hi");
    }
    instances *= static_cast<double>(bounds.second) -
                 static_cast<double>(bounds.first) + 1;
  }

  for (const auto& [source, splitter] : rule.split) {
    if (!available.contains(source)) {
      return error("split", "split names {" + source +
                                "}, which is not a capture; use one of " +
                                List(available));
    }
    const auto outputs = SplitterOutputs(splitter);
    if (outputs.empty()) {
      return error("split", "unknown splitter '" + splitter + "' for {" +
                                source + "}; use one of " + SplitterList());
    }
    for (std::string_view output : outputs) {
      if (!available.insert(std::string(output)).second) {
        return error("split", "splitter '" + splitter + "' produces {" +
                                  std::string(output) +
                                  "}, which is already a capture; rename "
                                  "that capture");
      }
    }
  }

  if (rule.expected) {
    if (rule.parent.empty()) {
      return error("expected",
                   "an expected entity exists once per parent instance, so "
                   "it needs a parent; add parent = \"...\" or drop "
                   "expected");
    }
    for (const std::string& name : own_list) {
      if (from_parent.contains(name) || rule.range.contains(name)) continue;
      return error("expected",
                   "capture {" + name + "} of match '" + rule.match +
                       "' comes neither from the parent '" + rule.parent +
                       "' nor from a range, so the expected entities cannot "
                       "be listed; add range = { " +
                       name + " = [lo, hi] } or drop expected");
    }
    if (instances > kMaxExpected) {
      return error("range",
                   "an expected rule may list at most 10000 "
                   "entities per parent; narrow the range");
    }
  }

  if (!rule.key.empty()) {
    RETURN_IF_ERROR(CheckTemplate(error, "key", rule.key, available, false));
  }
  for (const auto& [name, text] : rule.attrs) {
    if (name.empty()) {
      return error("attrs", "an attribute name is empty; name it");
    }
    RETURN_IF_ERROR(
        CheckTemplate(error, "attrs." + name, text, available, true));
  }
  if (!rule.marker.empty()) {
    if (rule.marker.find('/') != std::string::npos) {
      return error("marker", "marker '" + rule.marker +
                                 "' must be a file name without '/'");
    }
    if (rule.file) {
      return error("marker",
                   "a file entity has no folder to hold a marker; drop "
                   "marker or set file = false");
    }
  }
  captures->push_back(std::move(available));
  return Status::Ok();
}

}  // namespace tidemark::layout::internal
