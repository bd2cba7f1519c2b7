// CliContext: what every subcommand shares — the global flags, the loaded
// config, the wiring to concrete backends, and the catalog opened on demand.
//
// Owned by RunCli for one invocation. Single-threaded while a command sets
// up; once the store and gateway are open, `tidemark serve`'s handler
// threads share it read-only (and through writer_turns()).
#ifndef TIDEMARK_CLI_CONTEXT_H_
#define TIDEMARK_CLI_CONTEXT_H_

#include <functional>
#include <memory>
#include <string>

#include "app/config.h"
#include "catalog/catalog_store.h"
#include "cli/exit_codes.h"
#include "cli/writer_turns.h"
#include "common/clock.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"
#include "sync/lease_keeper.h"
#include "watch/change_source.h"

namespace tidemark::cli {

// How a command uses the catalog. kRead: it only reads, so the catalog is
// opened without creating it, and read-only where that matters (a SQLite
// file: see SqliteCatalogOptions::read_only).
enum class CatalogAccess { kWrite, kRead };

// The only knowledge of concrete implementations the CLI gets: main.cc fills
// these in.
struct Wiring {
  std::function<Result<std::unique_ptr<CatalogStore>>(
      const std::string& db, int busy_timeout_ms, CatalogAccess access)>
      open_catalog;
  // Canonicalizes a user-supplied URL or path (InvalidArgument if malformed).
  std::function<Result<std::string>(const std::string& url_or_path)>
      canonical_url;
  // A canonical URL with the links in its path resolved, where that means
  // something (a local path: storage/local/real_path.h); InvalidArgument or
  // the filesystem's error when it cannot be resolved.
  std::function<Result<std::string>(const std::string& canonical_url)>
      resolve_url;
  // The catalog as it may be shown in messages (passwords hidden).
  std::function<std::string(const std::string& db)> describe_db;
  // Opens the backend for a canonical URL.
  std::function<Result<std::unique_ptr<StorageBackend>>(const std::string&)>
      open_backend;
  // Opens the change source that watches a local directory (inotify).
  std::function<Result<std::unique_ptr<ChangeSource>>(const std::string&)>
      open_change_source;
};

struct GlobalOptions {
  std::string db;           // --db
  std::string config_path;  // --config
  std::string worker_id;    // --worker-id
  bool verbose = false;
  bool quiet = false;
};

class CliContext {
 public:
  CliContext(const Wiring& wiring, Clock& clock)
      : wiring_(wiring), clock_(clock) {}

  GlobalOptions& options() { return options_; }
  const app::Config& config() const { return config_; }
  const Wiring& wiring() const { return wiring_; }
  Clock& clock() { return clock_; }

  // Loads the config file and resolves the database path. Call once, after
  // flags are parsed.
  Status Prepare();

  // The catalog, opened on first use.
  Result<CatalogStore*> Store();
  // Commands that only read call this before anything opens the catalog:
  // Store() then opens it with CatalogAccess::kRead.
  void OnlyReads() { access_ = CatalogAccess::kRead; }
  Result<Gateway*> GetGateway();

  // The repository called `name`; NotFound listing the known names.
  Result<Repository> FindRepository(const std::string& name);

  const std::string& db_path() const { return db_path_; }
  // db_path() fit for messages: without a password.
  std::string db_display() const;

  // Who this process is in leases and operation history.
  const std::string& worker_id() const { return worker_id_; }
  LeaseTiming lease_timing() const;

  // Prints an error for a failed command and returns its exit code. With
  // `json` the error is also printed on stdout as {"error", "code"}.
  ExitCode ReportError(const Status& status, bool json);

  // Who writes which repository in this process now (lease_scope.h).
  // Thread-safe, unlike the rest of the context.
  WriterTurns& writer_turns() { return writer_turns_; }

 private:
  // The layout indexer of a repository (null without a layout), for the
  // Gateway.
  Result<std::shared_ptr<EntityIndexer>> OpenIndexer(
      CatalogStore& store, int64_t repository_id) const;

  const Wiring& wiring_;
  Clock& clock_;
  GlobalOptions options_;
  app::Config config_;
  std::string db_path_;
  std::string worker_id_;
  CatalogAccess access_ = CatalogAccess::kWrite;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  WriterTurns writer_turns_;
};

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_CONTEXT_H_
