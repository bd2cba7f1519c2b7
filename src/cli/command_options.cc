#include "cli/command_options.h"

#include <utility>

#include "common/strict_parse.h"

namespace tidemark::cli {

CLI::Option* AddWholeNumberOption(CLI::App* command, const std::string& name,
                                  int64_t min, int64_t max,
                                  const std::string& help,
                                  std::function<void(int64_t)> set) {
  CLI::Option* option = command->add_option_function<std::string>(
      name,
      [name, min, max, set = std::move(set)](const std::string& text) {
        auto value = ParseInt64(text, name, min, max);
        if (!value.ok()) throw CLI::ValidationError(value.status().message());
        set(*value);
      },
      help + "; " + RangeText(min, max));
  option->type_name("INT");
  return option;
}

void AddScopeOptions(CLI::App* command, std::string* scope,
                     std::string* entity) {
  CLI::Option* by_scope = command->add_option(
      "--scope", *scope, "Only this folder (relative to the root)");
  CLI::Option* by_entity = command->add_option(
      "--entity", *entity,
      "Only the top-level entity with this key (needs a layout)");
  by_scope->excludes(by_entity);
  by_entity->excludes(by_scope);
}

void AddDaemonFlags(CLI::App* command, app::DaemonFlags* flags) {
  command->add_option("--debounce", flags->debounce,
                      "Quiet time before a changed path is synced (default "
                      "500ms, or [watch] debounce_ms)");
  command->add_option("--reconcile-interval", flags->reconcile_interval,
                      "Time between full reconciliations (default 24h)");
  command->add_option("--unwatched-rescan", flags->unwatched_rescan,
                      "Time between rescans of directories that cannot be "
                      "watched (default 5m)");
  command->add_option("--poll", flags->poll,
                      "How often a repository without change events, or "
                      "whose root is gone, is looked at (default 5s)");
  command->add_option("--heartbeat", flags->heartbeat,
                      "Lease renewal period (default 30s)");
  command->add_option("--lease-timeout", flags->lease_timeout,
                      "Lease lifetime without renewal (default 60s)");
  command->add_option("--hash", flags->settings.hash,
                      "Hash new and changed files with sha256, xxh3 or none");
  command->add_flag("--allow-mass-removal", flags->settings.allow_mass_removal,
                    "Confirm removals above the mass-removal threshold");
}

}  // namespace tidemark::cli
