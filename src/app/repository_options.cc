#include "app/repository_options.h"

#include <nlohmann/json.hpp>

namespace tidemark::app {

std::string RepositoryOptionsToJson(const RepositoryOptions& options) {
  nlohmann::json j = nlohmann::json::object();
  if (options.hash) j["hash"] = std::string(HashAlgorithmName(*options.hash));
  if (!options.include.empty()) j["include"] = options.include;
  if (!options.exclude.empty()) j["exclude"] = options.exclude;
  if (options.default_ignores) j["default_ignores"] = *options.default_ignores;
  if (options.layout) j["layout"] = *options.layout;
  if (options.truth) j["truth"] = *options.truth;
  if (options.public_url) j["public_url"] = *options.public_url;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<RepositoryOptions> ParseRepositoryOptions(const std::string& json,
                                                 const std::string& repo_name) {
  RepositoryOptions options;
  const auto bad = [&](const std::string& why) {
    return Status::InvalidArgument("repository '" + repo_name +
                                   "' has malformed options (" + why +
                                   "); re-add it with 'repo add'");
  };
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  if (auto it = j.find("hash"); it != j.end()) {
    if (!it->is_string()) return bad("hash is not a string");
    auto algo = ParseHashAlgorithm(it->get<std::string>());
    if (!algo.ok()) return bad(algo.status().message());
    options.hash = *algo;
  }
  for (const char* key : {"include", "exclude"}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (!it->is_array()) return bad(std::string(key) + " is not a list");
    auto& out =
        std::string(key) == "include" ? options.include : options.exclude;
    for (const auto& v : *it) {
      if (!v.is_string()) return bad(std::string(key) + " has a non-string");
      out.push_back(v.get<std::string>());
    }
  }
  if (auto it = j.find("default_ignores"); it != j.end()) {
    if (!it->is_boolean()) return bad("default_ignores is not a boolean");
    options.default_ignores = it->get<bool>();
  }
  for (auto [key, out] : {std::pair{"layout", &options.layout},
                          std::pair{"truth", &options.truth},
                          std::pair{"public_url", &options.public_url}}) {
    auto it = j.find(key);
    if (it == j.end()) continue;
    if (!it->is_string()) return bad(std::string(key) + " is not a string");
    *out = it->get<std::string>();
  }
  return options;
}

FilterConfig EffectiveFilters(const Config& config,
                              const RepositoryOptions& options) {
  FilterConfig f = config.filters;
  f.include.insert(f.include.end(), options.include.begin(),
                   options.include.end());
  f.exclude.insert(f.exclude.end(), options.exclude.begin(),
                   options.exclude.end());
  if (options.default_ignores.has_value() && !*options.default_ignores) {
    f.ignore_hidden = f.ignore_temporary = f.ignore_system = f.ignore_backups =
        false;
  }
  return f;
}

}  // namespace tidemark::app
