// Taking a repository's lease for one command that writes (scan, repair,
// put/rm/mv, the cars operations): the LeaseKeeper heartbeats it until it is
// destroyed, and the repository row is read again under the lease (the one
// read before may be stale). Single-threaded, like the CliContext.
#ifndef TIDEMARK_CLI_LEASE_SCOPE_H_
#define TIDEMARK_CLI_LEASE_SCOPE_H_

#include <memory>

#include "catalog/records.h"
#include "cli/context.h"
#include "common/result.h"
#include "sync/lease_keeper.h"

namespace tidemark::cli {

// Takes the lease of `repo` and refreshes `repo`. Fails (naming the live
// holder) when another process holds it, and NotFound when the repository
// was removed meanwhile. Keep the result alive while writing.
Result<std::unique_ptr<LeaseKeeper>> TakeLease(CliContext& ctx,
                                               Repository& repo);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_LEASE_SCOPE_H_
