// Taking a repository's lease for one command that writes (scan, repair,
// put/rm/mv, the cars operations): the WriteLease holds the repository's
// writer turn in this process (writer_turns.h) and the LeaseKeeper that
// heartbeats the lease, until it is destroyed; the repository row is read
// again under the lease (the one read before may be stale). When this
// process holds the lease already (the Gateway has a fence for the
// repository: the daemon of `tidemark serve` watches it), no keeper is made:
// writes go out under that fence, and the turn keeps this process's other
// one-off writers of the repository waiting until this one is done.
// Thread-safe, like the Context it uses.
#ifndef TIDEMARK_APP_LEASE_SCOPE_H_
#define TIDEMARK_APP_LEASE_SCOPE_H_

#include <memory>

#include "app/context.h"
#include "app/writer_turns.h"
#include "catalog/records.h"
#include "common/result.h"
#include "sync/lease_keeper.h"

namespace tidemark::app {

// What a writer holds while it writes one repository. Destruction releases
// the lease (when this writer took it), then the turn.
class WriteLease {
 public:
  WriteLease(WriterTurns::Turn turn, std::unique_ptr<LeaseKeeper> keeper)
      : turn_(std::move(turn)), keeper_(std::move(keeper)) {}

  // Null when the lease is this process's already (the daemon's).
  const LeaseKeeper* keeper() const { return keeper_.get(); }

 private:
  // Declared first, so it is released last: the next writer of the
  // repository must not find this one's lease still held.
  WriterTurns::Turn turn_;
  std::unique_ptr<LeaseKeeper> keeper_;
};

// Takes the turn and the lease of `repo` and refreshes `repo`. Fails
// (naming the live holder) when another process holds the lease, Aborted
// when another writer of this process keeps the turn past the catalog's
// busy timeout, and NotFound when the repository was removed meanwhile.
// Keep the result alive while writing.
Result<std::unique_ptr<WriteLease>> TakeLease(const Context& ctx,
                                              Repository& repo);

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_LEASE_SCOPE_H_
