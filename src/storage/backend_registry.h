// BackendRegistry: the storage URL schemes this build can open, and how.
//
// Each scheme ("file"; later "s3", "webdav", "webdavs") is registered once,
// in main.cc (the only place that names concrete backends), as a
// StorageScheme: a factory of its StorageBackend, an optional factory of its
// ChangeSource (how tidemark hears of changes without listing; a scheme
// without one is followed by scheduled reconciliation alone), and the
// per-repository options it accepts (credentials, endpoints, switches).
// Everything above the seams opens a repository's storage through the
// registry by URL, and an unknown scheme is an error that names it and the
// registered ones.
//
// BackendOptions are one repository's option values, typed (string,
// integer, boolean), as a config file gives them. The registry checks them
// against the scheme's BackendOptionSpecs before a factory sees them: an
// unknown name, a value of another type or a missing required option is
// InvalidArgument, so a typo never drops a credential or a switch unnoticed
// (DESIGN.md, rule 6). An S3 scheme would declare endpoint, region,
// access_key, secret_key (secret) and path_style (boolean); WebDAV user and
// password or token (secret). A secret is never shown: DescribeOptions
// prints "***" for it.
//
// Ownership and threads: main.cc owns the registry for the life of the
// process. Register is not thread-safe and happens before any lookup; after
// that the registry is read-only, and every const method may be called from
// any thread (factories must be thread-safe too). What a factory returns
// belongs to the caller.
#ifndef TIDEMARK_STORAGE_BACKEND_REGISTRY_H_
#define TIDEMARK_STORAGE_BACKEND_REGISTRY_H_

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"
#include "common/status.h"
#include "storage/storage_backend.h"
#include "watch/change_source.h"

namespace tidemark {

enum class OptionType { kString, kInteger, kBoolean };

std::string_view OptionTypeName(OptionType type);  // "string", ...

// One option a scheme accepts.
struct BackendOptionSpec {
  std::string name;  // as written in config: "region", "path_style"
  OptionType type = OptionType::kString;
  bool required = false;
  bool secret = false;  // a password, token or key: never shown
  // For kInteger: the accepted range, inclusive.
  int64_t min = std::numeric_limits<int64_t>::min();
  int64_t max = std::numeric_limits<int64_t>::max();
};

// One repository's option values. Thread-compatible.
class BackendOptions {
 public:
  using Value = std::variant<std::string, int64_t, bool>;

  // Sets `name`, replacing a previous value.
  void Set(std::string name, Value value);

  bool empty() const { return values_.empty(); }
  const std::map<std::string, Value, std::less<>>& values() const {
    return values_;
  }
  // The value of `name`, or nullopt when it is unset or of another type
  // (the registry checks types against the specs before a factory sees the
  // options, so a factory reads exactly what it declared).
  std::optional<std::string> GetString(std::string_view name) const {
    return Get<std::string>(name);
  }
  std::optional<int64_t> GetInteger(std::string_view name) const {
    return Get<int64_t>(name);
  }
  std::optional<bool> GetBoolean(std::string_view name) const {
    return Get<bool>(name);
  }

 private:
  template <typename T>
  std::optional<T> Get(std::string_view name) const {
    auto it = values_.find(name);
    if (it == values_.end()) return std::nullopt;
    const T* value = std::get_if<T>(&it->second);
    return value != nullptr ? std::optional<T>(*value) : std::nullopt;
  }

  std::map<std::string, Value, std::less<>> values_;
};

// Parses `text` (an environment variable, a flag) as a value of `spec`'s
// type, strictly (common/strict_parse.h): InvalidArgument naming the option
// and the text (shown as "***" for a secret) when it is not one.
Result<BackendOptions::Value> ParseOptionValue(const BackendOptionSpec& spec,
                                               std::string_view text);

// Opens the storage of a canonical URL of the scheme, with options already
// checked against the scheme's specs.
using BackendOpener = std::function<Result<std::unique_ptr<StorageBackend>>(
    std::string_view url, const BackendOptions& options)>;
// Opens the change source of a canonical URL of the scheme (not started).
using ChangeSourceOpener = std::function<Result<std::unique_ptr<ChangeSource>>(
    std::string_view url, const BackendOptions& options)>;

struct StorageScheme {
  std::string name;  // lower case, as in URLs: "file"
  BackendOpener open_backend = nullptr;
  ChangeSourceOpener open_change_source = nullptr;  // null: no change events
  std::vector<BackendOptionSpec> options = {};
};

class BackendRegistry {
 public:
  // Adds a scheme. InvalidArgument for a name that is not a URL scheme in
  // lower case, a missing open_backend, or an option named twice;
  // AlreadyExists when the scheme is registered.
  Status Register(StorageScheme scheme);

  // The registered scheme names, sorted.
  std::vector<std::string> SchemeNames() const;

  // The scheme of `url` ("s3://bucket/p" -> "s3"). InvalidArgument when the
  // URL has no scheme or its scheme is not registered; the message names
  // the URL's scheme and the registered ones.
  Result<const StorageScheme*> Find(std::string_view url) const;

  // Ok when `options` fit the specs of `url`'s scheme; InvalidArgument
  // naming the option otherwise (unknown, wrong type, an integer out of its
  // range, required but unset).
  Status CheckOptions(std::string_view url,
                      const BackendOptions& options) const;

  // Opens the storage at `url`: Find, CheckOptions, then the scheme's
  // factory, whose errors pass through unchanged.
  Result<std::unique_ptr<StorageBackend>> OpenBackend(
      std::string_view url, const BackendOptions& options = {}) const;

  // Whether `url`'s scheme has change events (false for an unknown one).
  bool HasChangeSource(std::string_view url) const;
  // Opens the change source of `url`, not started. FailedPrecondition when
  // its scheme has none; otherwise like OpenBackend.
  Result<std::unique_ptr<ChangeSource>> OpenChangeSource(
      std::string_view url, const BackendOptions& options = {}) const;

  // "endpoint=http://127.0.0.1:9000, secret_key=***" in name order, for
  // messages and logs. Secrets are hidden, and so is every option that
  // `url`'s scheme does not declare (it may be a misplaced secret).
  std::string DescribeOptions(std::string_view url,
                              const BackendOptions& options) const;

 private:
  std::map<std::string, StorageScheme, std::less<>> schemes_;
};

}  // namespace tidemark

#endif  // TIDEMARK_STORAGE_BACKEND_REGISTRY_H_
