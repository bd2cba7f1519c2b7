// Options that several subcommands share, added to a CLI11 command. Kept
// apart from domain.h and daemon_setup.h so that only the files that build
// the command line include CLI11, whose header costs seconds of compile
// time in every file that includes it.
#ifndef TIDEMARK_CLI_COMMAND_OPTIONS_H_
#define TIDEMARK_CLI_COMMAND_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>

#include "app/daemon_setup.h"

namespace tidemark::cli {

// A whole-number option, read by ParseInt64 (common/strict_parse.h): plain
// decimal from `min` to `max`, else a usage error (exit 2) naming the flag,
// the text and the range, raised while the command line is parsed, so
// before any catalog, lease or operation is touched. (CLI11's own
// conversion takes "0x10", "0b11", "1e3" and "1_0".) `set` receives the
// value; nothing is set when the flag is absent.
CLI::Option* AddWholeNumberOption(CLI::App* command, const std::string& name,
                                  int64_t min, int64_t max,
                                  const std::string& help,
                                  std::function<void(int64_t)> set);

// The same, storing into `*out` (an integer type that holds max).
template <typename T>
CLI::Option* AddWholeNumberOption(CLI::App* command, const std::string& name,
                                  T* out, int64_t min, int64_t max,
                                  const std::string& help) {
  return AddWholeNumberOption(command, name, min, max, help,
                              [out](int64_t v) { *out = static_cast<T>(v); });
}

// --scope and --entity, which exclude each other.
void AddScopeOptions(CLI::App* command, std::string* scope,
                     std::string* entity);

// The daemon's flags, as `watch` and `serve` take them.
void AddDaemonFlags(CLI::App* command, app::DaemonFlags* flags);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_COMMAND_OPTIONS_H_
