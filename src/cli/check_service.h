// The `check` flow without its printing, shared by the CLI (`tidemark
// check`, a thin printer over RunCheck) and the HTTP API (`tidemark
// serve`): resolve the repository, its domain, settings and scope, list
// storage and compare it with the catalog. Read-only: takes no lease and
// writes nothing.
//
// Thread-safe once the store and gateway are open (ctx.Store() and
// ctx.GetGateway() called once first): RunCheck only reads the CliContext
// and prints nothing, so several may run at once from different threads.
#ifndef TIDEMARK_CLI_CHECK_SERVICE_H_
#define TIDEMARK_CLI_CHECK_SERVICE_H_

#include <atomic>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/domain.h"
#include "app/sync_settings.h"
#include "catalog/catalog_store.h"
#include "catalog/records.h"
#include "check/drift.h"
#include "cli/context.h"
#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark::cli {

struct CheckRequest {
  std::string repository;  // name
  std::string scope;       // a directory in display form; "" = everything
  std::string entity;      // a top-level entity's key (exclusive with scope)
  // Keep synced items in the report (and in the JSON: synced,
  // synced_files).
  bool list_synced = false;
  const std::atomic<bool>* cancel = nullptr;  // set: stop with Cancelled
};

struct CheckResult {
  DriftReport report;
  nlohmann::json json;  // exactly what `check --json` prints
  bool with_layout = false;
  Repository repo;    // as read for the check
  std::string scope;  // the resolved scope ("" = the whole root)
};

// Checks one repository. A clean result is report.clean() (exit 0, else
// 1). Errors are the Status `check` reports: NotFound for an unknown
// repository or entity and InvalidArgument for bad options (exit 2, like
// ExitCodeFor), and with *failed_check set to true, the check itself
// failing: storage unreachable, the listing's or the catalog's error,
// Cancelled (exit 4 whatever the code).
Result<CheckResult> RunCheck(CliContext& ctx, const CheckRequest& request,
                             bool* failed_check = nullptr);

// What a check or a repair of one repository works on, resolved from its
// request (RunCheck and RunRepair share it). Not movable once
// DriftOptionsFor was called: the options point into it.
struct CheckSubject {
  Repository repo;
  app::RepositoryDomain domain;
  app::SyncSettings settings;
  CatalogStore* store = nullptr;
  std::string scope;  // resolved ("" = the whole root)
  std::unique_ptr<StorageBackend> backend;

  // The options of a check of this subject (synced items left out).
  DriftOptions DriftOptionsFor(const std::atomic<bool>* cancel) const;
};

// Resolves `repository` and its domain, settings, scope (`scope` or
// `entity`, see ResolveCheckScope) and backend. Errors as RunCheck's;
// *failed (when set) tells that the backend could not be opened.
Result<CheckSubject> OpenCheckSubject(CliContext& ctx,
                                      const std::string& repository,
                                      const std::string& scope,
                                      const std::string& entity, bool* failed);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_CHECK_SERVICE_H_
