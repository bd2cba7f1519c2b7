// Taking a repository's lease for one command that writes (scan, repair,
// put/rm/mv, the cars operations): the LeaseKeeper heartbeats it until it is
// destroyed, and the repository row is read again under the lease (the one
// read before may be stale). When this process holds the lease already
// (the Gateway has a fence for the repository: the daemon of `tidemark
// serve` watches it), no keeper is made: writes go out under that fence.
// Thread-safe once the CliContext's gateway is open.
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
// was removed meanwhile. Keep the result alive while writing; it is null
// when the Gateway already holds a fence for `repo` (this process's lease,
// which stays with its owner).
Result<std::unique_ptr<LeaseKeeper>> TakeLease(CliContext& ctx,
                                               Repository& repo);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_LEASE_SCOPE_H_
