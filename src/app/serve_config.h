// ServeConfig: the [serve] table of tidemark.toml, the settings of the HTTP
// API and dashboard (`tidemark serve`, docs/API.md): where to listen, the
// bearer tokens and their roles, the webhooks, the guards of the connection
// loop and where repositories may be registered. ParseConfig (config.h)
// reads it with the rest of the file.
//
// A plain value type, immutable once the config is loaded; any thread may
// read it.
#ifndef TIDEMARK_APP_SERVE_CONFIG_H_
#define TIDEMARK_APP_SERVE_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tidemark::app {

// [[serve.webhooks]]: where events are posted, signed with `secret`.
struct WebhookConfig {
  std::string url;
  std::string secret;
};
struct ServeConfig {
  std::string listen = "127.0.0.1:8080";
  std::map<std::string, std::string> tokens;  // [serve.tokens] token = role
  std::vector<WebhookConfig> webhooks;        // [[serve.webhooks]]
  int64_t webhook_max_attempts = 5;
  std::string cars_repository;      // "" = the one with the cars layout
  std::string products_repository;  // "" = the one with the products layout
  int64_t sync_max_age_ms =
      60'000;  // seed 000: sync on read at most this often
  bool stale_while_revalidate = false;
  int64_t max_body_bytes = 64LL << 20;
  int64_t threads = 32;
  std::string web_root;  // "" = the dashboard installed beside the binary
  // The most time a request's whole header may take (408 past it).
  int64_t header_timeout_ms = 10'000;
  // The most connections one client address may have open at once (503
  // past it); unset = half of `threads`, at least 6 (a browser's).
  std::optional<int64_t> connections_per_address;
  // Where POST /api/v1/repositories may register a repository: paths or
  // URLs (storage/root_location.h); empty = nowhere (403).
  std::vector<std::string> allowed_roots;
};

}  // namespace tidemark::app

#endif  // TIDEMARK_APP_SERVE_CONFIG_H_
