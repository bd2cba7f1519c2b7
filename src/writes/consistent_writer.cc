// ConsistentWriter: shared helpers, Upload, Replace and Delete. The prefix
// operations live in prefix_delete.cc and prefix_move.cc.
#include "writes/consistent_writer.h"

#include <memory>
#include <set>
#include <utility>

#include "common/paths.h"
#include "common/writer_files.h"
#include "sync/hasher.h"
#include "writes/write_helpers.h"

namespace tidemark {
namespace {

using writes_internal::Quote;
using writes_internal::RestoredState;

constexpr size_t kPage = 8192;

// A source's bytes pass through to the writer, fed to a digest on the way
// and counted.
class HashingSource final : public ByteSource {
 public:
  HashingSource(ByteSource& inner, HashAlgorithm algo) : inner_(inner) {
    if (algo != HashAlgorithm::kNone) {
      digest_ = std::make_unique<ContentDigest>(algo);
    }
  }
  Result<size_t> Read(char* buf, size_t n) override {
    ASSIGN_OR_RETURN(size_t got, inner_.Read(buf, n));
    if (digest_ != nullptr) digest_->Update(std::string_view(buf, got));
    bytes_ += static_cast<int64_t>(got);
    return got;
  }
  int64_t SizeHint() const override { return inner_.SizeHint(); }

  int64_t bytes() const { return bytes_; }
  // The digest of what passed; "" when nothing is hashed.
  Result<std::string> Finish() {
    if (digest_ == nullptr) return std::string();
    return digest_->Finish();
  }

 private:
  ByteSource& inner_;
  std::unique_ptr<ContentDigest> digest_;
  int64_t bytes_ = 0;
};

// How many bytes `source` holds: its hint, else counted by reading it.
Result<int64_t> SizeOf(ByteSource& source) {
  if (source.SizeHint() >= 0) return source.SizeHint();
  int64_t total = 0;
  std::unique_ptr<char[]> buf(new char[kPage]);
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source.Read(buf.get(), kPage));
    if (n == 0) return total;
    total += static_cast<int64_t>(n);
  }
}

}  // namespace

ConsistentWriter::ConsistentWriter(StorageBackend& backend, CatalogStore& store,
                                   Gateway& gateway, const Repository& repo,
                                   WriteOptions options)
    : backend_(backend),
      store_(store),
      gateway_(gateway),
      repo_(repo),
      options_(options) {}

Result<std::string> ConsistentWriter::CheckPath(std::string_view path) const {
  ASSIGN_OR_RETURN(std::string p, NormalizeObjectPath(path));
  if (IsWriterFile(BaseName(p))) {
    return Status::InvalidArgument(
        "path " + Quote(p) +
        " has the form of tidemark's own temporary files and old copies, "
        "which are never catalogued; pick another name");
  }
  if (options_.filter != nullptr &&
      !options_.filter->AcceptWithParents(p, /*is_directory=*/false)) {
    return Status::InvalidArgument(
        "path " + Quote(p) + " is excluded by the filters of repository '" +
        repo_.name +
        "' (hidden, temporary, system or backup names, or an exclude glob), "
        "so a scan would never catalog it; pick another name");
  }
  return p;
}

Result<std::vector<FileRecord>> ConsistentWriter::ReadAll(
    const std::string& scope) {
  std::vector<FileRecord> out;
  RecordRange range;
  range.repository_id = repo_.id;
  range.scope = scope;
  for (;;) {
    ASSIGN_OR_RETURN(std::vector<FileRecord> page,
                     store_.ReadRecords(range, kPage));
    const bool last = page.size() < kPage;
    if (!page.empty()) range.after = page.back().path;
    for (FileRecord& r : page) out.push_back(std::move(r));
    if (last) break;
  }
  return out;
}

Result<SyncOperation> ConsistentWriter::Begin() {
  // An unreachable root fails before the catalog or storage is touched.
  RETURN_IF_ERROR(backend_.CheckRoot());
  return gateway_.BeginOperation(repo_.id, options_.type);
}

SyncOperation ConsistentWriter::Planned(OperationStatus status) const {
  SyncOperation op;
  op.repository_id = repo_.id;
  op.type = options_.type;
  op.status = status;
  return op;
}

void ConsistentWriter::Finish(SyncOperation& op, OperationStatus status,
                              const std::string& error,
                              std::vector<std::string>* warnings) {
  op.status = status;
  op.error_message = error;
  Status written = gateway_.FinishOperation(op);
  if (!written.ok() && warnings != nullptr) {
    warnings->push_back("could not record the end of operation " +
                        std::to_string(op.id) + ": " + written.message());
  }
}

Status ConsistentWriter::Fail(SyncOperation& op, const Status& error) {
  ++op.counters.errors;
  Finish(op, OperationStatus::kFailed, error.message(), nullptr);
  return error;
}

Status ConsistentWriter::ApplyCounted(ChangeSet& set, SyncOperation& op,
                                      const OperationCounters& before) {
  set.repository_id = repo_.id;
  set.progress = &op;
  auto applied = gateway_.Apply(set);
  set.progress = nullptr;
  if (!applied.ok()) {
    op.counters = before;
    return applied.status();
  }
  return Status::Ok();
}

FileRecord ConsistentWriter::RecordOf(FileRecord base,
                                      const StorageEntry& written,
                                      std::string digest) const {
  FileRecord r = std::move(base);
  const int64_t now = gateway_.clock().NowNanos();
  r.repository_id = repo_.id;
  r.path = written.path;
  r.kind = written.kind;
  r.size = written.size;
  r.mtime_ns = written.mtime_ns;
  r.device = written.device;
  r.inode = written.inode;
  r.content_hash = std::move(digest);
  r.hash_algorithm =
      r.content_hash.empty() ? HashAlgorithm::kNone : options_.hash;
  r.state = RecordState::kPresent;
  r.last_scanned_ns = now;
  r.scan_generation = repo_.scan_generation;
  r.updated_at_ns = now;
  if (r.created_at_ns == 0) r.created_at_ns = now;
  return r;
}

LeftoverOutcome ConsistentWriter::SettleLeftoversIn(
    std::string_view folder, bool recursive,
    std::vector<std::string>* warnings) {
  auto found = FindLeftovers(backend_, store_, repo_, folder, recursive,
                             options_.filter, warnings);
  if (!found.ok()) {
    warnings->push_back(
        "could not look for leftovers of interrupted writes in " +
        Quote(folder) + ": " + found.status().message());
    return {};
  }
  LeftoverOutcome out =
      SettleLeftovers(backend_, *found, /*any_writer=*/false, options_.dry_run);
  for (const Leftover& l : out.kept) {
    warnings->push_back("left as it is: " + Quote(l.path) + " (" + l.writer +
                        "): " + l.reason);
  }
  return out;
}

std::vector<std::string> ConsistentWriter::Unrecorded(
    const std::string& scope, const std::vector<std::string>& except,
    std::vector<std::string>* warnings) {
  std::vector<std::string> out;
  const std::set<std::string> skip(except.begin(), except.end());
  ListOptions list;
  list.scope = scope;
  auto listing = backend_.List(list);
  if (!listing.ok()) {
    if (!listing.status().IsNotFound()) {
      warnings->push_back(
          "could not list " + Quote(scope) +
          " for objects without a record: " + listing.status().message());
    }
    return out;
  }
  ListItem item;
  for (;;) {
    auto more = (*listing)->Next(&item);
    if (!more.ok()) {
      warnings->push_back("could not list " + Quote(scope) +
                          " completely: " + more.status().message());
      break;
    }
    if (!*more) break;
    if (item.type == ListItem::Type::kEntry && !skip.count(item.entry.path) &&
        !IsWriterFile(BaseName(item.entry.path))) {
      out.push_back(item.entry.path);
    }
  }
  return out;
}

Result<UploadResult> ConsistentWriter::Upload(std::string_view path,
                                              ByteSource& source) {
  ASSIGN_OR_RETURN(std::string p, CheckPath(path));
  ASSIGN_OR_RETURN(std::optional<FileRecord> existing,
                   store_.FindRecord(repo_.id, p));
  return Write(p, source, std::move(existing));
}

Result<UploadResult> ConsistentWriter::Upload(std::string_view path,
                                              std::string_view data) {
  StringSource source(data);
  return Upload(path, source);
}

Result<UploadResult> ConsistentWriter::Replace(std::string_view path,
                                               ByteSource& source) {
  ASSIGN_OR_RETURN(std::string p, CheckPath(path));
  ASSIGN_OR_RETURN(std::optional<FileRecord> existing,
                   store_.FindRecord(repo_.id, p));
  if (!existing.has_value()) {
    return Status::NotFound("no record at " + Quote(p) + " in repository '" +
                            repo_.name + "' to replace; upload it instead");
  }
  return Write(p, source, std::move(existing));
}

Result<UploadResult> ConsistentWriter::Replace(std::string_view path,
                                               std::string_view data) {
  StringSource source(data);
  return Replace(path, source);
}

Result<UploadResult> ConsistentWriter::Write(
    const std::string& path, ByteSource& source,
    std::optional<FileRecord> existing) {
  UploadResult result;
  result.replaced = existing.has_value();
  if (options_.dry_run) {
    result.replaced = result.replaced || backend_.Stat(path).ok();
    result.record = existing.value_or(FileRecord{});
    result.record.path = path;
    ASSIGN_OR_RETURN(result.record.size, SizeOf(source));
    result.leftovers =
        SettleLeftoversIn(DirName(path), false, &result.warnings);
    result.operation = Planned(OperationStatus::kCompleted);
    return result;
  }
  ASSIGN_OR_RETURN(result.operation, Begin());
  SyncOperation& op = result.operation;
  result.leftovers = SettleLeftoversIn(DirName(path), false, &result.warnings);

  // Whatever is at `path` now (catalogued or not) is copied aside (a hard
  // link where the backend has them), so that it can be put back if
  // anything below fails. `path` itself always holds the old or the new
  // object: a crash at any point never leaves it empty.
  std::string aside;
  auto current = backend_.Stat(path);
  if (current.ok()) {
    aside = JoinPath(DirName(path), NewOldCopyName(BaseName(path)));
    Status copied = backend_.Copy(path, aside);
    if (!copied.ok()) {
      return Fail(op,
                  copied.WithContext("cannot keep a copy of the old "
                                     "object at " +
                                     Quote(path) + "; nothing was changed"));
    }
    result.replaced = true;
  } else if (!current.status().IsNotFound()) {
    return Fail(op, current.status());
  }

  // Removes the new object and moves the old one back.
  auto undo = [&](const Status& cause) -> Status {
    std::string trouble;
    Status removed = backend_.Remove(path);
    if (!removed.ok() && !removed.IsNotFound()) {
      trouble = "the new object could not be removed (" + removed.message() +
                "; `tidemark check` reports it)";
    }
    if (!aside.empty() && !trouble.empty()) {
      trouble += "; the old object is kept at " + Quote(aside);
    } else if (!aside.empty()) {
      Status back = backend_.Move(aside, path);
      if (!back.ok()) {
        trouble += std::string(trouble.empty() ? "" : "; ") +
                   "the old object is kept at " + Quote(aside) +
                   " and could not be moved back (" + back.message() +
                   "); move it back by hand";
      }
    }
    if (trouble.empty()) {
      return Fail(op, cause.WithContext("upload of " + Quote(path) +
                                        " undone, storage and catalog are "
                                        "as before"));
    }
    return Fail(
        op, Status(cause.code(), "upload of " + Quote(path) +
                                     " failed: " + cause.message() +
                                     "; undoing it failed too: " + trouble));
  };

  HashingSource hashing(source, options_.hash);
  auto written = backend_.WriteFrom(path, hashing);
  if (!written.ok()) return undo(written.status());
  if (written->size != hashing.bytes()) {
    return undo(
        Status::Aborted(Quote(path) + " changed while it was written (" +
                        std::to_string(hashing.bytes()) + " bytes sent, " +
                        std::to_string(written->size) + " stored)"));
  }
  auto digest = hashing.Finish();
  if (!digest.ok()) return undo(digest.status());
  FileRecord observed = RecordOf(existing.value_or(FileRecord{}), *written,
                                 std::move(digest).value());

  ChangeSet set;
  const OperationCounters before = op.counters;
  if (existing.has_value()) {
    set.updated.push_back(std::move(observed));
    set.moved_from.emplace_back();
    ++op.counters.updated;
  } else {
    set.added.push_back(std::move(observed));
    ++op.counters.added;
  }
  Status applied = ApplyCounted(set, op, before);
  if (!applied.ok()) return undo(applied);
  result.record = existing.has_value() ? set.updated[0] : set.added[0];

  if (!aside.empty()) {
    Status gone = backend_.Remove(aside);
    if (!gone.ok() && !gone.IsNotFound()) {
      result.warnings.push_back(
          "the replaced object was kept at " + Quote(aside) + " (" +
          gone.message() +
          "); it is never catalogued, and the next write in its folder "
          "(or repair --remove-leftovers) removes it once this process has "
          "ended");
    }
  }
  Finish(op, OperationStatus::kCompleted, "", &result.warnings);
  return result;
}

Result<DeleteResult> ConsistentWriter::Delete(std::string_view path) {
  ASSIGN_OR_RETURN(std::string p, NormalizeObjectPath(path));
  ASSIGN_OR_RETURN(std::optional<FileRecord> record,
                   store_.FindRecord(repo_.id, p));
  if (!record.has_value()) {
    return Status::NotFound("no record at " + Quote(p) + " in repository '" +
                            repo_.name + "'");
  }
  DeleteResult result;
  if (options_.dry_run) {
    result.records_removed = 1;
    result.objects_removed = backend_.Stat(p).ok() ? 1 : 0;
    result.leftovers = SettleLeftoversIn(DirName(p), false, &result.warnings);
    result.operation = Planned(OperationStatus::kCompleted);
    return result;
  }
  ASSIGN_OR_RETURN(result.operation, Begin());
  SyncOperation& op = result.operation;
  result.leftovers = SettleLeftoversIn(DirName(p), false, &result.warnings);
  const int64_t now = gateway_.clock().NowNanos();

  // 1. The record says "deleting" before the object goes.
  ChangeSet mark;
  mark.updated.push_back(*record);
  mark.updated[0].state = RecordState::kDeleting;
  mark.updated[0].updated_at_ns = now;
  mark.moved_from.emplace_back();
  Status marked = ApplyCounted(mark, op, op.counters);
  if (!marked.ok()) {
    return Fail(op, marked.WithContext("cannot mark " + Quote(p) +
                                       " as deleting; nothing was deleted"));
  }

  // 2. The object. Already gone counts as removed.
  Status removed = backend_.Remove(p);
  if (!removed.ok() && !removed.IsNotFound()) {
    ChangeSet back;
    back.updated.push_back(*record);
    back.updated[0].state = RestoredState(record->state);
    back.updated[0].updated_at_ns = now;
    back.moved_from.emplace_back();
    Status restored = ApplyCounted(back, op, op.counters);
    std::string what = "cannot remove " + Quote(p) + ": " + removed.message();
    what += restored.ok()
                ? "; its record was kept"
                : "; its record could not be put back (" + restored.message() +
                      ") and stays 'deleting' until the next scan";
    return Fail(op, Status(removed.code(), what));
  }
  if (removed.ok()) ++result.objects_removed;

  // 3. The record, guarded by id and path.
  ChangeSet drop;
  drop.removed.push_back(RecordKey{record->id, p});
  const OperationCounters before = op.counters;
  ++op.counters.removed;
  Status dropped = ApplyCounted(drop, op, before);
  if (!dropped.ok()) {
    return Fail(op, dropped.WithContext(
                        "the object " + Quote(p) +
                        " was removed, but its record could not be: it is "
                        "left 'deleting', and the next scan (or the same "
                        "delete again) removes it"));
  }
  result.records_removed = 1;
  Finish(op, OperationStatus::kCompleted, "", &result.warnings);
  return result;
}

}  // namespace tidemark
