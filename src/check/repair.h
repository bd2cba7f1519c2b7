// Repair: bringing storage and catalog back in step after a check, under a
// policy chosen by the user (seed 003's removeOrphaned / recreateMissing).
//
// PlanRepair is pure: which items of a DriftReport to act on, and how.
//   orphaned (on storage only):  leave, adopt (new records) or remove the
//                                objects from storage;
//   missing (in the catalog only): keep, or drop the records;
//   modified:                    optionally refresh the records from storage.
// CheckRepairSafety is pure too: the mass-removal rule (DESIGN.md rule 3).
// ApplyRepair carries a plan out through the one pipeline: adoptions and
// refreshes go through PathSync (a fresh stat, hashing, the Gateway), dropped
// records through RemoveConfirmed (a fresh stat: a file that came back is
// kept), and each object removal is preceded by a fresh stat and a catalog
// lookup, so anything that changed or gained a record since the check is
// skipped and reported, never deleted. Removals are one `repair` operation
// in the history; PathSync writes its own `repair` row. Leftovers of
// interrupted writes are looked at again (after the refreshes, which may
// record a replace that was interrupted) and settled by their table in
// writes/leftovers.h; they are not catalogued, so no row counts them.
//
// Safety: objects are deleted only when the plan says so, which only the
// explicit remove policy does (rule 4); removals above the threshold, or
// record drops in a scope that listed empty, are refused unless forced
// (rule 3); record drops are deferred when the check could not list
// everything (rule 2). The caller holds the repository's lease.
//
// Stateless; borrows its arguments for the call.
#ifndef TIDEMARK_CHECK_REPAIR_H_
#define TIDEMARK_CHECK_REPAIR_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_store.h"
#include "check/drift.h"
#include "common/hash_algorithm.h"
#include "common/result.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"
#include "sync/path_filter.h"

namespace tidemark {

enum class OrphanPolicy { kLeave, kAdopt, kRemove };
enum class MissingPolicy { kKeep, kDrop };

struct RepairPolicy {
  OrphanPolicy orphaned = OrphanPolicy::kLeave;
  MissingPolicy missing = MissingPolicy::kKeep;
  bool update_modified = false;
  // Settle the leftovers of interrupted writes (writes/leftovers.h) whose
  // writer is gone; with any_writer also those whose writer cannot be
  // identified (only when no other host or container writes there).
  bool remove_leftovers = false;
  bool any_writer = false;
};

enum class RepairAction { kAdopt, kRemoveObject, kDropRecord, kRefresh };
// "adopt", "remove object", "drop record", "refresh".
std::string_view RepairActionName(RepairAction action);

struct RepairPlan {
  std::string scope;
  std::vector<DriftItem> adopt;           // orphaned -> new records
  std::vector<DriftItem> remove_objects;  // orphaned -> deleted from storage
  std::vector<DriftItem> drop_records;    // missing -> records removed
  std::vector<DriftItem> refresh;         // modified -> records rewritten
  std::vector<Leftover> leftovers;        // to settle (remove_leftovers)
  bool any_writer = false;                // settle unknown writers' too
  // Missing records the policy would drop, held back because the check
  // could not list every directory (rule 2), and why.
  std::vector<DriftItem> deferred;
  std::string deferred_reason;
  // From the check: the base of the mass-removal rule.
  int64_t scope_files = 0;
  int64_t storage_files = 0;
  int64_t catalog_files = 0;

  bool empty() const {
    return adopt.empty() && remove_objects.empty() && drop_records.empty() &&
           refresh.empty() && leftovers.empty();
  }
  int64_t removals() const {
    return static_cast<int64_t>(remove_objects.size() + drop_records.size());
  }
};

RepairPlan PlanRepair(const DriftReport& report, const RepairPolicy& policy);

// Ok when the plan may run. FailedPrecondition, naming the numbers and
// --force, when it would remove objects and drop records of more than
// `threshold` (a share) of the files in scope, or drop records of a scope
// whose storage listed empty. `force` confirms either.
Status CheckRepairSafety(const RepairPlan& plan, double threshold, bool force);

struct RepairOptions {
  HashAlgorithm hash = HashAlgorithm::kSha256;
  size_t batch_size = 5000;
  int hash_threads = 2;
  const PathFilterRules* filter = nullptr;
  double mass_removal_threshold = 0.5;
  bool force = false;
  const std::atomic<bool>* cancel = nullptr;
};

// One planned item that was not carried out, and why.
struct RepairSkip {
  RepairAction action = RepairAction::kAdopt;
  std::string path;
  std::string reason;
};

struct RepairOutcome {
  int64_t adopted = 0;          // new records (or moved ones, by inode)
  int64_t refreshed = 0;        // records rewritten from storage
  int64_t objects_removed = 0;  // objects deleted from storage
  int64_t records_dropped = 0;  // records removed
  int64_t errors = 0;           // paths PathSync could not look at or hash
  std::vector<RepairSkip> skipped;
  LeftoverOutcome leftovers;  // what became of the planned leftovers
  std::vector<std::string> warnings;
  std::vector<SyncOperation> operations;  // the history rows written

  // Everything planned was done.
  bool converged() const {
    return skipped.empty() && errors == 0 && leftovers.kept.empty();
  }
};

// Carries out `plan` on `repo`. An error return means nothing more could be
// done: the safety rule refused the plan (FailedPrecondition, nothing
// done), the root is unreachable (Unavailable), or the catalog failed
// (whatever was written before stays, and a begun operation is failed).
Result<RepairOutcome> ApplyRepair(StorageBackend& backend, CatalogStore& store,
                                  Gateway& gateway, Repository& repo,
                                  const RepairPlan& plan,
                                  const RepairOptions& options);

}  // namespace tidemark

#endif  // TIDEMARK_CHECK_REPAIR_H_
