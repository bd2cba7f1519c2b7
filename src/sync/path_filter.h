// PathFilterRules: which paths a repository catalogs.
//
// By default, as in seed 001, hidden entries (a component starting with '.'),
// temporary files ("~" suffix, ".tmp"), system files (.DS_Store, Thumbs.db)
// and backups (.bak, .swp) are ignored; tidemark's own writer files
// (common/writer_files.h: partial uploads, old copies kept during a replace)
// are never catalogued, whatever the configuration says. Include and exclude
// globs (sync/glob.h)
// come from the configuration: an excluded directory is not descended; when
// includes are given, a file must match one of them. Immutable after Create,
// so Accept is thread-safe.
#ifndef TIDEMARK_SYNC_PATH_FILTER_H_
#define TIDEMARK_SYNC_PATH_FILTER_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark {

struct FilterConfig {
  bool ignore_hidden = true;
  bool ignore_temporary = true;
  bool ignore_system = true;
  bool ignore_backups = true;
  std::vector<std::string> include;
  std::vector<std::string> exclude;
};

class PathFilterRules {
 public:
  // InvalidArgument when a glob is malformed, naming it.
  static Result<PathFilterRules> Create(FilterConfig config);

  // True when `path` takes part in the catalog. For directories, false means
  // the whole subtree is skipped.
  bool Accept(std::string_view path, bool is_directory) const;

  // Accept for `path` and for every directory above it: whether a path
  // named on its own (an event, a rescan scope) takes part in the catalog.
  bool AcceptWithParents(std::string_view path, bool is_directory) const;

  // An adapter for ListOptions::filter; `this` must outlive it.
  PathFilter AsListFilter() const;

  // The same, but writer files (common/writer_files.h) in the folders the
  // rules keep are listed too, so that a scan or a check can report the
  // leftovers among them (sync/writer_file_listing.h). Null `rules`: every
  // path.
  static PathFilter ListFilterWithWriterFiles(const PathFilterRules* rules);

  const FilterConfig& config() const { return config_; }

 private:
  explicit PathFilterRules(FilterConfig config) : config_(std::move(config)) {}
  FilterConfig config_;
};

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_PATH_FILTER_H_
