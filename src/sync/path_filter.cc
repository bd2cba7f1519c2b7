#include "sync/path_filter.h"

#include <utility>

#include "common/paths.h"
#include "common/writer_files.h"
#include "sync/glob.h"

namespace tidemark {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.substr(s.size() - suffix.size()) == suffix;
}

// An exclude rule like "cache/**" also prunes the directory "cache" itself.
bool ExcludesDirectory(std::string_view pattern, std::string_view dir) {
  if (GlobMatch(pattern, dir)) return true;
  if (EndsWith(pattern, "/**")) {
    return GlobMatch(pattern.substr(0, pattern.size() - 3), dir);
  }
  return false;
}

}  // namespace

Result<PathFilterRules> PathFilterRules::Create(FilterConfig config) {
  for (const auto& list : {&config.include, &config.exclude}) {
    for (const std::string& pattern : *list) {
      RETURN_IF_ERROR(ValidateGlob(pattern));
    }
  }
  return PathFilterRules(std::move(config));
}

bool PathFilterRules::AcceptWithParents(std::string_view path,
                                        bool is_directory) const {
  for (size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    if (!Accept(path.substr(0, slash), true)) return false;
  }
  return Accept(path, is_directory);
}

bool PathFilterRules::Accept(std::string_view path, bool is_directory) const {
  const std::string_view name = BaseName(path);
  if (config_.ignore_hidden && !name.empty() && name[0] == '.') return false;
  if (!is_directory) {
    if (IsWriterFile(name)) return false;
    if (config_.ignore_temporary &&
        (EndsWith(name, "~") || EndsWith(name, ".tmp"))) {
      return false;
    }
    if (config_.ignore_system && (name == ".DS_Store" || name == "Thumbs.db")) {
      return false;
    }
    if (config_.ignore_backups &&
        (EndsWith(name, ".bak") || EndsWith(name, ".swp"))) {
      return false;
    }
  }
  for (const std::string& pattern : config_.exclude) {
    if (is_directory ? ExcludesDirectory(pattern, path)
                     : GlobMatch(pattern, path)) {
      return false;
    }
  }
  if (is_directory || config_.include.empty()) return true;
  for (const std::string& pattern : config_.include) {
    if (GlobMatch(pattern, path)) return true;
  }
  return false;
}

PathFilter PathFilterRules::AsListFilter() const {
  return [this](std::string_view path, bool is_directory) {
    return Accept(path, is_directory);
  };
}

PathFilter PathFilterRules::ListFilterWithWriterFiles(
    const PathFilterRules* rules) {
  if (rules == nullptr) return nullptr;
  return [rules](std::string_view path, bool is_directory) {
    return rules->Accept(path, is_directory) ||
           (!is_directory && IsWriterFile(BaseName(path)));
  };
}

}  // namespace tidemark
