#include "writes/leftovers.h"

#include <optional>
#include <utility>

#include "common/paths.h"
#include "sync/hasher.h"
#include "sync/planner.h"
#include "writes/write_helpers.h"

namespace tidemark {
namespace {

using writes_internal::Quote;

// Who wrote `file`, and whether that writer is gone; nullopt when it runs.
std::optional<std::pair<bool, std::string>> Writer(const WriterFile& file) {
  if (!file.writer.has_value()) {
    return std::make_pair(false, std::string("an older tidemark, whose names "
                                             "do not say which process"));
  }
  const std::string pid = "pid " + std::to_string(file.writer->pid);
  switch (ProbeProcess(*file.writer, SystemProcessProbe())) {
    case ProcessFate::kRunning:
      return std::nullopt;
    case ProcessFate::kGone:
      return std::make_pair(true, pid + ", no longer running");
    case ProcessFate::kUnknown:
      break;
  }
  return std::make_pair(false, pid + " of another host, container or boot");
}

// Whether the old copy `copy` is the very object at `path` now.
Result<bool> SameObject(StorageBackend& backend, const StorageEntry& copy,
                        const StorageEntry& path) {
  if (copy.kind != path.kind || copy.size != path.size) return false;
  if (backend.Capabilities().has_inodes) {
    return copy.device == path.device && copy.inode == path.inode;
  }
  if (copy.kind != EntryKind::kFile) return false;
  ASSIGN_OR_RETURN(HashedObject a,
                   HashObject(backend, copy.path, HashAlgorithm::kSha256));
  ASSIGN_OR_RETURN(HashedObject b,
                   HashObject(backend, path.path, HashAlgorithm::kSha256));
  return a.digest == b.digest;
}

// Settles an old copy, by the table in leftovers.h.
Status ClassifyOldCopy(StorageBackend& backend, CatalogStore& store,
                       const Repository& repo, const StorageEntry& copy,
                       Leftover& out) {
  const std::string& original = out.original;
  ASSIGN_OR_RETURN(std::optional<FileRecord> record,
                   store.FindRecord(repo.id, original));
  auto now = backend.Stat(original);
  if (!now.ok() && !now.status().IsNotFound()) {
    out.action = LeftoverAction::kKeep;
    out.reason =
        "cannot look at " + Quote(original) + ": " + now.status().message();
    return Status::Ok();
  }
  CompareOptions compare;
  compare.compare_inodes = backend.Capabilities().has_inodes;
  const bool record_is_copy =
      record.has_value() && EntryMatchesRecord(*record, copy, compare);
  if (now.ok()) {
    auto same = SameObject(backend, copy, *now);
    if (same.ok() && *same) {
      out.action = LeftoverAction::kRemove;
      out.reason = "the same object as " + Quote(original) +
                   " (its replace was stopped before new content landed)";
      return Status::Ok();
    }
    if (record.has_value() && EntryMatchesRecord(*record, *now, compare)) {
      out.action = LeftoverAction::kRemove;
      out.reason = "the content " + Quote(original) +
                   " had before a replace that was recorded";
      return Status::Ok();
    }
  } else if (record_is_copy) {
    out.action = LeftoverAction::kRestore;
    out.reason = Quote(original) +
                 " is missing and its record describes this copy (a replace "
                 "was being undone): it goes back there";
    return Status::Ok();
  }
  out.action = LeftoverAction::kKeep;
  if (record_is_copy) {
    out.reason = "an interrupted replace: " + Quote(original) +
                 " holds new content that was never recorded, and its record "
                 "still describes this copy. Once a scan (or repair "
                 "--update-modified) records the new content, this copy is "
                 "removed; to undo the replace, move it back over " +
                 Quote(original);
  } else {
    out.reason = "no record describes this copy (" + Quote(original) +
                 " is not catalogued, or changed since); remove it by hand "
                 "if nothing needs it";
  }
  return Status::Ok();
}

}  // namespace

std::string_view LeftoverActionName(LeftoverAction action) {
  switch (action) {
    case LeftoverAction::kRemove:
      return "remove";
    case LeftoverAction::kRestore:
      return "restore";
    case LeftoverAction::kKeep:
      return "keep";
  }
  return "keep";
}

std::string_view WriterFileKindName(WriterFileKind kind) {
  return kind == WriterFileKind::kTemporary ? "temporary" : "old-copy";
}

Result<std::vector<Leftover>> ClassifyLeftovers(
    StorageBackend& backend, CatalogStore& store, const Repository& repo,
    const std::vector<StorageEntry>& writer_files) {
  std::vector<Leftover> out;
  for (const StorageEntry& entry : writer_files) {
    std::optional<WriterFile> file = ParseWriterFile(BaseName(entry.path));
    if (!file.has_value()) continue;
    auto writer = Writer(*file);
    if (!writer.has_value()) continue;  // work in progress
    Leftover l;
    l.path = entry.path;
    l.kind = file->kind;
    l.writer_gone = writer->first;
    l.writer = std::move(writer->second);
    l.size = entry.size;
    if (file->kind == WriterFileKind::kTemporary) {
      l.action = LeftoverAction::kRemove;
      l.reason =
          "an upload that never completed; it was never visible at any path";
    } else {
      l.original = JoinPath(DirName(entry.path), file->original);
      RETURN_IF_ERROR(ClassifyOldCopy(backend, store, repo, entry, l));
    }
    out.push_back(std::move(l));
  }
  return out;
}

Result<std::vector<Leftover>> FindLeftovers(
    StorageBackend& backend, CatalogStore& store, const Repository& repo,
    std::string_view folder, bool recursive, const PathFilterRules* filter,
    std::vector<std::string>* warnings) {
  ListOptions list;
  list.scope = std::string(folder);
  list.filter = [recursive, filter](std::string_view path, bool directory) {
    if (directory) {
      return recursive && (filter == nullptr || filter->Accept(path, true));
    }
    return IsWriterFile(BaseName(path));
  };
  const std::string what =
      "could not look for leftovers of interrupted writes in " + Quote(folder);
  std::vector<StorageEntry> found;
  auto listing = backend.List(list);
  if (!listing.ok()) {
    if (!listing.status().IsNotFound()) {
      warnings->push_back(what + ": " + listing.status().message());
    }
    return std::vector<Leftover>{};
  }
  ListItem item;
  for (;;) {
    auto more = (*listing)->Next(&item);
    if (!more.ok()) {
      warnings->push_back(what + " (all of it): " + more.status().message());
      break;
    }
    if (!*more) break;
    if (item.type == ListItem::Type::kEntry) {
      found.push_back(std::move(item.entry));
    }
  }
  return ClassifyLeftovers(backend, store, repo, found);
}

LeftoverOutcome SettleLeftovers(StorageBackend& backend,
                                const std::vector<Leftover>& leftovers,
                                bool any_writer, bool dry_run) {
  LeftoverOutcome out;
  for (const Leftover& l : leftovers) {
    if (l.action == LeftoverAction::kKeep || (!l.writer_gone && !any_writer)) {
      out.kept.push_back(l);
      continue;
    }
    Status done;
    if (!dry_run) {
      done = l.action == LeftoverAction::kRemove
                 ? backend.Remove(l.path)
                 : backend.Move(l.path, l.original);
      if (done.IsNotFound() && l.action == LeftoverAction::kRemove) {
        done = Status::Ok();  // gone already
      }
    }
    if (!done.ok()) {
      Leftover failed = l;
      failed.reason = "could not " + std::string(LeftoverActionName(l.action)) +
                      " it (" + done.message() + "); " + l.reason;
      out.kept.push_back(std::move(failed));
    } else if (l.action == LeftoverAction::kRemove) {
      out.removed.push_back(l.path);
    } else {
      out.restored.push_back(l);
    }
  }
  return out;
}

}  // namespace tidemark
