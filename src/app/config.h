// Config: the settings read from tidemark.toml, with their defaults, for
// both front ends (the command line and `tidemark serve`).
//
// Precedence, highest first: command-line flags, the repository's own options
// (set with `repo add`), the config file, built-in defaults. A plain value
// type; loading is a pure parse of the file's text plus one read. Immutable
// once loaded, so any thread may read it.
#ifndef TIDEMARK_APP_CONFIG_H_
#define TIDEMARK_APP_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/serve_config.h"
#include "common/hash_algorithm.h"
#include "common/result.h"
#include "layout/layout.h"
#include "sync/path_filter.h"

namespace tidemark::app {

// [repositories.NAME]: domain settings for the repository called NAME, used
// where its own options (repo add flags) leave them unset.
struct RepositoryConfig {
  std::optional<std::string> layout;      // layout
  std::optional<std::string> truth;       // truth
  std::optional<std::string> public_url;  // public_url
};

// The ranges of the numbers a user sets, shared by each config key and the
// flag or environment variable that sets the same thing (README.md lists
// them). Each bound is what the value costs: the write pipeline holds up to
// five batches of ~400 bytes a record (100,000 records: ~200 MB); a scan
// starts `threads` walker and `threads` hashing threads; SQLite and
// PostgreSQL wait up to busy_timeout_ms for a lock (0 would mean "never
// wait" to one and "wait forever" to the other).
inline constexpr int64_t kMaxBatchSize = 100'000;
inline constexpr int64_t kMaxThreads = 256;
inline constexpr int64_t kMinBusyTimeoutMs = 1;
inline constexpr int64_t kMaxBusyTimeoutMs = 3'600'000;    // an hour
inline constexpr int64_t kMaxLeaseTimeoutMs = 86'400'000;  // a day
inline constexpr int64_t kMaxDirectoryBurst = 1'000'000;

struct Config {
  std::optional<std::string> db;                // [catalog] db
  int busy_timeout_ms = 5000;                   // [catalog] busy_timeout_ms
  HashAlgorithm hash = HashAlgorithm::kSha256;  // [scan] hash
  size_t batch_size = 5000;                     // [scan] batch_size
  int threads = 2;                              // [scan] threads
  double mass_removal_threshold = 0.5;          // [scan] mass_removal_threshold
  FilterConfig filters;                         // [filters] ...
  int64_t lease_heartbeat_ms = 30'000;          // [lease] heartbeat_ms
  int64_t lease_timeout_ms = 60'000;            // [lease] timeout_ms
  std::optional<std::string> worker_id;         // [worker] id
  int64_t worker_interval_ms = 3'600'000;       // [worker] interval_ms
  // [watch]: the real-time daemon (`tidemark watch`).
  int64_t watch_debounce_ms = 500;                   // debounce_ms
  int64_t watch_reconcile_interval_ms = 86'400'000;  // reconcile_interval_ms
  int64_t watch_unwatched_rescan_ms = 300'000;       // unwatched_rescan_ms
  int64_t watch_poll_ms = 5000;                      // poll_ms
  int64_t watch_directory_burst = 1000;              // directory_burst
  int64_t watch_max_open_wait_ms = 600'000;          // max_open_wait_ms
  // [layouts.NAME]: custom layout profiles (layout/layout.h).
  std::vector<layout::Profile> layouts;
  std::map<std::string, RepositoryConfig> repositories;  // [repositories.*]
  ServeConfig serve;                                     // [serve]
};

// Parses TOML text; `origin` names the file in errors. InvalidArgument with
// the line and the offending key on a syntax error, an unknown key or a bad
// value: a value of another TOML type (`1` for true, `5000.0` for 5000) or
// outside its range (NaN and infinities included) is refused, never
// clamped or converted.
Result<Config> ParseConfig(std::string_view text, std::string_view origin);

// Reads `path`, which must be a regular file (or a symlink to one) of at
// most 1 MiB. With `required` false, a path that does not exist at all
// yields the defaults; one that exists but cannot be read (a directory, a
// FIFO, a dangling symlink, no permission) is InvalidArgument naming the
// path and the fix, like every other config error. Never blocks on a FIFO.
Result<Config> LoadConfig(const std::string& path, bool required);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_CONFIG_H_
