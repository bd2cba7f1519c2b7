#include "check/drift.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "common/paths.h"
#include "sync/cursors.h"
#include "sync/planner.h"
#include "sync/writer_file_listing.h"

namespace tidemark {
namespace {

// How often the merge looks at the cancel flag.
constexpr int64_t kCancelEvery = 1024;

// The listing of a scope that is one object (a file named as the scope), or
// none (a scope that does not exist on storage).
class FixedListing final : public ListingStream {
 public:
  explicit FixedListing(std::optional<StorageEntry> entry)
      : entry_(std::move(entry)) {}
  Result<bool> Next(ListItem* item) override {
    if (!entry_.has_value()) return false;
    item->type = ListItem::Type::kEntry;
    item->entry = std::move(*entry_);
    entry_.reset();
    return true;
  }

 private:
  std::optional<StorageEntry> entry_;
};

// Lists `options.scope`; a scope that is not a directory lists as the one
// object it names, or as nothing when it does not exist.
Result<std::unique_ptr<ListingStream>> ListScope(
    StorageBackend& backend, const ListOptions& options,
    const PathFilterRules* filter) {
  auto listing = backend.List(options);
  if (options.scope.empty() || !listing.status().IsNotFound()) return listing;
  auto entry = backend.Stat(options.scope);
  if (!entry.ok() && !entry.status().IsNotFound()) return entry.status();
  std::optional<StorageEntry> only;
  if (entry.ok() &&
      (filter == nullptr || filter->AcceptWithParents(options.scope, false))) {
    only = std::move(entry).value();
  }
  return std::unique_ptr<ListingStream>(new FixedListing(std::move(only)));
}

Fingerprint FingerprintOf(const StorageEntry& e) {
  return {e.kind, e.size, e.mtime_ns, e.device, e.inode};
}

// What differs between a record and its object, for a modified item.
std::string DescribeDifference(const FileRecord& r, const StorageEntry& e,
                               bool inodes) {
  std::string out;
  auto add = [&out](const std::string& part) {
    out += (out.empty() ? "" : ", ") + part;
  };
  if (r.state != RecordState::kPresent) {
    add("record is '" + std::string(RecordStateName(r.state)) + "'");
  }
  if (r.kind != e.kind) {
    add("kind " + std::string(EntryKindName(r.kind)) + " -> " +
        std::string(EntryKindName(e.kind)));
  }
  if (r.size != e.size) {
    add("size " + std::to_string(r.size) + " -> " + std::to_string(e.size));
  }
  if (r.mtime_ns != e.mtime_ns) add("mtime changed");
  if (inodes && (r.inode != e.inode || r.device != e.device)) {
    add("inode changed");
  }
  return out;
}

// Puts paths into their top-level entity's group. Paths arrive in byte
// order, and every path below one folder entity sorts together, so the
// group of the previous path is the usual answer.
class EntityGrouper {
 public:
  EntityGrouper(const layout::Layout* layout, DriftReport& report)
      : layout_(layout), report_(report) {}

  // The group of a file path, -1 without a layout. A path that fails to
  // parse joins the unparsed group and is counted.
  int OfFile(const std::string& path) {
    if (layout_ == nullptr) return -1;
    layout::PathMatch match = layout_->Match(path);
    if (!match.ok() || match.entities.empty()) {
      ++report_.totals.unparsed;
      if (report_.unparsed.size() < DriftReport::kMaxUnparsedKept) {
        report_.unparsed.push_back(
            {path, match.ok() ? "no entity" : std::move(match.error)});
      }
      return Unparsed();
    }
    return Of(match.entities.front());
  }

  // The group of a directory that could not be listed: its entity when the
  // directory parses as a path, else the unparsed group (not counted).
  int OfDirectory(const std::string& dir) {
    if (layout_ == nullptr) return -1;
    layout::PathMatch match = layout_->Match(dir);
    if (!match.ok() || match.entities.empty()) return Unparsed();
    return Of(match.entities.front());
  }

 private:
  int Of(layout::EntityRef& ref) {
    if (last_ >= 0) {
      const EntityDrift& last = report_.entities[last_];
      if (last.key == ref.key && last.kind == ref.kind) return last_;
    }
    std::string id = ref.kind;
    id.push_back('\0');
    id += ref.key;
    auto [it, inserted] = index_.try_emplace(
        std::move(id), static_cast<int>(report_.entities.size()));
    if (inserted) {
      EntityDrift group;
      group.kind = std::move(ref.kind);
      group.key = std::move(ref.key);
      group.path = std::move(ref.path);
      report_.entities.push_back(std::move(group));
    }
    last_ = it->second;
    return last_;
  }

  int Unparsed() {
    if (unparsed_ < 0) {
      unparsed_ = static_cast<int>(report_.entities.size());
      report_.entities.emplace_back();
    }
    return unparsed_;
  }

  const layout::Layout* layout_;
  DriftReport& report_;
  std::unordered_map<std::string, int> index_;  // kind '\0' key -> group
  int last_ = -1;
  int unparsed_ = -1;
};

// Orders the entity groups by path and renumbers the items' references.
void SortEntities(DriftReport& report) {
  std::vector<int> order(report.entities.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return report.entities[a].path < report.entities[b].path;
  });
  std::vector<int> position(order.size());
  std::vector<EntityDrift> sorted;
  sorted.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    position[order[i]] = static_cast<int>(i);
    sorted.push_back(std::move(report.entities[order[i]]));
  }
  report.entities = std::move(sorted);
  for (DriftItem& item : report.items) {
    if (item.entity >= 0) item.entity = position[item.entity];
  }
}

// The merge's sink: classifies every path into the report (its items, its
// totals and its entity groups).
class DriftCollector {
 public:
  DriftCollector(const DriftOptions& options, bool compare_inodes,
                 DriftReport& report)
      : options_(options),
        compare_inodes_(compare_inodes),
        report_(report),
        grouper_(options.layout, report) {}

  Status OnPlanItem(const PlanItem& plan);
  void OnSubtreeError(const std::string& dir, const Status& error);
  // Records below directories that could not be listed.
  int64_t unobserved() const { return unobserved_; }

 private:
  void Synced(const PlanItem& plan);
  void Orphaned(const PlanItem& plan);
  void Modified(const PlanItem& plan);
  void Missing(const PlanItem& plan);
  void Unobserved(const PlanItem& plan);
  DriftItem* Push(DriftKind kind, const std::string& path, int group);
  // Paths the repository's filters reject are neither orphaned nor missing.
  bool Filtered(const std::string& path) const {
    return options_.filter != nullptr &&
           !options_.filter->AcceptWithParents(path, /*is_directory=*/false);
  }

  const DriftOptions& options_;
  const bool compare_inodes_;
  DriftReport& report_;
  EntityGrouper grouper_;
  // The directory whose listing failed, for the records below it.
  std::string failed_dir_;
  std::string failed_message_;
  int64_t seen_ = 0;
  int64_t unobserved_ = 0;
};

Status DriftCollector::OnPlanItem(const PlanItem& plan) {
  if (seen_++ % kCancelEvery == 0 && options_.cancel != nullptr &&
      options_.cancel->load()) {
    return Status::Cancelled("the check was stopped");
  }
  switch (plan.action) {
    case PlanAction::kUnchanged:
      Synced(plan);
      break;
    case PlanAction::kAdd:
      Orphaned(plan);
      break;
    case PlanAction::kChange:
      Modified(plan);
      break;
    case PlanAction::kGone:
      if (!Filtered(plan.record->path)) Missing(plan);
      break;
    case PlanAction::kUnobserved:
      if (!Filtered(plan.record->path)) Unobserved(plan);
      break;
  }
  return Status::Ok();
}

DriftItem* DriftCollector::Push(DriftKind kind, const std::string& path,
                                int group) {
  DriftItem& item = report_.items.emplace_back();
  item.kind = kind;
  item.path = path;
  item.entity = group;
  return &item;
}

void DriftCollector::Synced(const PlanItem& plan) {
  DriftTotals& t = report_.totals;
  ++t.synced;
  ++t.storage_files;
  ++t.catalog_files;
  const int group = grouper_.OfFile(plan.entry->path);
  if (group >= 0) ++report_.entities[group].synced;
  if (!options_.list_synced) return;
  DriftItem* item = Push(DriftKind::kSynced, plan.entry->path, group);
  item->record_id = plan.record->id;
  item->seen = FingerprintOf(*plan.entry);
  if (group >= 0) {
    report_.entities[group].synced_paths.push_back(plan.entry->path);
  }
}

void DriftCollector::Orphaned(const PlanItem& plan) {
  ++report_.totals.orphaned;
  ++report_.totals.storage_files;
  const int group = grouper_.OfFile(plan.entry->path);
  DriftItem* item = Push(DriftKind::kOrphaned, plan.entry->path, group);
  item->seen = FingerprintOf(*plan.entry);
  if (group >= 0) report_.entities[group].orphaned.push_back(item->path);
}

void DriftCollector::Modified(const PlanItem& plan) {
  ++report_.totals.modified;
  ++report_.totals.storage_files;
  ++report_.totals.catalog_files;
  const int group = grouper_.OfFile(plan.entry->path);
  DriftItem* item = Push(DriftKind::kModified, plan.entry->path, group);
  item->record_id = plan.record->id;
  item->seen = FingerprintOf(*plan.entry);
  item->detail = DescribeDifference(*plan.record, *plan.entry, compare_inodes_);
  if (group >= 0) report_.entities[group].modified.push_back(item->path);
}

void DriftCollector::Missing(const PlanItem& plan) {
  ++report_.totals.missing;
  ++report_.totals.catalog_files;
  const int group = grouper_.OfFile(plan.record->path);
  DriftItem* item = Push(DriftKind::kMissing, plan.record->path, group);
  item->record_id = plan.record->id;
  if (group >= 0) report_.entities[group].missing.push_back(item->path);
}

void DriftCollector::Unobserved(const PlanItem& plan) {
  ++report_.totals.errors;
  ++report_.totals.catalog_files;
  ++unobserved_;
  const int group = grouper_.OfFile(plan.record->path);
  DriftItem* item = Push(DriftKind::kError, plan.record->path, group);
  item->record_id = plan.record->id;
  item->detail = "not checked: could not list '" + DisplayPath(failed_dir_) +
                 "': " + failed_message_;
  if (group >= 0) {
    report_.entities[group].errors.push_back({item->path, item->detail});
  }
}

void DriftCollector::OnSubtreeError(const std::string& dir,
                                    const Status& error) {
  failed_dir_ = dir;
  failed_message_ = error.message();
  ++report_.totals.errors;
  const int group = grouper_.OfDirectory(dir);
  DriftItem* item = Push(DriftKind::kError, dir, group);
  item->detail = "could not list this directory: " + error.message();
  if (group >= 0) {
    report_.entities[group].errors.push_back({dir, item->detail});
  }
}

// The totals that sum up the others, once every path was classified.
void SumUp(DriftReport& report, int64_t unobserved) {
  DriftTotals& t = report.totals;
  t.leftovers = static_cast<int64_t>(report.leftovers.size());
  t.files = t.synced + t.orphaned + t.missing + t.modified + unobserved;
  for (const EntityDrift& e : report.entities) {
    if (!e.kind.empty()) ++t.entities;
  }
}

}  // namespace

std::string_view DriftKindName(DriftKind kind) {
  switch (kind) {
    case DriftKind::kOrphaned:
      return "orphaned";
    case DriftKind::kMissing:
      return "missing";
    case DriftKind::kModified:
      return "modified";
    case DriftKind::kSynced:
      return "synced";
    case DriftKind::kError:
      return "error";
  }
  return "unknown";
}

Result<DriftReport> CheckDrift(StorageBackend& backend, CatalogStore& store,
                               const Repository& repo,
                               const DriftOptions& options) {
  DriftReport report;
  report.scope = options.scope;
  // Rule 1: an unreachable root is an error, never "everything missing".
  if (Status root = backend.CheckRoot(); !root.ok()) {
    return Status::Unavailable(
        "the storage of repository '" + repo.name + "' (" + backend.RootUrl() +
        ") cannot be reached: " + root.message() + "; nothing was checked");
  }
  ListOptions list_options;
  list_options.scope = options.scope;
  list_options.threads = options.walker_threads;
  list_options.filter =
      PathFilterRules::ListFilterWithWriterFiles(options.filter);
  auto listing = ListScope(backend, list_options, options.filter);
  if (!listing.ok()) {
    return listing.status().WithContext("could not list '" +
                                        DisplayPath(options.scope) + "'");
  }

  PagedRecordCursor records(store, repo.id, options.scope);
  WriterFileListing listed(std::move(listing).value());
  ListingCursor observations(listed);
  CompareOptions compare;
  compare.compare_inodes = backend.Capabilities().has_inodes;
  DriftCollector collector(options, compare.compare_inodes, report);
  auto merged = MergePlan(
      records, observations, compare,
      [&](const PlanItem& plan) { return collector.OnPlanItem(plan); },
      [&](const std::string& dir, const Status& error) {
        collector.OnSubtreeError(dir, error);
      });
  if (!merged.ok()) {
    if (merged.status().code() == StatusCode::kCancelled) {
      return merged.status();
    }
    // Rule 2: an incomplete listing reports nothing, least of all
    // "missing".
    return merged.status().WithContext("the check of '" + repo.name +
                                       "' stopped part-way (nothing is "
                                       "reported)");
  }
  report.subtree_errors = merged->subtree_errors;
  ASSIGN_OR_RETURN(report.leftovers, ClassifyLeftovers(backend, store, repo,
                                                       listed.writer_files()));
  SumUp(report, collector.unobserved());
  SortEntities(report);
  return report;
}

Result<std::string> EntityScope(CatalogStore& store, const Repository& repo,
                                const layout::Layout& layout,
                                std::string_view key) {
  std::set<std::string> kinds;
  for (const layout::EntityRule& rule : layout.profile().rules) {
    if (!rule.parent.empty() || !kinds.insert(rule.kind).second) continue;
    EntityQuery query;
    query.repository_id = repo.id;
    query.kind = rule.kind;
    query.key = std::string(key);
    ASSIGN_OR_RETURN(std::vector<Entity> found, store.ListEntities(query));
    if (!found.empty()) return found.front().path;
  }
  return Status::NotFound(
      "no entity '" + std::string(key) + "' in repository " + repo.name +
      "; list them with `tidemark entities " + repo.name + "`");
}

Result<std::string> ResolveCheckScope(CatalogStore& store,
                                      const Repository& repo,
                                      const layout::Layout* layout,
                                      std::string_view scope,
                                      std::string_view entity) {
  if (!entity.empty() && !scope.empty()) {
    return Status::InvalidArgument(
        "--entity and --scope both choose what to check: give one of them");
  }
  if (!entity.empty()) {
    if (layout == nullptr) {
      return Status::InvalidArgument(
          "--entity '" + std::string(entity) +
          "' needs a layout, and "
          "repository '" +
          repo.name +
          "' has none; use --scope PATH, or "
          "give the repository a layout (repo add --layout NAME)");
    }
    return EntityScope(store, repo, *layout, entity);
  }
  return ParseUserScope(scope, "--scope");
}

}  // namespace tidemark
