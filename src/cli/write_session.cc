#include "cli/write_session.h"

namespace tidemark::cli {

Result<std::unique_ptr<WriteSession>> OpenWriteSession(CliContext& ctx,
                                                       const Repository& repo,
                                                       bool dry_run) {
  auto session = std::make_unique<WriteSession>();
  session->repo = repo;
  ASSIGN_OR_RETURN(app::Context * app, ctx.App());
  if (!dry_run) {
    ASSIGN_OR_RETURN(session->lease, app::TakeLease(*app, session->repo));
  }
  ASSIGN_OR_RETURN(session->settings,
                   ResolveSyncSettings(ctx, session->repo, ScanSettings{}));
  ASSIGN_OR_RETURN(session->backend,
                   ctx.wiring().open_backend(session->repo.url));
  ASSIGN_OR_RETURN(CatalogStore * store, ctx.Store());
  ASSIGN_OR_RETURN(Gateway * gateway, ctx.GetGateway());
  WriteOptions options;
  options.hash = session->settings->hash;
  options.filter = &session->settings->filter;
  options.type = OperationType::kOnDemand;
  options.dry_run = dry_run;
  session->writer = std::make_unique<ConsistentWriter>(
      *session->backend, *store, *gateway, session->repo, options);
  return session;
}

}  // namespace tidemark::cli
