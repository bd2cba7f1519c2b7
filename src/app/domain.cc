#include "app/domain.h"

#include "app/repository_options.h"

namespace tidemark::app {

std::string_view TruthName(Truth t) {
  return t == Truth::kCatalog ? "catalog" : "storage";
}

Result<Truth> ParseTruth(std::string_view s) {
  if (s == "storage") return Truth::kStorage;
  if (s == "catalog") return Truth::kCatalog;
  return Status::InvalidArgument("unknown truth '" + std::string(s) +
                                 "': use 'storage' (the catalog follows "
                                 "storage) or 'catalog' (drift is only "
                                 "reported and repaired on request)");
}

std::string CatalogTruthRefusal(const std::string& name,
                                const std::string& what) {
  return what +
         " never applies storage drift to it; see the drift with 'tidemark "
         "check " +
         name + "' and apply what you choose with 'tidemark repair " + name +
         "'";
}

Result<layout::Profile> FindProfile(const Config& config,
                                    std::string_view name) {
  for (const layout::Profile& p : config.layouts) {
    if (p.name == name) return p;
  }
  auto builtin = layout::BuiltinProfile(name);
  if (builtin.ok()) return builtin;
  std::string known;
  for (const std::string& n : layout::BuiltinProfileNames()) {
    known += (known.empty() ? "" : ", ") + n;
  }
  for (const layout::Profile& p : config.layouts) known += ", " + p.name;
  return Status::NotFound("unknown layout '" + std::string(name) +
                          "': known layouts are " + known +
                          " (declare others under [layouts.NAME] in "
                          "tidemark.toml)");
}

namespace {

// The repository's section of the config, or an empty one.
const RepositoryConfig& ConfigOf(const Config& config, const Repository& repo) {
  static const RepositoryConfig kNone;
  auto cfg = config.repositories.find(repo.name);
  return cfg == config.repositories.end() ? kNone : cfg->second;
}

// The options win over the config.
std::string LayoutName(const RepositoryOptions& options,
                       const RepositoryConfig& rc) {
  return options.layout ? *options.layout : rc.layout.value_or("");
}

}  // namespace

Result<std::string> ResolveLayoutName(const Config& config,
                                      const Repository& repo) {
  ASSIGN_OR_RETURN(RepositoryOptions options,
                   ParseRepositoryOptions(repo.options_json, repo.name));
  return LayoutName(options, ConfigOf(config, repo));
}

Result<RepositoryDomain> ResolveDomain(const Config& config,
                                       const Repository& repo) {
  ASSIGN_OR_RETURN(RepositoryOptions options,
                   ParseRepositoryOptions(repo.options_json, repo.name));
  const RepositoryConfig& rc = ConfigOf(config, repo);
  RepositoryDomain domain;
  const std::string truth =
      options.truth ? *options.truth : rc.truth.value_or("storage");
  auto parsed = ParseTruth(truth);
  if (!parsed.ok())
    return parsed.status().WithContext("repository '" + repo.name + "'");
  domain.truth = *parsed;
  domain.public_url =
      options.public_url ? *options.public_url : rc.public_url.value_or("");
  if (domain.public_url.empty()) domain.public_url = repo.url;
  while (!domain.public_url.empty() && domain.public_url.back() == '/') {
    domain.public_url.pop_back();
  }
  domain.layout_name = LayoutName(options, rc);
  if (domain.layout_name.empty()) return domain;
  auto profile = FindProfile(config, domain.layout_name);
  if (!profile.ok()) {
    return Status::InvalidArgument("repository '" + repo.name +
                                   "': " + profile.status().message());
  }
  domain.layout = std::make_shared<const layout::Layout>(
      std::move(profile).value(), layout::LayoutContext{domain.public_url});
  return domain;
}

}  // namespace tidemark::app
