// `tidemark serve`: the daemon (watching and schedules) together with the
// HTTP API under /api/v1, the seed routes (/api/cars, /admin/products),
// server-sent events, webhooks, /healthz, /readyz, /metrics and the
// dashboard at "/" (docs/API.md). SIGINT or SIGTERM stops it: the HTTP
// server stops accepting, jobs are cancelled, the daemon stops as `watch`
// does.
#ifndef TIDEMARK_API_SERVE_COMMAND_H_
#define TIDEMARK_API_SERVE_COMMAND_H_

#include <string>

#include "cli/commands.h"
#include "common/result.h"

namespace tidemark::api {

void RegisterServeCommand(CLI::App& app, cli::CliContext& ctx,
                          cli::Runners& runners);

// "HOST:PORT" ("[::1]:8080" for IPv6) split; InvalidArgument naming the
// value otherwise. Port 0 asks for a free port.
Result<std::pair<std::string, int>> ParseListen(const std::string& listen);

}  // namespace tidemark::api

#endif  // TIDEMARK_API_SERVE_COMMAND_H_
