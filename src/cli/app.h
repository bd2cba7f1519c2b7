// RunCli: the `tidemark` command line. Parses flags, loads the config, runs
// one subcommand and returns the process exit code (cli/exit_codes.h).
// Exceptions from CLI11 stay inside; single-threaded.
#ifndef TIDEMARK_CLI_APP_H_
#define TIDEMARK_CLI_APP_H_

#include "cli/commands.h"
#include "cli/context.h"

namespace tidemark::cli {

int RunCli(int argc, char** argv, const app::Wiring& wiring);

}  // namespace tidemark::cli

#endif  // TIDEMARK_CLI_APP_H_
