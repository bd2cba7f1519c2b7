#include "app/lease_scope.h"

#include <chrono>

namespace tidemark::app {

Result<std::unique_ptr<WriteLease>> TakeLease(const Context& ctx,
                                              Repository& repo) {
  Gateway* gateway = &ctx.gateway();
  ASSIGN_OR_RETURN(WriterTurns::Turn turn,
                   ctx.writer_turns().Take(repo.id, repo.name,
                                           std::chrono::milliseconds(
                                               ctx.config().busy_timeout_ms)));
  std::unique_ptr<LeaseKeeper> keeper;
  // A fence means this process holds the lease already (the daemon of
  // `tidemark serve` watching the repository): asking again would find
  // our own live lease and fail, and a keeper would release it when done.
  // With the turn held, the fence cannot be another one-off writer's.
  // A lost lease keeps its stale fence too; writes then fail Aborted.
  if (!gateway->FenceFor(repo.id).has_value()) {
    ASSIGN_OR_RETURN(keeper,
                     LeaseKeeper::Acquire(*gateway, repo, ctx.lease_timing()));
  }
  // The row read before the lease may be stale (another worker scanned in
  // between) or, with SQLite's reused ids, another repository's by now.
  auto fresh = ctx.FindRepository(repo.name);
  if (!fresh.ok() || fresh->id != repo.id) {
    return Status::NotFound("repository '" + repo.name +
                            "' was removed while this command waited for "
                            "it; nothing was changed");
  }
  if (fresh->detached) {
    // `repo remove` keeps a repository's records as they were: no scan,
    // write or repair may change them (the API answers 409 the same way).
    return Status::FailedPrecondition(
        "repository '" + repo.name +
        "' is detached (removed, its records kept): nothing is synced or "
        "written to it; attach it again with 'tidemark repo add " +
        repo.name + " " + fresh->url + "' first");
  }
  repo = std::move(fresh).value();
  return std::make_unique<WriteLease>(std::move(turn), std::move(keeper));
}

}  // namespace tidemark::app
