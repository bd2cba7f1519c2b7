// CompiledRule: an EntityRule turned into a form Layout::Match can run
// without allocating: segments of literal parts and capture ids, and key and
// attrs templates. Captures are bound in an array of string_views indexed by
// capture id; a view with a null data() is unbound. Internal to the layout
// library.
#ifndef TIDEMARK_LAYOUT_COMPILED_RULE_H_
#define TIDEMARK_LAYOUT_COMPILED_RULE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "layout/layout.h"

namespace tidemark::layout::internal {

// Part::capture values below zero.
inline constexpr int kLiteral = -1;  // `literal` is the text
inline constexpr int kUnknown = -2;  // a name no rule captures: renders ""
inline constexpr int kPath = -3;     // {path}: the entity's path
inline constexpr int kBaseUrl = -4;  // {base_url}: LayoutContext::base_url

struct Part {
  int capture = kLiteral;  // a capture id (>= 0) or one of the above
  std::string literal;
};

using Parts = std::vector<Part>;

// The capture names of a whole profile, each with a small integer id.
class CaptureTable {
 public:
  int Intern(std::string_view name);
  int Find(std::string_view name) const;  // kUnknown when absent
  const std::string& name(int id) const { return names_[id]; }
  size_t size() const { return names_.size(); }
  // Every id, ordered by name (to fill a std::map in order, cheaply).
  std::vector<int> SortedIds() const;

 private:
  std::vector<std::string> names_;
};

struct CompiledRule {
  struct Split {
    int source = kUnknown;
    std::string splitter;
    std::vector<int> outputs;  // parallel to SplitterOutputs(splitter)
  };
  struct Range {
    int capture = kUnknown;
    int64_t lo = 0;
    int64_t hi = 0;
  };

  std::vector<Parts> segments;
  bool valid = true;  // false: the pattern is malformed and never matches
  bool file = false;
  bool has_parent = false;
  std::vector<size_t> parents;  // earlier rules whose kind is `parent`
  bool key_is_path = true;      // no key template
  Parts key;
  std::vector<std::pair<std::string, Parts>> attrs;
  std::vector<Split> splits;
  std::vector<Range> ranges;
  std::vector<int> pattern_captures;  // ids the pattern uses
  std::vector<int> sorted_ids;        // CaptureTable::SortedIds()
};

// Compiles every rule of `profile`, interning capture names into `table`.
// Never fails: a malformed pattern yields a rule that never matches and a
// malformed template renders as literal text (ParseProfiles rejects both).
std::vector<CompiledRule> CompileProfile(const Profile& profile,
                                         CaptureTable* table);

// True when the pattern of `rule` matches path_segments[0, rule.segments
// .size()) given the bindings in `bind`; binds the new captures on success.
bool MatchSegments(const CompiledRule& rule,
                   const std::string_view* path_segments,
                   std::string_view* bind);

// Applies the splits and range checks of `rule` to `bind`. Returns true, or
// false with the capture that failed in `failed` and the reason in `why`.
bool ApplyDerived(const CompiledRule& rule, const CaptureTable& table,
                  std::string_view* bind, int* failed, std::string* why);

// Appends `parts` rendered with `bind` to `out`.
void Render(const Parts& parts, const std::string_view* bind,
            std::string_view path, std::string_view base_url, std::string* out);

}  // namespace tidemark::layout::internal

#endif  // TIDEMARK_LAYOUT_COMPILED_RULE_H_
