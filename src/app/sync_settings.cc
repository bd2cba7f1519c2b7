#include "app/sync_settings.h"

#include "app/repository_options.h"

namespace tidemark::app {

Result<SyncSettings> ResolveSyncSettings(const Context& ctx,
                                         const Repository& repo,
                                         const ScanSettings& flags) {
  ASSIGN_OR_RETURN(auto options,
                   ParseRepositoryOptions(repo.options_json, repo.name));
  ASSIGN_OR_RETURN(auto filter, PathFilterRules::Create(
                                    EffectiveFilters(ctx.config(), options)));
  HashAlgorithm hash = options.hash.value_or(ctx.config().hash);
  if (!flags.hash.empty()) {
    ASSIGN_OR_RETURN(hash, ParseHashAlgorithm(flags.hash));
  }
  return SyncSettings{
      .hash = hash,
      .batch_size =
          flags.batch_size > 0 ? flags.batch_size : ctx.config().batch_size,
      .threads = flags.threads > 0 ? flags.threads : ctx.config().threads,
      .mass_removal_threshold = ctx.config().mass_removal_threshold,
      .filter = std::move(filter)};
}

}  // namespace tidemark::app
