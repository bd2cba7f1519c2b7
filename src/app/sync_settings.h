// How one repository is synced: what a caller asks of a scan
// (ScanSettings: flags or a request's fields) over the repository's own
// options and the config, resolved into the SyncSettings that the
// reconciler, the daemon, repairs and consistent writes run with. Pure
// given the Context's config; thread-safe.
#ifndef TIDEMARK_APP_SYNC_SETTINGS_H_
#define TIDEMARK_APP_SYNC_SETTINGS_H_

#include <cstddef>
#include <string>

#include "app/context.h"
#include "catalog/records.h"
#include "common/hash_algorithm.h"
#include "common/result.h"
#include "sync/path_filter.h"

namespace tidemark::app {

// What the caller asks of a scan; the zero values leave each setting to
// the repository and the config.
struct ScanSettings {
  std::string hash;       // "" = the repository's or the config's
  size_t batch_size = 0;  // 0 = the config's
  int threads = 0;        // 0 = the config's
  bool allow_mass_removal = false;
  OperationType type = OperationType::kOnDemand;
  std::string scope;  // "" = the whole root; else one directory below it
};

// How one repository is synced: its settings, the config's and the flags'
// (in that order of precedence, flags first).
struct SyncSettings {
  HashAlgorithm hash = HashAlgorithm::kSha256;
  size_t batch_size = 5000;
  int threads = 2;
  double mass_removal_threshold = 0.5;
  PathFilterRules filter;
};

// InvalidArgument naming the repository for malformed options or globs.
Result<SyncSettings> ResolveSyncSettings(const Context& ctx,
                                         const Repository& repo,
                                         const ScanSettings& flags);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_SYNC_SETTINGS_H_
