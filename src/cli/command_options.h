// Options that several subcommands share, added to a CLI11 command. Kept
// apart from domain.h and daemon_setup.h so that only the files that build
// the command line include CLI11, whose header costs seconds of compile
// time in every file that includes it.
#ifndef TIDEMARK_CLI_COMMAND_OPTIONS_H_
#define TIDEMARK_CLI_COMMAND_OPTIONS_H_

#include <CLI/CLI.hpp>
#include <string>

#include "cli/daemon_setup.h"

namespace tidemark::cli {

// --scope and --entity, which exclude each other.
void AddScopeOptions(CLI::App* command, std::string* scope,
                     std::string* entity);

// The daemon's flags, as `watch` and `serve` take them.
void AddDaemonFlags(CLI::App* command, DaemonFlags* flags);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_COMMAND_OPTIONS_H_
