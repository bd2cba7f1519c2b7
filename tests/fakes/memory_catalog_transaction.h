// MemoryTransaction: the CatalogTransaction of MemoryCatalog
// (memory_catalog.h). Private to the fake: only memory_catalog*.cc include
// it, so that the entity half can live in its own file.
//
// It buffers writes over the committed state. The committed state cannot
// change while this transaction exists (it holds the writer lock, and only
// Commit writes), so validation against it at call time still holds at
// Commit. Reads inside the transaction (ReadRecords, ListEntities) merge the
// committed state with the pending writes. A failed call leaves the
// transaction as it was before the call. Used by one thread; must not
// outlive its catalog.
#ifndef TIDEMARK_TESTS_FAKES_MEMORY_CATALOG_TRANSACTION_H_
#define TIDEMARK_TESTS_FAKES_MEMORY_CATALOG_TRANSACTION_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "catalog/catalog_store.h"
#include "fakes/memory_catalog.h"

namespace tidemark {

class MemoryTransaction final : public CatalogTransaction {
 public:
  MemoryTransaction(MemoryCatalog* catalog,
                    std::unique_lock<std::timed_mutex> lock)
      : catalog_(catalog), base_(catalog->state_), lock_(std::move(lock)) {}

  Status InsertRecords(std::span<FileRecord> records) override;
  Status UpdateRecords(std::span<const FileRecord> records) override;
  Result<int64_t> RemoveRecords(std::span<const RecordKey> keys) override;
  Result<std::vector<FileRecord>> ReadRecords(const RecordRange& range,
                                              size_t limit) override;
  Status UpsertEntities(std::span<Entity> entities) override;
  Status SetEntityBusiness(int64_t id, std::string_view business_json,
                           int64_t updated_at_ns) override;
  Result<int64_t> DeleteEntities(std::span<const int64_t> ids) override;
  Result<std::vector<Entity>> ListEntities(const EntityQuery& q) override;
  Result<int64_t> InsertRepository(const Repository& repo) override;
  Status UpdateRepository(const Repository& repo) override;
  Status SetRepositoryDetached(int64_t repository_id, bool detached) override;
  Status DeleteRepository(int64_t repository_id) override;
  Result<int64_t> InsertOperation(const SyncOperation& op) override;
  Status UpdateOperation(const SyncOperation& op) override;
  Status PutWatchStatus(const WatchStatus& s) override;
  Result<int64_t> InsertRequest(const SyncRequest& r) override;
  Status UpdateRequest(const SyncRequest& r) override;
  Status Commit() override;

 private:
  using PathKey = std::pair<int64_t, std::string>;  // (repository id, path)
  // (repository id, kind, key) of an entity.
  using EntityKey = std::tuple<int64_t, std::string, std::string>;

  // Restores the pending maps if a multi-row call fails half way.
  struct Undo {
    std::vector<std::pair<int64_t, std::optional<std::optional<FileRecord>>>>
        records;
    std::vector<std::pair<PathKey, std::optional<int64_t>>> claims;
  };

  Status CheckUsable() const {
    if (open_) return Status::Ok();
    return Status::FailedPrecondition(
        "catalog transaction already committed or rolled back");
  }
  int64_t NextId() {
    std::lock_guard<std::mutex> lock(catalog_->mu_);
    return catalog_->next_id_++;
  }
  // What the database would hold now: committed state plus pending writes.
  const Repository* CurrentRepo(int64_t id) const;
  const FileRecord* CurrentRecord(int64_t id) const;
  std::optional<int64_t> PathOwner(int64_t repository_id,
                                   const std::string& path) const;
  bool NameTaken(const std::string& name) const;
  void SetRecord(int64_t id, std::optional<FileRecord> value, Undo* undo);
  void Rollback(Undo& undo);
  // Appends the current records of `repository_id` with paths in
  // [lower, upper) (no upper bound when nullopt), in path order, until `out`
  // holds `limit`.
  void CollectRecords(int64_t repository_id, const std::string& lower,
                      const std::optional<std::string>& upper, size_t limit,
                      std::vector<FileRecord>* out) const;

  // Entities, likewise (memory_catalog_entities.cc).
  const Entity* CurrentEntity(int64_t id) const;
  std::optional<int64_t> EntityIdByKey(int64_t repository_id,
                                       const std::string& kind,
                                       const std::string& key) const;
  void SetEntity(int64_t id, std::optional<Entity> value);
  void ForEachCurrentEntity(const std::function<void(const Entity&)>& fn) const;

  void Apply(MemoryCatalog::State& state);
  void ApplyEntities(MemoryCatalog::State& state, bool erase_phase);

  MemoryCatalog* catalog_;
  const MemoryCatalog::State& base_;
  std::unique_lock<std::timed_mutex> lock_;
  bool open_ = true;
  int64_t rows_ = 0;
  std::map<int64_t, std::optional<FileRecord>> records_;  // nullopt: removed
  std::map<PathKey, int64_t> claims_;  // paths of pending records -> id
  std::map<int64_t, std::optional<Repository>> repos_;  // nullopt: deleted
  std::map<std::string, int64_t> new_names_;
  std::map<int64_t, std::optional<SyncOperation>> ops_;  // nullopt: deleted
  std::map<int64_t, WatchStatus> watches_;               // by repository id
  std::map<int64_t, SyncRequest> requests_;  // new or rewritten, by id
  std::map<int64_t, std::optional<Entity>> entities_;  // nullopt: deleted
  std::map<EntityKey, int64_t> entity_keys_;  // keys of pending entities -> id
};

}  // namespace tidemark

#endif  // TIDEMARK_TESTS_FAKES_MEMORY_CATALOG_TRANSACTION_H_
