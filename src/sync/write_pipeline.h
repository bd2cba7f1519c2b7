// WritePipeline: turns planned additions, changes and moves into batched
// ChangeSets, hashing new and changed files on a worker pool on the way.
//
// The planner thread calls Add/Change/Move in path order. Items are grouped
// into batches of `batch_size`; each batch's files are hashed in parallel,
// then a single writer thread applies the batch through the Gateway in one
// transaction (with the operation's counters, so a crash leaves them true).
// At most a few batches are in flight, so memory is bounded by the batch size,
// not by the number of files.
//
// A file that vanishes before it is hashed is dropped (it is gone). A file
// that cannot be read, or keeps changing while read, is recorded with its
// metadata and no hash, and counted as an error.
//
// Thread-safety: Add/Change/Move/Finish from one thread only.
#ifndef TIDEMARK_SYNC_WRITE_PIPELINE_H_
#define TIDEMARK_SYNC_WRITE_PIPELINE_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "catalog/records.h"
#include "common/hash_algorithm.h"
#include "common/worker_pool.h"
#include "storage/storage_backend.h"
#include "sync/gateway.h"
#include "sync/hasher.h"

namespace tidemark {

struct WritePipelineOptions {
  HashAlgorithm hash = HashAlgorithm::kSha256;
  size_t batch_size = 5000;
  int hash_threads = 2;
  int64_t generation = 0;  // scan generation stamped on written records
  size_t max_warnings = 100;
  // When set and true, files not hashed yet are skipped, not read, and
  // their items dropped (a later scan finds them): stopping does not wait
  // for the hashing of the batches in flight.
  const std::atomic<bool>* cancel = nullptr;
};

class WritePipeline {
 public:
  // `op` is the running operation; its counters are kept up to date by the
  // writer thread until Finish returns. All references must outlive this.
  WritePipeline(StorageBackend& backend, Gateway& gateway,
                int64_t repository_id, SyncOperation& op,
                WritePipelineOptions options);
  ~WritePipeline();
  WritePipeline(const WritePipeline&) = delete;
  WritePipeline& operator=(const WritePipeline&) = delete;

  // Each returns the writer's first error, if it failed; the caller should
  // stop planning then.
  Status Add(const StorageEntry& entry);
  Status Change(const FileRecord& record, const StorageEntry& entry);
  Status Move(const FileRecord& record, const StorageEntry& entry);
  // An addition the caller has already hashed (with this pipeline's
  // algorithm); it is not read again.
  Status AddHashed(HashedObject hashed);

  // Observed entries so far (written into the operation's progress rows).
  void SetScanned(int64_t scanned) { scanned_ = scanned; }

  // Flushes, waits for the writer, and returns its first error.
  Status Finish();

  int64_t rows_written() const { return rows_written_; }
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Item;
  struct Batch;
  enum class ItemKind;

  Status Enqueue(ItemKind kind, const FileRecord* base,
                 const StorageEntry& entry);
  Status Push(Item item);
  Status Flush();
  void WriterLoop();
  Status WriteBatch(Batch& batch);
  void Warn(std::string message);

  StorageBackend& backend_;
  Gateway& gateway_;
  int64_t repository_id_;
  SyncOperation& op_;
  WritePipelineOptions options_;
  std::unique_ptr<WorkerPool> hash_pool_;

  std::unique_ptr<Batch> current_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Batch>> queue_;  // guarded by mu_
  bool closing_ = false;                      // guarded by mu_
  Status writer_status_;                      // guarded by mu_
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> scanned_{0};
  int64_t rows_written_ = 0;           // writer thread until Finish
  std::vector<std::string> warnings_;  // writer thread until Finish
  bool finished_ = false;
  std::thread writer_;
};

}  // namespace tidemark

#endif  // TIDEMARK_SYNC_WRITE_PIPELINE_H_
