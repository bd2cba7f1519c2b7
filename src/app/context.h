// Context: what both front ends (the command line and `tidemark serve`)
// hand to the services: the loaded config, the wiring to concrete backends,
// the open catalog and its Gateway, who this process is, and the writer
// turns of its one-off writers.
//
// Opened by Context::Open, which opens the catalog and makes the Gateway;
// after that nothing in it changes (the store, Gateway and writer turns
// keep their own locks). So every method is const and a Context is
// thread-safe: `tidemark serve` shares one among its handler threads. The
// caller owns it; the Wiring and Clock it was opened with must outlive it.
#ifndef TIDEMARK_APP_CONTEXT_H_
#define TIDEMARK_APP_CONTEXT_H_

#include <functional>
#include <memory>
#include <string>

#include "app/config.h"
#include "app/writer_turns.h"
#include "catalog/catalog_store.h"
#include "common/clock.h"
#include "common/result.h"
#include "storage/backend_registry.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"
#include "sync/lease_keeper.h"

namespace tidemark::app {

// How a front end uses the catalog. kRead: it only reads, so the catalog is
// opened without creating it, and read-only where that matters (a SQLite
// file: see SqliteCatalogOptions::read_only).
enum class CatalogAccess { kWrite, kRead };

// The only knowledge of concrete implementations the application gets:
// main.cc fills these in.
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
  // The storage schemes of this build (storage/backend_registry.h): their
  // backends, change sources and per-repository options. main.cc owns it
  // and fills open_backend from it; null in tests that need neither.
  const BackendRegistry* backends = nullptr;
};

// What a front end was told about where the catalog and config are and who
// this process is; "" leaves each to the environment and the config.
struct ContextFlags {
  std::string db;           // --db
  std::string config_path;  // --config
  std::string worker_id;    // --worker-id
};

// The settings a Context opens with.
struct ContextSettings {
  Config config;
  // The catalog: --db, $TIDEMARK_DB, [catalog] db, or ./tidemark.db.
  std::string db_path;
  // Who this process is in leases and operation history: --worker-id,
  // $TIDEMARK_WORKER_ID, [worker] id, or host:pid.
  std::string worker_id;
};

// Loads the config (`flags.config_path`, else ./tidemark.toml if present)
// and resolves the catalog and the worker id; $TIDEMARK_BUSY_TIMEOUT_MS
// overrides [catalog] busy_timeout_ms. InvalidArgument for a bad config, a
// malformed timeout or a worker id over 200 characters.
Result<ContextSettings> LoadContextSettings(const ContextFlags& flags);

// `db_path` fit for messages: without a password.
std::string DescribeDb(const Wiring& wiring, const std::string& db_path);

// The lease heartbeat and timeout of [lease].
LeaseTiming LeaseTimingFor(const Config& config);

class Context {
 public:
  // Opens the catalog (`access`) and makes the Gateway over it. The
  // catalog's error when it cannot be opened.
  static Result<std::unique_ptr<Context>> Open(const Wiring& wiring,
                                               Clock& clock,
                                               ContextSettings settings,
                                               CatalogAccess access);

  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const Config& config() const { return settings_.config; }
  const Wiring& wiring() const { return wiring_; }
  Clock& clock() const { return clock_; }
  CatalogStore& store() const { return *store_; }
  // The only writer of the catalog (DESIGN.md); it requires a lease for
  // every write of a repository.
  Gateway& gateway() const { return *gateway_; }

  // The repository called `name`; NotFound listing the known names.
  Result<Repository> FindRepository(const std::string& name) const;

  const std::string& db_path() const { return settings_.db_path; }
  // db_path() fit for messages: without a password.
  std::string db_display() const { return DescribeDb(wiring_, db_path()); }

  // Who this process is in leases and operation history.
  const std::string& worker_id() const { return settings_.worker_id; }
  LeaseTiming lease_timing() const { return LeaseTimingFor(config()); }

  // Who writes which repository in this process now (lease_scope.h).
  WriterTurns& writer_turns() const { return writer_turns_; }

 private:
  Context(const Wiring& wiring, Clock& clock, ContextSettings settings)
      : wiring_(wiring), clock_(clock), settings_(std::move(settings)) {}

  // The layout indexer of a repository (null without a layout), for the
  // Gateway.
  Result<std::shared_ptr<EntityIndexer>> OpenIndexer(
      int64_t repository_id) const;

  const Wiring& wiring_;
  Clock& clock_;
  const ContextSettings settings_;
  std::unique_ptr<CatalogStore> store_;
  std::unique_ptr<Gateway> gateway_;
  mutable WriterTurns writer_turns_;
};

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_CONTEXT_H_
