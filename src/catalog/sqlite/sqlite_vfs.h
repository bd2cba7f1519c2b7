// The process-wide SQLite setup every catalog connection is opened with: the
// spill threshold of savepoint and statement journals, and the VFS that makes
// spilling them work.
//
// Each call under a savepoint (an entity upsert, a batch of record updates)
// and each statement that may abort keeps a "sub-journal" of the pages it
// changed. SQLite holds it in memory up to a threshold and then writes it to
// a temporary file, in chunks as large as the threshold; the unix VFS writes
// at most 128 KiB per call (it masks the length with 0x1ffff), so a larger
// chunk is written short and SQLite reports SQLITE_FULL, "database or disk
// is full", on a disk with room to spare. A small threshold instead spills
// the journals of ordinary entity upserts, and once spilled, every later
// statement of the transaction writes its pages to the file (a layout scan
// became 2.4 times slower; docs/PERFORMANCE.md). So the threshold stays at
// a few MiB and the VFS, SQLite's default one in every other respect, splits
// writes to sub-journals and temporary journals into pieces it takes whole.
//
// Thread-safety: CatalogVfs may be called from any thread; the setup runs
// once per process, and the VFS keeps no state besides the default VFS it
// forwards to.
#ifndef TIDEMARK_CATALOG_SQLITE_SQLITE_VFS_H_
#define TIDEMARK_CATALOG_SQLITE_SQLITE_VFS_H_

#include "common/result.h"

namespace tidemark {

// Savepoint and statement journals stay in memory up to this size.
inline constexpr int kJournalSpillBytes = 4 << 20;
// The largest single write the VFS hands to the default one.
inline constexpr int kMaxJournalWriteBytes = 64 << 10;

// Sets the spill threshold and registers the VFS, once per process. Returns
// the VFS name to pass to sqlite3_open_v2. Internal if SQLite has no default
// VFS or refuses the registration (nothing is then opened with a threshold
// that would fail).
Result<const char*> CatalogVfs();

}  // namespace tidemark

#endif  // TIDEMARK_CATALOG_SQLITE_SQLITE_VFS_H_
