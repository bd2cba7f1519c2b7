// The check service: how storage and the catalog differ for one repository
// (`tidemark check`, the API's check jobs and seed 003's routes): resolve
// the repository, its domain, settings and scope, list storage and compare
// it with the catalog. Read-only: takes no lease and writes nothing. It
// never prints: the result is a CheckResult, and progress goes to the
// request's callback (Step::kCheck, once before the listing with done 0
// and once after it with done = total = the files compared).
//
// Thread-safe, like the Context it uses: several checks may run at once
// from different threads.
#ifndef TIDEMARK_APP_CHECK_SERVICE_H_
#define TIDEMARK_APP_CHECK_SERVICE_H_

#include <atomic>
#include <memory>
#include <string>

#include "app/context.h"
#include "app/domain.h"
#include "app/progress.h"
#include "app/sync_settings.h"
#include "catalog/catalog_store.h"
#include "catalog/records.h"
#include "check/drift.h"
#include "common/result.h"
#include "storage/storage_backend.h"

namespace tidemark::app {

struct CheckRequest {
  std::string repository;  // name
  std::string scope;       // a directory in display form; "" = everything
  std::string entity;      // a top-level entity's key (exclusive with scope)
  // Keep synced items in the report (the JSON's synced, synced_files).
  bool list_synced = false;
  const std::atomic<bool>* cancel = nullptr;  // set: stop with Cancelled
  ProgressFn progress;
};

struct CheckResult {
  DriftReport report;
  Repository repo;    // as read for the check
  std::string scope;  // the resolved scope ("" = the whole root)
  bool with_layout = false;
  std::string layout_name;  // "" without a layout
  Truth truth = Truth::kStorage;
};

// Checks one repository. A clean result is report.clean(). Errors:
// NotFound for an unknown repository or entity and InvalidArgument for bad
// options (the caller's mistake), and with *failed_check set to true, the
// check itself failing: storage unreachable, the listing's or the
// catalog's error, Cancelled.
Result<CheckResult> RunCheck(const Context& ctx, const CheckRequest& request,
                             bool* failed_check = nullptr);

// What a check or a repair of one repository works on, resolved from its
// request (RunCheck and RunRepair share it). Not movable once
// DriftOptionsFor was called: the options point into it.
struct CheckSubject {
  Repository repo;
  RepositoryDomain domain;
  SyncSettings settings;
  std::string scope;  // resolved ("" = the whole root)
  std::unique_ptr<StorageBackend> backend;

  // The options of a check of this subject (synced items left out).
  DriftOptions DriftOptionsFor(const std::atomic<bool>* cancel) const;

  // CheckDrift of this subject with `options`, reported to `progress` as
  // `step` before (done 0) and after (done = total = the files compared).
  // Its error is the check failing; *failed (when set) is then true.
  Result<DriftReport> Check(const Context& ctx, const DriftOptions& options,
                            Step step, const ProgressFn& progress,
                            bool* failed = nullptr) const;
};

// Resolves `repository` and its domain, settings, scope (`scope` or
// `entity`, see ResolveCheckScope) and backend. Errors as RunCheck's;
// *failed (when set) tells that the backend could not be opened.
Result<CheckSubject> OpenCheckSubject(const Context& ctx,
                                      const std::string& repository,
                                      const std::string& scope,
                                      const std::string& entity, bool* failed);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_CHECK_SERVICE_H_
