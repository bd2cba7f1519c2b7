// CliContext: what every subcommand shares: the global flags, the settings
// they and the config file resolve to, the wiring to concrete backends,
// and the application context (app/context.h), opened on first use so
// that a command that fails early never touches the catalog, and a command
// that only reads opens it for reading.
//
// Owned by RunCli for one invocation; single-threaded. What a command hands
// to other threads is the app::Context (thread-safe), never this.
#ifndef TIDEMARK_CLI_CONTEXT_H_
#define TIDEMARK_CLI_CONTEXT_H_

#include <memory>
#include <string>

#include "app/config.h"
#include "app/context.h"
#include "catalog/catalog_store.h"
#include "cli/exit_codes.h"
#include "common/clock.h"
#include "sync/gateway.h"
#include "sync/lease_keeper.h"

namespace tidemark::cli {

struct GlobalOptions {
  std::string db;           // --db
  std::string config_path;  // --config
  std::string worker_id;    // --worker-id
  bool verbose = false;
  bool quiet = false;
};

class CliContext {
 public:
  CliContext(const app::Wiring& wiring, Clock& clock)
      : wiring_(wiring), clock_(clock) {}

  GlobalOptions& options() { return options_; }
  const app::Config& config() const { return settings_.config; }
  const app::Wiring& wiring() const { return wiring_; }
  Clock& clock() { return clock_; }

  // Loads the config file and resolves the database path and the worker
  // id (app::LoadContextSettings). Call once, after flags are parsed.
  Status Prepare();

  // Commands that only read call this before anything opens the catalog:
  // App() then opens it with CatalogAccess::kRead.
  void OnlyReads() { access_ = app::CatalogAccess::kRead; }
  // The application context, opened on first use (the catalog's error when
  // it cannot be opened).
  Result<app::Context*> App();
  // App()'s store and Gateway.
  Result<CatalogStore*> Store();
  Result<Gateway*> GetGateway();

  // The repository called `name`; NotFound listing the known names.
  Result<Repository> FindRepository(const std::string& name);

  const std::string& db_path() const { return settings_.db_path; }
  // db_path() fit for messages: without a password.
  std::string db_display() const { return app::DescribeDb(wiring_, db_path()); }

  // Who this process is in leases and operation history.
  const std::string& worker_id() const { return settings_.worker_id; }
  LeaseTiming lease_timing() const {
    return app::LeaseTimingFor(settings_.config);
  }

  // Prints an error for a failed command and returns its exit code. With
  // `json` the error is also printed on stdout as {"error", "code"}.
  ExitCode ReportError(const Status& status, bool json);

 private:
  const app::Wiring& wiring_;
  Clock& clock_;
  GlobalOptions options_;
  app::ContextSettings settings_;
  app::CatalogAccess access_ = app::CatalogAccess::kWrite;
  std::unique_ptr<app::Context> app_;
};

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_CONTEXT_H_
