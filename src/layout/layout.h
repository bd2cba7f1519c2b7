// Layout: the pure rules that map a repository's paths to domain entities
// (a car and its 14 slots, a product with its variants and images).
//
// A profile is a list of entity rules declared in TOML. The built-in
// profiles `cars` (seed 000) and `products` (seed 003) are TOML text inside
// the binary, parsed by the same code as a custom profile declared in
// tidemark.toml under [layouts.NAME], so a custom profile can do anything the
// built-ins do. The rule language (each key of one [[layouts.NAME.entity]]):
//
//   kind      the entity kind ("car", "slot", "product", "image"); required
//   match     a path pattern, segments separated by "/"; a segment is literal
//             text with {capture} placeholders ("{index}. {car}"). A capture
//             that appears twice (also in the parent's pattern) must have the
//             same value both times. Required
//   file      true: the pattern matches a whole file path and the entity is
//             that file; false (default): it matches a folder, and the entity
//             holds every path below that folder
//   parent    the kind of the parent entity, declared earlier; the parent is
//             the instance of that rule matched on the same path
//   key       a template of captures, unique per kind ("{region}/{vin}");
//             default: the entity's path
//   split     { capture = "splitter" }: derived captures from one capture.
//             Splitters: "make_model_vin" (VIN = the last 17 alphanumeric
//             characters, make = the first word, model = the rest, as
//             captures make, model, vin)
//   range     { capture = [lo, hi] }: the capture must be a decimal integer
//             within [lo, hi]
//   attrs     { name = "template" }: the entity's attributes; templates may
//             use captures, {path} and {base_url}; whatever follows
//             {base_url} is a URL, so captures and {path} there are
//             percent-encoded (all but A-Z a-z 0-9 - . _ ~ /)
//   marker    a file name in the entity's folder (e.g. "_LOCK.json"): the
//             entity's status is `status_present` ("locked") when it exists
//             and `status_absent` ("empty") otherwise; markers never count
//             towards file_count and total_bytes
//   expected  true: an instance exists for every instance of the parent, its
//             ranges expanded (a car's slots exist even before a photo does);
//             every capture must come from the parent or a range
//   on_gone   "soft_delete" (default: deleted_at is set, business fields
//             kept, a rediscovery clears it) or "delete"
//
// A path fails to parse when no rule matches it or when a rule matches its
// shape but a split or range check fails; the sync logs it, skips it and
// carries on.
//
// Thread-safety: a Layout is immutable after construction and thread-safe.
#ifndef TIDEMARK_LAYOUT_LAYOUT_H_
#define TIDEMARK_LAYOUT_LAYOUT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"

namespace tidemark::layout {

enum class OnGone { kSoftDelete, kDelete };

// One [[layouts.NAME.entity]] table, parsed.
struct EntityRule {
  std::string kind;
  std::string match;  // the pattern as written
  bool file = false;
  std::string parent;  // parent kind, "" for a top-level rule
  std::string key;     // template; "" = the entity's path
  std::map<std::string, std::string> split;  // capture -> splitter name
  std::map<std::string, std::pair<int64_t, int64_t>> range;
  std::vector<std::pair<std::string, std::string>> attrs;  // in file order
  std::string marker;                                      // "" = none
  std::string status_present = "locked";
  std::string status_absent = "empty";
  bool expected = false;
  OnGone on_gone = OnGone::kSoftDelete;
};

struct Profile {
  std::string name;
  std::vector<EntityRule> rules;  // parents before their children
};

// Parses every [layouts.NAME] table of a TOML document (tidemark.toml or a
// built-in's text). `origin` names the file in errors. InvalidArgument, with
// the profile, the rule's index and the key, for an unknown key, a bad
// pattern, an unknown splitter or parent, a capture an expected rule cannot
// fill, or a key template naming an unknown capture.
Result<std::vector<Profile>> ParseProfiles(std::string_view toml_text,
                                           std::string_view origin);

// The built-in profiles ("cars", "products"), parsed from their TOML text.
std::vector<std::string> BuiltinProfileNames();
Result<Profile> BuiltinProfile(std::string_view name);

// One entity instance that a path belongs to.
struct EntityRef {
  size_t rule = 0;  // index into Profile::rules
  std::string kind;
  std::string key;
  std::string path;         // the entity's folder, or the file for a file rule
  std::string parent_kind;  // "" at the top
  std::string parent_key;
  std::vector<std::pair<std::string, std::string>> attrs;  // rendered
  std::map<std::string, std::string> captures;  // incl. split results
};

struct PathMatch {
  // Outermost first (car, then slot). Empty when the path fails to parse.
  std::vector<EntityRef> entities;
  // Why the path fails to parse; empty when it parsed.
  std::string error;
  bool ok() const { return error.empty(); }
};

struct LayoutContext {
  std::string base_url;  // for {base_url} in attrs (e.g. a public URL)
};

class Layout {
 public:
  Layout(Profile profile, LayoutContext context = {});

  const Profile& profile() const { return profile_; }
  const std::string& name() const { return profile_.name; }

  // The entities `path` (a repository-relative file path) belongs to.
  PathMatch Match(std::string_view path) const;

  // The expected children of `parent` (rules with expected = true whose
  // parent kind is parent.kind), one per value of their ranges, in rule
  // order then ascending index: a car's 14 slots.
  std::vector<EntityRef> ExpectedChildren(const EntityRef& parent) const;

  // True when `file_name` (the last path segment) is the marker of the rule
  // at `rule`.
  bool IsMarker(size_t rule, std::string_view file_name) const;

 private:
  Profile profile_;
  LayoutContext context_;
  // Compiled patterns, one per rule (layout.cc).
  struct Compiled;
  std::vector<std::shared_ptr<const Compiled>> compiled_;
};

}  // namespace tidemark::layout

#endif  // TIDEMARK_LAYOUT_LAYOUT_H_
