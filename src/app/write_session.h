// WriteSession: what one consistent write (put, rm, mv, over the CLI or the
// HTTP API) needs, opened for one repository: its lease (lease_scope.h), its
// backend, its resolved sync settings and the ConsistentWriter over them.
//
// Heap-allocated by OpenWriteSession because the writer points into it; one
// thread uses a session at a time. The Context must outlive it.
#ifndef TIDEMARK_APP_WRITE_SESSION_H_
#define TIDEMARK_APP_WRITE_SESSION_H_

#include <memory>
#include <optional>

#include "app/context.h"
#include "app/lease_scope.h"
#include "app/sync_settings.h"
#include "catalog/records.h"
#include "common/result.h"
#include "storage/storage_backend.h"
#include "writes/consistent_writer.h"

namespace tidemark::app {

struct WriteSession {
  Repository repo;
  std::unique_ptr<WriteLease> lease;  // null for a dry run
  std::unique_ptr<StorageBackend> backend;
  std::optional<SyncSettings> settings;  // set once opened
  std::unique_ptr<ConsistentWriter> writer;
};

// Opens a session on `repo`. A dry run only reads, so it takes no lease (it
// works while another process holds the repository). Fails as TakeLease,
// ResolveSyncSettings or the backend's open fail.
Result<std::unique_ptr<WriteSession>> OpenWriteSession(const Context& ctx,
                                                       const Repository& repo,
                                                       bool dry_run);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_WRITE_SESSION_H_
