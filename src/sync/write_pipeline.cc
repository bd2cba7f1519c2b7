#include "sync/write_pipeline.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "common/paths.h"
#include "sync/hasher.h"

namespace tidemark {
namespace {

// Batches waiting for the writer; bounds memory while the walk runs ahead.
constexpr size_t kMaxQueuedBatches = 3;

}  // namespace

enum class WritePipeline::ItemKind { kAdd, kChange, kMove };

struct WritePipeline::Item {
  using Kind = ItemKind;
  Kind kind = Kind::kAdd;
  StorageEntry entry;
  FileRecord base;  // the existing record, for kChange and kMove
  bool needs_hash = false;
  bool prehashed = false;  // `hashed` was filled by the caller
  Result<HashedObject> hashed = Status::Cancelled("not hashed");
};

struct WritePipeline::Batch {
  std::vector<Item> items;
  std::mutex mu;
  std::condition_variable cv;
  size_t pending_hashes = 0;  // guarded by mu
};

WritePipeline::WritePipeline(StorageBackend& backend, Gateway& gateway,
                             int64_t repository_id, SyncOperation& op,
                             WritePipelineOptions options)
    : backend_(backend),
      gateway_(gateway),
      repository_id_(repository_id),
      op_(op),
      options_(options),
      current_(std::make_unique<Batch>()) {
  if (options_.batch_size == 0) options_.batch_size = 1;
  if (options_.hash != HashAlgorithm::kNone) {
    hash_pool_ = std::make_unique<WorkerPool>(options_.hash_threads);
  }
  current_->items.reserve(options_.batch_size);
  writer_ = std::thread([this] { WriterLoop(); });
}

WritePipeline::~WritePipeline() {
  if (!finished_) (void)Finish();
}

Status WritePipeline::Add(const StorageEntry& entry) {
  return Enqueue(Item::Kind::kAdd, nullptr, entry);
}

Status WritePipeline::Change(const FileRecord& record,
                             const StorageEntry& entry) {
  return Enqueue(Item::Kind::kChange, &record, entry);
}

Status WritePipeline::Move(const FileRecord& record,
                           const StorageEntry& entry) {
  return Enqueue(Item::Kind::kMove, &record, entry);
}

Status WritePipeline::AddHashed(HashedObject hashed) {
  if (options_.hash == HashAlgorithm::kNone) return Add(hashed.entry);
  Item item;
  item.kind = Item::Kind::kAdd;
  item.entry = hashed.entry;
  item.prehashed = true;
  item.hashed = std::move(hashed);
  return Push(std::move(item));
}

Status WritePipeline::Enqueue(ItemKind kind, const FileRecord* base,
                              const StorageEntry& entry) {
  Item item;
  item.kind = kind;
  item.entry = entry;
  if (base != nullptr) item.base = *base;
  item.needs_hash = item.kind != Item::Kind::kMove &&
                    options_.hash != HashAlgorithm::kNone &&
                    item.entry.kind == EntryKind::kFile;
  return Push(std::move(item));
}

Status WritePipeline::Push(Item item) {
  if (failed_.load()) {
    std::lock_guard<std::mutex> lock(mu_);
    return writer_status_;
  }
  current_->items.push_back(std::move(item));
  if (current_->items.size() >= options_.batch_size) return Flush();
  return Status::Ok();
}

Status WritePipeline::Flush() {
  if (current_->items.empty()) return Status::Ok();
  Batch* batch = current_.get();
  if (hash_pool_ != nullptr) {
    // Hash in chunks so a few pool tasks cover a whole batch.
    std::vector<size_t> to_hash;
    for (size_t i = 0; i < batch->items.size(); ++i) {
      if (batch->items[i].needs_hash) to_hash.push_back(i);
    }
    constexpr size_t kChunk = 64;
    const size_t chunks = (to_hash.size() + kChunk - 1) / kChunk;
    batch->pending_hashes = chunks;
    for (size_t c = 0; c < chunks; ++c) {
      std::vector<size_t> chunk(
          to_hash.begin() + c * kChunk,
          to_hash.begin() + std::min(to_hash.size(), (c + 1) * kChunk));
      hash_pool_->Submit([this, batch, chunk = std::move(chunk)] {
        for (size_t i : chunk) {
          Item& item = batch->items[i];
          if (options_.cancel != nullptr && options_.cancel->load()) {
            item.hashed = Status::Cancelled("stopped before hashing");
            continue;
          }
          item.hashed = HashObject(backend_, item.entry.path, options_.hash);
        }
        std::lock_guard<std::mutex> lock(batch->mu);
        if (--batch->pending_hashes == 0) batch->cv.notify_all();
      });
    }
  }
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] {
    return queue_.size() < kMaxQueuedBatches || failed_.load();
  });
  if (failed_.load()) return writer_status_;
  queue_.push_back(std::move(current_));
  current_ = std::make_unique<Batch>();
  current_->items.reserve(options_.batch_size);
  cv_.notify_all();
  return Status::Ok();
}

Status WritePipeline::Finish() {
  if (finished_) {
    std::lock_guard<std::mutex> lock(mu_);
    return writer_status_;
  }
  finished_ = true;
  Status flushed = failed_.load() ? Status::Ok() : Flush();
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  writer_.join();
  // Hash tasks of a batch the writer never took still point into it.
  hash_pool_.reset();
  std::lock_guard<std::mutex> lock(mu_);
  if (!writer_status_.ok()) return writer_status_;
  return flushed;
}

void WritePipeline::WriterLoop() {
  for (;;) {
    std::unique_ptr<Batch> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return closing_ || !queue_.empty(); });
      if (queue_.empty()) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
      cv_.notify_all();
    }
    {
      std::unique_lock<std::mutex> lock(batch->mu);
      batch->cv.wait(lock, [&] { return batch->pending_hashes == 0; });
    }
    Status s = failed_.load() ? Status::Ok() : WriteBatch(*batch);
    if (!s.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      writer_status_ = s;
      failed_ = true;
      cv_.notify_all();
    }
  }
}

Status WritePipeline::WriteBatch(Batch& batch) {
  const int64_t now = gateway_.clock().NowNanos();
  ChangeSet set;
  set.repository_id = repository_id_;
  OperationCounters delta;
  for (Item& item : batch.items) {
    FileRecord record =
        item.kind == Item::Kind::kAdd ? FileRecord{} : item.base;
    // The item is done with after this; its strings are moved, not copied.
    StorageEntry* observed = &item.entry;
    if (item.needs_hash || item.prehashed) {
      if (item.hashed.ok()) {
        observed = &item.hashed->entry;
        record.content_hash = std::move(item.hashed->digest);
        record.hash_algorithm = options_.hash;
      } else if (item.hashed.status().IsNotFound() ||
                 item.hashed.status().code() == StatusCode::kCancelled) {
        // Vanished since it was listed, or stopped before it was read: the
        // next scan sees it as it is then.
        continue;
      } else {
        Warn("could not hash '" + DisplayPath(item.entry.path) + "': " +
             item.hashed.status().message() + "; recorded without a hash");
        record.content_hash.clear();
        record.hash_algorithm = HashAlgorithm::kNone;
        ++delta.errors;
      }
    } else if (item.kind != Item::Kind::kMove) {
      record.content_hash.clear();
      record.hash_algorithm = HashAlgorithm::kNone;
    }
    record.repository_id = repository_id_;
    record.path = std::move(observed->path);
    record.kind = observed->kind;
    record.size = observed->size;
    record.mtime_ns = observed->mtime_ns;
    record.device = observed->device;
    record.inode = observed->inode;
    record.state = RecordState::kPresent;
    record.last_scanned_ns = now;
    record.scan_generation = options_.generation;
    record.updated_at_ns = now;
    switch (item.kind) {
      case Item::Kind::kAdd:
        record.created_at_ns = now;
        set.added.push_back(std::move(record));
        ++delta.added;
        break;
      case Item::Kind::kChange:
        set.updated.push_back(std::move(record));
        set.moved_from.emplace_back();
        ++delta.updated;
        break;
      case Item::Kind::kMove:
        set.updated.push_back(std::move(record));
        set.moved_from.push_back(item.base.path);
        ++delta.moved;
        break;
    }
  }
  SyncOperation progress = op_;
  progress.counters.scanned = scanned_.load();
  progress.counters.added += delta.added;
  progress.counters.updated += delta.updated;
  progress.counters.moved += delta.moved;
  progress.counters.errors += delta.errors;
  set.progress = &progress;
  ASSIGN_OR_RETURN(ApplyResult applied, gateway_.Apply(set));
  rows_written_ += applied.rows_written;
  op_.counters = progress.counters;
  return Status::Ok();
}

void WritePipeline::Warn(std::string message) {
  spdlog::warn("{}", message);
  if (warnings_.size() < options_.max_warnings) {
    warnings_.push_back(std::move(message));
  }
}

}  // namespace tidemark
