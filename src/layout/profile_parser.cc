// ParseProfiles: reads the [layouts.NAME] tables of a TOML document into
// Profiles and checks them (profile_check.h).
#include <toml++/toml.h>

#include <algorithm>
#include <exception>
#include <set>

#include "layout/layout.h"
#include "layout/profile_check.h"

namespace tidemark::layout {
namespace {

const std::set<std::string>& KnownKeys() {
  static const auto* const kKeys = new std::set<std::string>{
      "kind",          "match",    "file",   "parent", "key",
      "split",         "range",    "attrs",  "marker", "status_present",
      "status_absent", "expected", "on_gone"};
  return *kKeys;
}

std::string KeyList() {
  std::string out;
  for (const std::string& key : KnownKeys())
    out += (out.empty() ? "" : ", ") + key;
  return out;
}

uint32_t LineOf(const toml::node& node) { return node.source().begin.line; }

// The line a layout starts on; an implicit [layouts.NAME] (only
// [[layouts.NAME.entity]] written) has none, so use its first rule's.
uint32_t ProfileLine(const toml::node& node) {
  uint32_t line = LineOf(node);
  const toml::table* table = node.as_table();
  if (line != 0 || table == nullptr) return line;
  if (const toml::array* rules = (*table)["entity"].as_array()) {
    if (!rules->empty()) line = LineOf((*rules)[0]);
  }
  return line;
}

// Where an error about one rule points: origin, line, profile, rule index.
struct RuleSite {
  std::string_view origin;
  const std::string& profile;
  size_t index;  // 1-based
  const toml::table& table;

  Status Error(std::string_view key, const std::string& problem) const {
    const toml::node* node = table.get(key.substr(0, key.find('.')));
    const uint32_t line = LineOf(node != nullptr ? *node : table);
    return Status::InvalidArgument(
        std::string(origin) + ":" + std::to_string(line) + ": layout '" +
        profile + "', entity rule " + std::to_string(index) + ", key '" +
        std::string(key) + "': " + problem);
  }
};

Status ReadString(const RuleSite& site, const char* key, std::string* out) {
  const toml::node* node = site.table.get(key);
  if (node == nullptr) return Status::Ok();
  const auto* value = node->as_string();
  if (value == nullptr) {
    return site.Error(
        key, "must be a string, e.g. " + std::string(key) + " = \"...\"");
  }
  if (value->get().empty()) {
    return site.Error(key, "is empty; give a value or leave the key out");
  }
  *out = value->get();
  return Status::Ok();
}

Status ReadBool(const RuleSite& site, const char* key, bool* out) {
  const toml::node* node = site.table.get(key);
  if (node == nullptr) return Status::Ok();
  const auto* value = node->as_boolean();
  if (value == nullptr) {
    return site.Error(key, "must be true or false (not quoted)");
  }
  *out = value->get();
  return Status::Ok();
}

// A table of strings, in file order.
Status ReadStringTable(const RuleSite& site, const char* key,
                       std::vector<std::pair<std::string, std::string>>* out) {
  const toml::node* node = site.table.get(key);
  if (node == nullptr) return Status::Ok();
  const toml::table* table = node->as_table();
  const std::string example = std::string(key) + " = { name = \"value\" }";
  if (table == nullptr)
    return site.Error(key, "must be a table, e.g. " + example);
  std::vector<std::pair<const toml::node*, std::string>> items;
  for (const auto& [name, value] : *table) {
    if (!value.is_string()) {
      return site.Error(key, "value of '" + std::string(name.str()) +
                                 "' must be a string, e.g. " + example);
    }
    items.emplace_back(&value, std::string(name.str()));
  }
  std::stable_sort(items.begin(), items.end(), [](auto& a, auto& b) {
    const auto& pa = a.first->source().begin;
    const auto& pb = b.first->source().begin;
    return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
  });
  for (const auto& [value, name] : items) {
    out->emplace_back(name, value->as_string()->get());
  }
  return Status::Ok();
}

Status ReadRange(const RuleSite& site,
                 std::map<std::string, std::pair<int64_t, int64_t>>* out) {
  const toml::node* node = site.table.get("range");
  if (node == nullptr) return Status::Ok();
  const toml::table* table = node->as_table();
  const std::string example = "range = { index = [1, 8] }";
  if (table == nullptr)
    return site.Error("range", "must be a table, e.g. " + example);
  for (const auto& [name, value] : *table) {
    const toml::array* pair = value.as_array();
    if (pair == nullptr || pair->size() != 2 || !(*pair)[0].is_integer() ||
        !(*pair)[1].is_integer()) {
      return site.Error("range", "range of '" + std::string(name.str()) +
                                     "' must be two integers [lo, hi], e.g. " +
                                     example);
    }
    (*out)[std::string(name.str())] = {(*pair)[0].as_integer()->get(),
                                       (*pair)[1].as_integer()->get()};
  }
  return Status::Ok();
}

Result<EntityRule> ReadRule(const RuleSite& site) {
  for (const auto& [key, value] : site.table) {
    if (!KnownKeys().contains(std::string(key.str()))) {
      return site.Error(key.str(), "unknown key; known keys: " + KeyList());
    }
  }
  EntityRule rule;
  for (const char* required : {"kind", "match"}) {
    if (site.table.get(required) == nullptr) {
      return site.Error(required,
                        "is missing; every entity rule needs kind "
                        "and match");
    }
  }
  RETURN_IF_ERROR(ReadString(site, "kind", &rule.kind));
  RETURN_IF_ERROR(ReadString(site, "match", &rule.match));
  RETURN_IF_ERROR(ReadBool(site, "file", &rule.file));
  RETURN_IF_ERROR(ReadString(site, "parent", &rule.parent));
  RETURN_IF_ERROR(ReadString(site, "key", &rule.key));
  std::vector<std::pair<std::string, std::string>> split;
  RETURN_IF_ERROR(ReadStringTable(site, "split", &split));
  rule.split.insert(split.begin(), split.end());
  RETURN_IF_ERROR(ReadRange(site, &rule.range));
  RETURN_IF_ERROR(ReadStringTable(site, "attrs", &rule.attrs));
  RETURN_IF_ERROR(ReadString(site, "marker", &rule.marker));
  RETURN_IF_ERROR(ReadString(site, "status_present", &rule.status_present));
  RETURN_IF_ERROR(ReadString(site, "status_absent", &rule.status_absent));
  RETURN_IF_ERROR(ReadBool(site, "expected", &rule.expected));
  std::string on_gone;
  RETURN_IF_ERROR(ReadString(site, "on_gone", &on_gone));
  if (on_gone == "delete") {
    rule.on_gone = OnGone::kDelete;
  } else if (!on_gone.empty() && on_gone != "soft_delete") {
    return site.Error("on_gone", "unknown value '" + on_gone +
                                     "'; use \"soft_delete\" or \"delete\"");
  }
  return rule;
}

Status ProfileError(std::string_view origin, const toml::node& node,
                    const std::string& name, const std::string& problem) {
  return Status::InvalidArgument(std::string(origin) + ":" +
                                 std::to_string(LineOf(node)) + ": layout '" +
                                 name + "': " + problem);
}

Result<Profile> ReadProfile(std::string_view origin, const std::string& name,
                            const toml::node& node) {
  const std::string usage =
      "declare its rules as [[layouts." + name + ".entity]] tables";
  const toml::table* table = node.as_table();
  if (table == nullptr) return ProfileError(origin, node, name, usage);
  if (name.empty()) {
    return ProfileError(origin, node, name, "the layout name is empty");
  }
  for (const auto& [key, value] : *table) {
    if (key.str() != "entity") {
      return ProfileError(origin, value, name,
                          "unknown key '" + std::string(key.str()) +
                              "'; a layout holds only entity rules: " + usage);
    }
  }
  const toml::node* entities = table->get("entity");
  const toml::array* array = entities ? entities->as_array() : nullptr;
  if (array == nullptr || array->empty() || !array->is_array_of_tables()) {
    return ProfileError(origin, entities ? *entities : node, name,
                        "key 'entity' must hold at least one rule; " + usage);
  }
  Profile profile;
  profile.name = name;
  std::vector<std::set<std::string>> captures;
  for (size_t i = 0; i < array->size(); ++i) {
    const RuleSite site{origin, name, i + 1, *(*array)[i].as_table()};
    ASSIGN_OR_RETURN(EntityRule rule, ReadRule(site));
    profile.rules.push_back(std::move(rule));
    RETURN_IF_ERROR(internal::CheckRule(
        profile, i,
        [&site](std::string_view key, const std::string& problem) {
          return site.Error(key, problem);
        },
        &captures));
  }
  return profile;
}

Result<std::vector<Profile>> ReadProfiles(std::string_view origin,
                                          const toml::table& root) {
  std::vector<Profile> profiles;
  const toml::node* layouts = root.get("layouts");
  if (layouts == nullptr) return profiles;
  const toml::table* table = layouts->as_table();
  if (table == nullptr) {
    return Status::InvalidArgument(
        std::string(origin) + ":" + std::to_string(LineOf(*layouts)) +
        ": 'layouts' must be a table; declare a layout's rules as "
        "[[layouts.NAME.entity]] tables");
  }
  std::vector<std::pair<const toml::node*, std::string>> order;
  for (const auto& [name, node] : *table) {
    order.emplace_back(&node, std::string(name.str()));
  }
  std::stable_sort(order.begin(), order.end(), [](auto& a, auto& b) {
    return ProfileLine(*a.first) < ProfileLine(*b.first);
  });
  for (const auto& [node, name] : order) {
    ASSIGN_OR_RETURN(Profile profile, ReadProfile(origin, name, *node));
    profiles.push_back(std::move(profile));
  }
  return profiles;
}

}  // namespace

Result<std::vector<Profile>> ParseProfiles(std::string_view toml_text,
                                           std::string_view origin) {
  try {
    const toml::table root = toml::parse(toml_text, origin);
    return ReadProfiles(origin, root);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(
        std::string(origin) + ":" + std::to_string(e.source().begin.line) +
        ": " + std::string(e.description()) + "; fix the TOML syntax");
  } catch (const std::exception& e) {
    return Status::Internal(std::string(origin) +
                            ": reading layouts failed: " + e.what());
  }
}

}  // namespace tidemark::layout
