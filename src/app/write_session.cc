#include "app/write_session.h"

namespace tidemark::app {

Result<std::unique_ptr<WriteSession>> OpenWriteSession(const Context& ctx,
                                                       const Repository& repo,
                                                       bool dry_run) {
  auto session = std::make_unique<WriteSession>();
  session->repo = repo;
  if (!dry_run) {
    ASSIGN_OR_RETURN(session->lease, TakeLease(ctx, session->repo));
  }
  ASSIGN_OR_RETURN(session->settings,
                   ResolveSyncSettings(ctx, session->repo, ScanSettings{}));
  ASSIGN_OR_RETURN(session->backend,
                   ctx.wiring().open_backend(session->repo.url));
  WriteOptions options;
  options.hash = session->settings->hash;
  options.filter = &session->settings->filter;
  options.type = OperationType::kOnDemand;
  options.dry_run = dry_run;
  session->writer = std::make_unique<ConsistentWriter>(
      *session->backend, ctx.store(), ctx.gateway(), session->repo, options);
  return session;
}

}  // namespace tidemark::app
