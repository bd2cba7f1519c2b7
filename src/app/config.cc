#include "app/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <optional>
#include <set>
#include <type_traits>

#include "app/durations.h"
#include "common/strict_parse.h"
#include "storage/root_location.h"

namespace tidemark::app {
namespace {

Status Bad(std::string_view origin, const toml::node& node,
           const std::string& what) {
  return Status::InvalidArgument(std::string(origin) + ":" +
                                 std::to_string(node.source().begin.line) +
                                 ": " + what);
}

Status CheckKeys(std::string_view origin, const toml::table& table,
                 std::string_view section, const std::set<std::string>& known) {
  for (const auto& [key, node] : table) {
    if (!known.contains(std::string(key.str()))) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      return Bad(origin, node,
                 "unknown key '" + std::string(key.str()) + "' in [" +
                     std::string(section) + "]; known keys: " + list);
    }
  }
  return Status::Ok();
}

Status ReadStrings(std::string_view origin, const toml::table& table,
                   const char* key, std::vector<std::string>* out) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    return Bad(origin, *node, std::string(key) + " must be a list of strings");
  }
  for (const toml::node& element : *array) {
    auto value = element.value<std::string>();
    if (!value) {
      return Bad(origin, element,
                 std::string(key) + " must be a list of strings");
    }
    out->push_back(*value);
  }
  return Status::Ok();
}

// A value of exactly TOML type T: toml++'s value<T>() would also read
// `1` as true and `5000.0` as 5000.
template <typename T>
Status ReadValue(std::string_view origin, const toml::table& table,
                 const char* key, T* out, const char* expected) {
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  auto value = node->value_exact<T>();
  if (!value) {
    return Bad(origin, *node, std::string(key) + " must be " + expected);
  }
  *out = *value;
  return Status::Ok();
}

std::string KeyName(std::string_view section, std::string_view key) {
  return "[" + std::string(section) + "] " + std::string(key);
}

std::string TypeName(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a fraction";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::array:
      return "a list";
    case toml::node_type::table:
      return "a table";
    default:
      return "a date or time";
  }
}

// A number from `min` to `max`, with common/strict_parse.h's checks and
// messages (NaN and infinities refused). An int64_t key takes TOML integers
// only, not even 5000.0; a double key takes integers too (`1`).
template <typename T>
Status ReadNumber(std::string_view origin, const toml::table& table,
                  std::string_view section, const char* key,
                  std::type_identity_t<T> min, std::type_identity_t<T> max,
                  T* out) {
  static_assert(std::is_same_v<T, int64_t> || std::is_same_v<T, double>);
  constexpr bool kWhole = std::is_same_v<T, int64_t>;
  const toml::node* node = table.get(key);
  if (node == nullptr) return Status::Ok();
  const std::string what = KeyName(section, key);
  std::optional<T> value;
  if (node->is_integer()) {
    // 0x10, 0o20 and 0b10000 are TOML integers, but nobody means a
    // threshold or a size in hex: as from a flag, a number is decimal.
    if (node->as_integer()->flags() != toml::value_flags::none) {
      return Bad(origin, *node,
                 what + " must be written in decimal " + RangeText(min, max) +
                     ", not in hexadecimal, octal or binary");
    }
    value = static_cast<T>(node->as_integer()->get());
  }
  if (!kWhole && node->is_floating_point()) {
    value = static_cast<T>(node->as_floating_point()->get());
  }
  if (!value.has_value()) {
    return Bad(
        origin, *node,
        what + (kWhole ? " must be a whole number " : " must be a number ") +
            RangeText(min, max) + ", not " + TypeName(*node));
  }
  Status in_range =
      kWhole ? CheckInt64(static_cast<int64_t>(*value), what,
                          static_cast<int64_t>(min), static_cast<int64_t>(max))
             : CheckDouble(static_cast<double>(*value), what,
                           static_cast<double>(min), static_cast<double>(max));
  if (!in_range.ok()) return Bad(origin, *node, in_range.message());
  *out = *value;
  return Status::Ok();
}

Status ParseServe(std::string_view origin, const toml::table& t,
                  ServeConfig* out) {
  RETURN_IF_ERROR(CheckKeys(
      origin, t, "serve",
      {"listen", "tokens", "webhooks", "webhook_max_attempts",
       "cars_repository", "products_repository", "sync_max_age_ms",
       "stale_while_revalidate", "max_body_bytes", "threads", "web_root",
       "header_timeout_ms", "connections_per_address", "allowed_roots"}));
  for (auto [key, value] :
       {std::pair{"listen", &out->listen},
        std::pair{"cars_repository", &out->cars_repository},
        std::pair{"products_repository", &out->products_repository},
        std::pair{"web_root", &out->web_root}}) {
    RETURN_IF_ERROR(ReadValue(origin, t, key, value, "a string"));
  }
  struct Field {
    const char* key;
    int64_t* value;
    int64_t min;
    int64_t max;
  };
  for (const Field& f :
       {Field{"webhook_max_attempts", &out->webhook_max_attempts, 1, 100},
        Field{"sync_max_age_ms", &out->sync_max_age_ms, 0, 86'400'000},
        Field{"max_body_bytes", &out->max_body_bytes, 1, 1LL << 40},
        Field{"threads", &out->threads, 4, 1024},
        Field{"header_timeout_ms", &out->header_timeout_ms, 100, 600'000}}) {
    RETURN_IF_ERROR(
        ReadNumber(origin, t, "serve", f.key, f.min, f.max, f.value));
  }
  if (t.contains("connections_per_address")) {
    int64_t per_address = 0;
    RETURN_IF_ERROR(ReadNumber(origin, t, "serve", "connections_per_address", 1,
                               100'000, &per_address));
    out->connections_per_address = per_address;
  }
  RETURN_IF_ERROR(ReadStrings(origin, t, "allowed_roots", &out->allowed_roots));
  for (const std::string& root : out->allowed_roots) {
    if (auto parsed = ParseLocation(root); !parsed.ok()) {
      return Bad(origin, *t.get("allowed_roots"),
                 "[serve] allowed_roots: " + parsed.status().message());
    }
  }
  RETURN_IF_ERROR(ReadValue(origin, t, "stale_while_revalidate",
                            &out->stale_while_revalidate, "true or false"));
  if (const toml::node* node = t.get("tokens")) {
    const toml::table* tokens = node->as_table();
    if (tokens == nullptr) {
      return Bad(origin, *node,
                 "[serve.tokens] must be a table of \"TOKEN\" = \"ROLE\"");
    }
    for (const auto& [token, role] : *tokens) {
      auto value = role.value<std::string>();
      if (!value ||
          (*value != "reader" && *value != "operator" && *value != "admin")) {
        return Bad(origin, role,
                   "a [serve.tokens] role must be \"reader\", \"operator\" "
                   "or \"admin\"");
      }
      out->tokens[std::string(token.str())] = *value;
    }
  }
  if (const toml::node* node = t.get("webhooks")) {
    const toml::array* hooks = node->as_array();
    if (hooks == nullptr) {
      return Bad(origin, *node,
                 "webhooks must be [[serve.webhooks]] tables with url and "
                 "secret");
    }
    for (const toml::node& element : *hooks) {
      const toml::table* hook = element.as_table();
      if (hook == nullptr) {
        return Bad(origin, element,
                   "each [[serve.webhooks]] must be a table with url and "
                   "secret");
      }
      RETURN_IF_ERROR(
          CheckKeys(origin, *hook, "serve.webhooks", {"url", "secret"}));
      WebhookConfig w;
      RETURN_IF_ERROR(ReadValue(origin, *hook, "url", &w.url, "a string"));
      RETURN_IF_ERROR(
          ReadValue(origin, *hook, "secret", &w.secret, "a string"));
      if (w.url.empty() || w.secret.empty()) {
        return Bad(origin, element,
                   "a [[serve.webhooks]] entry needs both url and secret");
      }
      out->webhooks.push_back(std::move(w));
    }
  }
  return Status::Ok();
}

Status ParseTables(std::string_view origin, const toml::table& root,
                   Config* config) {
  RETURN_IF_ERROR(CheckKeys(origin, root, "top level",
                            {"catalog", "scan", "filters", "lease", "worker",
                             "watch", "layouts", "repositories", "serve"}));
  if (const toml::table* serve = root["serve"].as_table()) {
    RETURN_IF_ERROR(ParseServe(origin, *serve, &config->serve));
  }
  if (const toml::table* repos = root["repositories"].as_table()) {
    for (const auto& [name, node] : *repos) {
      const std::string table = "repositories." + std::string(name.str());
      const toml::table* t = node.as_table();
      if (t == nullptr) {
        return Status::InvalidArgument(std::string(origin) + ": [" + table +
                                       "] must be a table");
      }
      RETURN_IF_ERROR(
          CheckKeys(origin, *t, table, {"layout", "truth", "public_url"}));
      RepositoryConfig& rc = config->repositories[std::string(name.str())];
      for (auto [key, out] :
           {std::pair{"layout", &rc.layout}, std::pair{"truth", &rc.truth},
            std::pair{"public_url", &rc.public_url}}) {
        if (const toml::node* v = t->get(key)) {
          if (!v->is_string()) {
            return Status::InvalidArgument(std::string(origin) + ": " + key +
                                           " in [" + table +
                                           "] must be a string");
          }
          *out = v->as_string()->get();
        }
      }
    }
  }
  if (const toml::table* watch = root["watch"].as_table()) {
    RETURN_IF_ERROR(CheckKeys(
        origin, *watch, "watch",
        {"debounce_ms", "reconcile_interval_ms", "unwatched_rescan_ms",
         "poll_ms", "directory_burst", "max_open_wait_ms"}));
    struct Field {
      const char* key;
      int64_t* value;
      int64_t min;
      int64_t max;
    };
    for (const Field& f :
         {Field{"debounce_ms", &config->watch_debounce_ms, 0, kMaxDurationMs},
          Field{"reconcile_interval_ms", &config->watch_reconcile_interval_ms,
                1, kMaxDurationMs},
          Field{"unwatched_rescan_ms", &config->watch_unwatched_rescan_ms, 1,
                kMaxDurationMs},
          Field{"poll_ms", &config->watch_poll_ms, 1, kMaxDurationMs},
          Field{"directory_burst", &config->watch_directory_burst, 1,
                kMaxDirectoryBurst},
          Field{"max_open_wait_ms", &config->watch_max_open_wait_ms, 1,
                kMaxDurationMs}}) {
      RETURN_IF_ERROR(
          ReadNumber(origin, *watch, "watch", f.key, f.min, f.max, f.value));
    }
  }
  if (const toml::table* lease = root["lease"].as_table()) {
    RETURN_IF_ERROR(
        CheckKeys(origin, *lease, "lease", {"heartbeat_ms", "timeout_ms"}));
    RETURN_IF_ERROR(ReadNumber(origin, *lease, "lease", "heartbeat_ms", 1,
                               kMaxLeaseTimeoutMs / 2,
                               &config->lease_heartbeat_ms));
    RETURN_IF_ERROR(ReadNumber(origin, *lease, "lease", "timeout_ms", 2,
                               kMaxLeaseTimeoutMs, &config->lease_timeout_ms));
    if (config->lease_timeout_ms < 2 * config->lease_heartbeat_ms) {
      return Status::InvalidArgument(
          std::string(origin) + ": [lease] heartbeat_ms (" +
          std::to_string(config->lease_heartbeat_ms) +
          ") must be at most half of timeout_ms (" +
          std::to_string(config->lease_timeout_ms) +
          "); the defaults are 30000 and 60000");
    }
  }
  if (const toml::table* worker = root["worker"].as_table()) {
    RETURN_IF_ERROR(
        CheckKeys(origin, *worker, "worker", {"id", "interval_ms"}));
    std::string id;
    RETURN_IF_ERROR(ReadValue(origin, *worker, "id", &id, "a string"));
    if (!id.empty()) config->worker_id = id;
    RETURN_IF_ERROR(ReadNumber(origin, *worker, "worker", "interval_ms", 1,
                               kMaxDurationMs, &config->worker_interval_ms));
  }
  if (const toml::table* catalog = root["catalog"].as_table()) {
    RETURN_IF_ERROR(
        CheckKeys(origin, *catalog, "catalog", {"db", "busy_timeout_ms"}));
    std::string db;
    RETURN_IF_ERROR(ReadValue(origin, *catalog, "db", &db, "a string"));
    if (!db.empty()) config->db = db;
    int64_t timeout = config->busy_timeout_ms;
    RETURN_IF_ERROR(ReadNumber(origin, *catalog, "catalog", "busy_timeout_ms",
                               kMinBusyTimeoutMs, kMaxBusyTimeoutMs, &timeout));
    config->busy_timeout_ms = static_cast<int>(timeout);
  }
  if (const toml::table* scan = root["scan"].as_table()) {
    RETURN_IF_ERROR(
        CheckKeys(origin, *scan, "scan",
                  {"hash", "batch_size", "threads", "mass_removal_threshold"}));
    std::string hash(HashAlgorithmName(config->hash));
    RETURN_IF_ERROR(ReadValue(origin, *scan, "hash", &hash, "a string"));
    auto algo = ParseHashAlgorithm(hash);
    if (!algo.ok()) return algo.status().WithContext(origin);
    config->hash = *algo;
    int64_t batch = static_cast<int64_t>(config->batch_size);
    RETURN_IF_ERROR(ReadNumber(origin, *scan, "scan", "batch_size", 1,
                               kMaxBatchSize, &batch));
    config->batch_size = static_cast<size_t>(batch);
    int64_t threads = config->threads;
    RETURN_IF_ERROR(
        ReadNumber(origin, *scan, "scan", "threads", 1, kMaxThreads, &threads));
    config->threads = static_cast<int>(threads);
    RETURN_IF_ERROR(ReadNumber(origin, *scan, "scan", "mass_removal_threshold",
                               0, 1, &config->mass_removal_threshold));
  }
  if (const toml::table* filters = root["filters"].as_table()) {
    RETURN_IF_ERROR(
        CheckKeys(origin, *filters, "filters",
                  {"include", "exclude", "ignore_hidden", "ignore_temporary",
                   "ignore_system", "ignore_backups"}));
    FilterConfig& f = config->filters;
    RETURN_IF_ERROR(ReadStrings(origin, *filters, "include", &f.include));
    RETURN_IF_ERROR(ReadStrings(origin, *filters, "exclude", &f.exclude));
    RETURN_IF_ERROR(ReadValue(origin, *filters, "ignore_hidden",
                              &f.ignore_hidden, "true or false"));
    RETURN_IF_ERROR(ReadValue(origin, *filters, "ignore_temporary",
                              &f.ignore_temporary, "true or false"));
    RETURN_IF_ERROR(ReadValue(origin, *filters, "ignore_system",
                              &f.ignore_system, "true or false"));
    RETURN_IF_ERROR(ReadValue(origin, *filters, "ignore_backups",
                              &f.ignore_backups, "true or false"));
  }
  return Status::Ok();
}

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view origin) {
  Config config;
  try {
    toml::table root = toml::parse(text, origin);
    RETURN_IF_ERROR(ParseTables(origin, root, &config));
    auto layouts = layout::ParseProfiles(text, origin);
    if (!layouts.ok()) return layouts.status();
    config.layouts = std::move(layouts).value();
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument(std::string(origin) + ":" +
                                   std::to_string(e.source().begin.line) +
                                   ": " + std::string(e.description()));
  }
  auto rules = PathFilterRules::Create(config.filters);
  if (!rules.ok()) return rules.status().WithContext(origin);
  return config;
}

namespace {

// A config is a page of settings; anything larger is the wrong file (a log,
// a database) and is not read whole.
constexpr int64_t kMaxConfigBytes = 1 << 20;

Status Unreadable(const std::string& path, bool required,
                  const std::string& why) {
  return Status::InvalidArgument(
      "cannot read config file '" + path + "': " + why + "; " +
      (required ? "give --config a readable TOML file"
                : "make it a readable TOML file or remove it (only a missing "
                  "./tidemark.toml means the defaults), or give --config "
                  "another file"));
}

// Why `path` (lstat'ed as `link`) could not be opened: errno `err`.
std::string OpenFailure(const std::string& path, const struct stat& link,
                        int err) {
  if (S_ISLNK(link.st_mode) && err == ENOENT) {
    char target[PATH_MAX] = {};
    const ssize_t n = readlink(path.c_str(), target, sizeof(target) - 1);
    return "it is a symlink to '" +
           std::string(target, static_cast<size_t>(n > 0 ? n : 0)) +
           "', which does not exist";
  }
  return std::strerror(err);
}

// The text of the config at `path`; nullopt when it is missing and not
// `required`. Only a regular file (or a symlink to one) is read: it is
// opened without blocking, so a FIFO never waits for a writer, and checked
// with fstat before a byte is read.
Result<std::optional<std::string>> ReadConfigText(const std::string& path,
                                                  bool required) {
  struct stat link;
  if (lstat(path.c_str(), &link) != 0) {
    const int err = errno;
    if (err == ENOENT && !required) return std::optional<std::string>();
    return Unreadable(path, required, std::strerror(err));
  }
  const int fd =
      open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    return Unreadable(path, required, OpenFailure(path, link, errno));
  }
  struct Closer {
    int fd;
    ~Closer() { close(fd); }
  } closer{fd};
  struct stat st;
  if (fstat(fd, &st) != 0) {
    return Unreadable(path, required, std::strerror(errno));
  }
  if (S_ISDIR(st.st_mode))
    return Unreadable(path, required, "it is a directory");
  if (!S_ISREG(st.st_mode)) {
    return Unreadable(path, required,
                      "it is not a regular file (a FIFO, socket or device)");
  }
  const std::string too_large = "it is larger than " +
                                std::to_string(kMaxConfigBytes) +
                                " bytes, which no config is";
  if (st.st_size > kMaxConfigBytes) {
    return Unreadable(path, required, too_large);
  }
  std::string text;
  char buffer[16384];
  for (;;) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unreadable(path, required, std::strerror(errno));
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
    // A file may grow while read, or report no size (/proc).
    if (static_cast<int64_t>(text.size()) > kMaxConfigBytes) {
      return Unreadable(path, required, too_large);
    }
  }
  return std::optional<std::string>(std::move(text));
}

}  // namespace

Result<Config> LoadConfig(const std::string& path, bool required) {
  ASSIGN_OR_RETURN(std::optional<std::string> text,
                   ReadConfigText(path, required));
  if (!text.has_value()) return Config{};
  return ParseConfig(*text, path);
}

}  // namespace tidemark::app
