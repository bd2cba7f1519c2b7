#include "storage/backend_registry.h"

#include <cctype>
#include <set>
#include <utility>

#include "common/paths.h"
#include "common/strict_parse.h"
#include "storage/storage_url.h"

namespace tidemark {
namespace {

OptionType TypeOf(const BackendOptions::Value& value) {
  if (std::holds_alternative<int64_t>(value)) return OptionType::kInteger;
  if (std::holds_alternative<bool>(value)) return OptionType::kBoolean;
  return OptionType::kString;
}

std::string ValueText(const BackendOptions::Value& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
  return DisplayPath(std::get<std::string>(value));
}

bool IsSchemeName(std::string_view name) {
  if (name.empty() || !std::islower(static_cast<unsigned char>(name[0]))) {
    return false;
  }
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (!std::islower(u) && !std::isdigit(u) && c != '+' && c != '-' &&
        c != '.') {
      return false;
    }
  }
  return true;
}

// "a string", "an integer", "a boolean".
std::string TypeWithArticle(OptionType type) {
  const std::string name(OptionTypeName(type));
  return (type == OptionType::kInteger ? "an " : "a ") + name;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out.empty() ? "(none)" : out;
}

const BackendOptionSpec* FindSpec(const StorageScheme& scheme,
                                  std::string_view name) {
  for (const BackendOptionSpec& spec : scheme.options) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string OptionNames(const StorageScheme& scheme) {
  std::vector<std::string> names;
  for (const BackendOptionSpec& spec : scheme.options) {
    names.push_back(spec.name);
  }
  return JoinNames(names);
}

}  // namespace

std::string_view OptionTypeName(OptionType type) {
  switch (type) {
    case OptionType::kString:
      return "string";
    case OptionType::kInteger:
      return "integer";
    case OptionType::kBoolean:
      return "boolean";
  }
  return "?";
}

void BackendOptions::Set(std::string name, Value value) {
  values_.insert_or_assign(std::move(name), std::move(value));
}

Result<BackendOptions::Value> ParseOptionValue(const BackendOptionSpec& spec,
                                               std::string_view text) {
  Status status;
  switch (spec.type) {
    case OptionType::kString:
      return BackendOptions::Value(std::string(text));
    case OptionType::kInteger: {
      auto parsed = ParseInt64(text, spec.name, spec.min, spec.max);
      if (parsed.ok()) return BackendOptions::Value(*parsed);
      status = parsed.status();
      break;
    }
    case OptionType::kBoolean: {
      auto parsed = ParseBool(text, spec.name);
      if (parsed.ok()) return BackendOptions::Value(*parsed);
      status = parsed.status();
      break;
    }
  }
  if (spec.secret) {
    // The strict parsers quote the text; a secret's text is never shown.
    return Status::InvalidArgument("option '" + spec.name +
                                   "' (a secret, not shown) is not " +
                                   TypeWithArticle(spec.type));
  }
  return status;
}

Status BackendRegistry::Register(StorageScheme scheme) {
  if (!IsSchemeName(scheme.name)) {
    return Status::InvalidArgument("storage scheme name '" +
                                   DisplayPath(scheme.name) +
                                   "' is not a URL scheme in lower case");
  }
  if (!scheme.open_backend) {
    return Status::InvalidArgument("storage scheme '" + scheme.name +
                                   "' has no backend factory");
  }
  std::set<std::string_view> seen;
  for (const BackendOptionSpec& spec : scheme.options) {
    if (spec.name.empty() || !seen.insert(spec.name).second) {
      return Status::InvalidArgument("storage scheme '" + scheme.name +
                                     "' declares the option '" + spec.name +
                                     "' twice or without a name");
    }
  }
  if (schemes_.contains(scheme.name)) {
    return Status::AlreadyExists("storage scheme '" + scheme.name +
                                 "' is already registered");
  }
  std::string name = scheme.name;
  schemes_.emplace(std::move(name), std::move(scheme));
  return Status::Ok();
}

std::vector<std::string> BackendRegistry::SchemeNames() const {
  std::vector<std::string> names;
  for (const auto& [name, scheme] : schemes_) names.push_back(name);
  return names;
}

Result<const StorageScheme*> BackendRegistry::Find(std::string_view url) const {
  const std::string scheme = StorageUrlScheme(url);
  if (scheme.empty()) {
    return Status::InvalidArgument(
        "storage URL '" + DisplayPath(url) +
        "' has no scheme (scheme://...); registered schemes: " +
        JoinNames(SchemeNames()));
  }
  auto it = schemes_.find(scheme);
  if (it == schemes_.end()) {
    return Status::InvalidArgument(
        "storage scheme '" + scheme + "' (in '" + DisplayPath(url) +
        "') is not supported by this build; registered schemes: " +
        JoinNames(SchemeNames()));
  }
  return &it->second;
}

Status BackendRegistry::CheckOptions(std::string_view url,
                                     const BackendOptions& options) const {
  ASSIGN_OR_RETURN(const StorageScheme* scheme, Find(url));
  for (const auto& [name, value] : options.values()) {
    const BackendOptionSpec* spec = FindSpec(*scheme, name);
    if (spec == nullptr) {
      return Status::InvalidArgument("storage scheme '" + scheme->name +
                                     "' has no option '" + DisplayPath(name) +
                                     "'; its options: " + OptionNames(*scheme));
    }
    if (TypeOf(value) != spec->type) {
      return Status::InvalidArgument(
          "option '" + name + "' of storage scheme '" + scheme->name +
          "' must be " + TypeWithArticle(spec->type) + ", not " +
          TypeWithArticle(TypeOf(value)));
    }
    if (const auto* i = std::get_if<int64_t>(&value)) {
      RETURN_IF_ERROR(CheckInt64(*i, name, spec->min, spec->max));
    }
  }
  for (const BackendOptionSpec& spec : scheme->options) {
    if (spec.required && !options.values().contains(spec.name)) {
      return Status::InvalidArgument("storage scheme '" + scheme->name +
                                     "' needs the option '" + spec.name + "'");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<StorageBackend>> BackendRegistry::OpenBackend(
    std::string_view url, const BackendOptions& options) const {
  ASSIGN_OR_RETURN(const StorageScheme* scheme, Find(url));
  RETURN_IF_ERROR(CheckOptions(url, options));
  return scheme->open_backend(url, options);
}

bool BackendRegistry::HasChangeSource(std::string_view url) const {
  auto scheme = Find(url);
  return scheme.ok() && (*scheme)->open_change_source != nullptr;
}

Result<std::unique_ptr<ChangeSource>> BackendRegistry::OpenChangeSource(
    std::string_view url, const BackendOptions& options) const {
  ASSIGN_OR_RETURN(const StorageScheme* scheme, Find(url));
  if (!scheme->open_change_source) {
    return Status::FailedPrecondition("storage scheme '" + scheme->name +
                                      "' has no change events");
  }
  RETURN_IF_ERROR(CheckOptions(url, options));
  return scheme->open_change_source(url, options);
}

std::string BackendRegistry::DescribeOptions(
    std::string_view url, const BackendOptions& options) const {
  auto scheme = Find(url);
  std::string out;
  for (const auto& [name, value] : options.values()) {
    const BackendOptionSpec* spec =
        scheme.ok() ? FindSpec(**scheme, name) : nullptr;
    // An option the scheme does not declare may be a misplaced secret.
    const bool hide = spec == nullptr || spec->secret;
    if (!out.empty()) out += ", ";
    out += DisplayPath(name) + "=" + (hide ? "***" : ValueText(value));
  }
  return out;
}

}  // namespace tidemark
