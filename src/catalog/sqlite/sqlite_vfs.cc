#include "catalog/sqlite/sqlite_vfs.h"

#include <sqlite3.h>

#include <algorithm>
#include <string>

namespace tidemark {
namespace {

constexpr char kVfsName[] = "tidemark";

// SQLite's default VFS, which every call ends up in. Set once, before the
// VFS is registered.
sqlite3_vfs* default_vfs = nullptr;

// A journal file of this VFS: our methods, then the default VFS's file.
struct JournalFile {
  sqlite3_file base;
  sqlite3_file* real;  // points just past this struct
};

sqlite3_file* Real(sqlite3_file* file) {
  return reinterpret_cast<JournalFile*>(file)->real;
}

int Close(sqlite3_file* f) { return Real(f)->pMethods->xClose(Real(f)); }
int Read(sqlite3_file* f, void* buf, int n, sqlite3_int64 offset) {
  return Real(f)->pMethods->xRead(Real(f), buf, n, offset);
}
// The one method that differs: a long write goes down in pieces.
int Write(sqlite3_file* f, const void* buf, int n, sqlite3_int64 offset) {
  const char* bytes = static_cast<const char*>(buf);
  while (n > 0) {
    const int piece = std::min(n, kMaxJournalWriteBytes);
    const int rc = Real(f)->pMethods->xWrite(Real(f), bytes, piece, offset);
    if (rc != SQLITE_OK) return rc;
    bytes += piece;
    offset += piece;
    n -= piece;
  }
  return SQLITE_OK;
}
int Truncate(sqlite3_file* f, sqlite3_int64 size) {
  return Real(f)->pMethods->xTruncate(Real(f), size);
}
int Sync(sqlite3_file* f, int flags) {
  return Real(f)->pMethods->xSync(Real(f), flags);
}
int FileSize(sqlite3_file* f, sqlite3_int64* size) {
  return Real(f)->pMethods->xFileSize(Real(f), size);
}
int Lock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xLock(Real(f), level);
}
int Unlock(sqlite3_file* f, int level) {
  return Real(f)->pMethods->xUnlock(Real(f), level);
}
int CheckReservedLock(sqlite3_file* f, int* out) {
  return Real(f)->pMethods->xCheckReservedLock(Real(f), out);
}
int FileControl(sqlite3_file* f, int op, void* arg) {
  return Real(f)->pMethods->xFileControl(Real(f), op, arg);
}
int SectorSize(sqlite3_file* f) {
  return Real(f)->pMethods->xSectorSize(Real(f));
}
int DeviceCharacteristics(sqlite3_file* f) {
  return Real(f)->pMethods->xDeviceCharacteristics(Real(f));
}

// Version 1: a journal is never memory-mapped nor shared.
const sqlite3_io_methods kJournalMethods = {
    .iVersion = 1,
    .xClose = Close,
    .xRead = Read,
    .xWrite = Write,
    .xTruncate = Truncate,
    .xSync = Sync,
    .xFileSize = FileSize,
    .xLock = Lock,
    .xUnlock = Unlock,
    .xCheckReservedLock = CheckReservedLock,
    .xFileControl = FileControl,
    .xSectorSize = SectorSize,
    .xDeviceCharacteristics = DeviceCharacteristics,
    .xShmMap = nullptr,
    .xShmLock = nullptr,
    .xShmBarrier = nullptr,
    .xShmUnmap = nullptr,
    .xFetch = nullptr,
    .xUnfetch = nullptr,
};

// The files SQLite spills an in-memory journal into.
constexpr int kSpilledJournals =
    SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL;

int Open(sqlite3_vfs* /*vfs*/, const char* name, sqlite3_file* file, int flags,
         int* out_flags) {
  if ((flags & kSpilledJournals) == 0) {
    // Databases and their WAL: the default VFS's own file, untouched.
    return default_vfs->xOpen(default_vfs, name, file, flags, out_flags);
  }
  auto* journal = reinterpret_cast<JournalFile*>(file);
  journal->real = reinterpret_cast<sqlite3_file*>(journal + 1);
  journal->real->pMethods = nullptr;
  const int rc =
      default_vfs->xOpen(default_vfs, name, journal->real, flags, out_flags);
  // SQLite calls xClose whenever pMethods is set, even after a failed open.
  journal->base.pMethods =
      journal->real->pMethods != nullptr ? &kJournalMethods : nullptr;
  return rc;
}

sqlite3_vfs vfs;  // a copy of the default VFS with our name, size and Open

int Setup() {
  // Only before SQLite initializes; if another user of SQLite in this
  // process got there first, SQLite's default (64 KiB) stays, which is
  // slower for layout scans, not wrong.
  (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, kJournalSpillBytes);
  default_vfs = sqlite3_vfs_find(nullptr);
  if (default_vfs == nullptr) return SQLITE_ERROR;
  vfs = *default_vfs;
  vfs.szOsFile = static_cast<int>(sizeof(JournalFile)) + default_vfs->szOsFile;
  vfs.pNext = nullptr;
  vfs.zName = kVfsName;
  vfs.xOpen = Open;
  return sqlite3_vfs_register(&vfs, /*makeDflt=*/0);
}

}  // namespace

Result<const char*> CatalogVfs() {
  static const int rc = Setup();
  if (rc != SQLITE_OK) {
    return Status::Internal(std::string("cannot set up SQLite's file layer: ") +
                            sqlite3_errstr(rc));
  }
  return kVfsName;
}

}  // namespace tidemark
