#include "app/context.h"

#include <unistd.h>

#include <cstdlib>

#include "app/domain.h"
#include "common/strict_parse.h"
#include "entities/layout_indexer.h"

namespace tidemark::app {

Result<ContextSettings> LoadContextSettings(const ContextFlags& flags) {
  const bool explicit_config = !flags.config_path.empty();
  const std::string config_path =
      explicit_config ? flags.config_path : "tidemark.toml";
  ContextSettings settings;
  ASSIGN_OR_RETURN(settings.config, LoadConfig(config_path, explicit_config));
  const Config& config = settings.config;

  if (!flags.db.empty()) {
    settings.db_path = flags.db;
  } else if (const char* env = std::getenv("TIDEMARK_DB");
             env != nullptr && *env != '\0') {
    settings.db_path = env;
  } else if (config.db.has_value()) {
    settings.db_path = *config.db;
  } else {
    settings.db_path = "tidemark.db";
  }
  if (const char* env = std::getenv("TIDEMARK_BUSY_TIMEOUT_MS")) {
    ASSIGN_OR_RETURN(const int64_t ms,
                     ParseInt64(env, "TIDEMARK_BUSY_TIMEOUT_MS",
                                kMinBusyTimeoutMs, kMaxBusyTimeoutMs));
    settings.config.busy_timeout_ms = static_cast<int>(ms);
  }
  std::string& worker_id = settings.worker_id;
  if (!flags.worker_id.empty()) {
    worker_id = flags.worker_id;
  } else if (const char* env = std::getenv("TIDEMARK_WORKER_ID");
             env != nullptr && *env != '\0') {
    worker_id = env;
  } else if (config.worker_id.has_value()) {
    worker_id = *config.worker_id;
  } else {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
    worker_id = std::string(*host != '\0' ? host : "tidemark") + ":" +
                std::to_string(getpid());
  }
  if (worker_id.size() > 200) {
    return Status::InvalidArgument("--worker-id '" + worker_id.substr(0, 40) +
                                   "...' is longer than 200 characters");
  }
  // Other workers print it (status, history): a newline or an escape
  // sequence in it would reach their terminals.
  for (const char c : worker_id) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return Status::InvalidArgument(
          "the worker id (--worker-id, TIDEMARK_WORKER_ID or [worker] id) "
          "holds a control character (byte " +
          std::to_string(byte) +
          "); use letters, digits and punctuation, e.g. 'host-a:1'");
    }
  }
  return settings;
}

std::string DescribeDb(const Wiring& wiring, const std::string& db_path) {
  return wiring.describe_db ? wiring.describe_db(db_path) : db_path;
}

Result<std::unique_ptr<Context>> Context::Open(const Wiring& wiring,
                                               Clock& clock,
                                               ContextSettings settings,
                                               CatalogAccess access) {
  std::unique_ptr<Context> ctx(new Context(wiring, clock, std::move(settings)));
  ASSIGN_OR_RETURN(ctx->store_,
                   wiring.open_catalog(ctx->db_path(),
                                       ctx->config().busy_timeout_ms, access));
  GatewayOptions options;
  options.worker_id = ctx->worker_id();
  options.require_lease = true;
  options.process_probe = &SystemProcessProbe();
  const Context* self = ctx.get();
  options.indexers =
      [self](int64_t repository_id) -> Result<std::shared_ptr<EntityIndexer>> {
    return self->OpenIndexer(repository_id);
  };
  ctx->gateway_ = std::make_unique<Gateway>(*ctx->store_, clock, options);
  return ctx;
}

LeaseTiming LeaseTimingFor(const Config& config) {
  return {std::chrono::milliseconds(config.lease_heartbeat_ms),
          std::chrono::milliseconds(config.lease_timeout_ms)};
}

Result<std::shared_ptr<EntityIndexer>> Context::OpenIndexer(
    int64_t repository_id) const {
  ASSIGN_OR_RETURN(std::vector<Repository> all, store_->ListRepositories());
  for (const Repository& repo : all) {
    if (repo.id != repository_id) continue;
    ASSIGN_OR_RETURN(RepositoryDomain domain, ResolveDomain(config(), repo));
    if (domain.layout == nullptr) break;
    std::shared_ptr<StorageBackend> backend;
    if (auto opened = wiring_.open_backend(repo.url); opened.ok()) {
      backend = std::move(opened).value();
    }
    return std::shared_ptr<EntityIndexer>(std::make_shared<LayoutIndexer>(
        domain.layout, std::move(backend), repo.name));
  }
  return std::shared_ptr<EntityIndexer>();
}

Result<Repository> Context::FindRepository(const std::string& name) const {
  ASSIGN_OR_RETURN(auto repo, store_->FindRepository(name));
  if (repo.has_value()) return *repo;
  ASSIGN_OR_RETURN(auto all, store_->ListRepositories());
  std::string known;
  for (const Repository& r : all) known += (known.empty() ? "" : ", ") + r.name;
  return Status::NotFound(
      "no repository named '" + name + "' in " + db_display() +
      (known.empty() ? "; add one with 'tidemark repo add NAME PATH'"
                     : "; known repositories: " + known));
}

}  // namespace tidemark::app
