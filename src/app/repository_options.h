// RepositoryOptions: the per-repository settings kept in repositories.options
// as JSON, and how they combine with the config file. Pure; thread-safe.
#ifndef TIDEMARK_APP_REPOSITORY_OPTIONS_H_
#define TIDEMARK_APP_REPOSITORY_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "app/config.h"
#include "common/hash_algorithm.h"
#include "common/result.h"
#include "sync/path_filter.h"

namespace tidemark::app {

struct RepositoryOptions {
  std::optional<HashAlgorithm> hash;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::optional<bool> default_ignores;  // false turns the seed-001 ignores off
  // Domain settings (layout.h): the layout profile's name, which side is the
  // truth ("storage" or "catalog"), and the base of entity URLs.
  std::optional<std::string> layout;
  std::optional<std::string> truth;
  std::optional<std::string> public_url;
};

std::string RepositoryOptionsToJson(const RepositoryOptions& options);
// InvalidArgument naming the repository when the stored JSON is malformed.
Result<RepositoryOptions> ParseRepositoryOptions(const std::string& json,
                                                 const std::string& repo_name);

// The filters for one repository: the config's, with the repository's globs
// added and its default_ignores applied.
FilterConfig EffectiveFilters(const Config& config,
                              const RepositoryOptions& options);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_REPOSITORY_OPTIONS_H_
