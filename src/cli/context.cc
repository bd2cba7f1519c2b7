#include "cli/context.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>

#include "app/domain.h"
#include "common/strict_parse.h"
#include "entities/layout_indexer.h"

namespace tidemark::cli {

Status CliContext::Prepare() {
  const bool explicit_config = !options_.config_path.empty();
  const std::string config_path =
      explicit_config ? options_.config_path : "tidemark.toml";
  auto config = app::LoadConfig(config_path, explicit_config);
  if (!config.ok()) return config.status();
  config_ = std::move(config).value();

  if (!options_.db.empty()) {
    db_path_ = options_.db;
  } else if (const char* env = std::getenv("TIDEMARK_DB");
             env != nullptr && *env != '\0') {
    db_path_ = env;
  } else if (config_.db.has_value()) {
    db_path_ = *config_.db;
  } else {
    db_path_ = "tidemark.db";
  }
  if (const char* env = std::getenv("TIDEMARK_BUSY_TIMEOUT_MS")) {
    ASSIGN_OR_RETURN(
        const int64_t ms,
        ParseInt64(env, "TIDEMARK_BUSY_TIMEOUT_MS", app::kMinBusyTimeoutMs,
                   app::kMaxBusyTimeoutMs));
    config_.busy_timeout_ms = static_cast<int>(ms);
  }
  if (!options_.worker_id.empty()) {
    worker_id_ = options_.worker_id;
  } else if (const char* env = std::getenv("TIDEMARK_WORKER_ID");
             env != nullptr && *env != '\0') {
    worker_id_ = env;
  } else if (config_.worker_id.has_value()) {
    worker_id_ = *config_.worker_id;
  } else {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
    worker_id_ = std::string(*host != '\0' ? host : "tidemark") + ":" +
                 std::to_string(getpid());
  }
  if (worker_id_.size() > 200) {
    return Status::InvalidArgument("--worker-id '" + worker_id_.substr(0, 40) +
                                   "...' is longer than 200 characters");
  }
  return Status::Ok();
}

std::string CliContext::db_display() const {
  return wiring_.describe_db ? wiring_.describe_db(db_path_) : db_path_;
}

LeaseTiming CliContext::lease_timing() const {
  return {std::chrono::milliseconds(config_.lease_heartbeat_ms),
          std::chrono::milliseconds(config_.lease_timeout_ms)};
}

Result<CatalogStore*> CliContext::Store() {
  if (store_ == nullptr) {
    auto store =
        wiring_.open_catalog(db_path_, config_.busy_timeout_ms, access_);
    if (!store.ok()) return store.status();
    store_ = std::move(store).value();
  }
  return store_.get();
}

Result<Gateway*> CliContext::GetGateway() {
  if (gateway_ == nullptr) {
    ASSIGN_OR_RETURN(CatalogStore * store, Store());
    GatewayOptions options;
    options.worker_id = worker_id_;
    options.require_lease = true;
    options.process_probe = &SystemProcessProbe();
    options.indexers =
        [this, store](
            int64_t repository_id) -> Result<std::shared_ptr<EntityIndexer>> {
      return OpenIndexer(*store, repository_id);
    };
    gateway_ = std::make_unique<Gateway>(*store, clock_, options);
  }
  return gateway_.get();
}

Result<std::shared_ptr<EntityIndexer>> CliContext::OpenIndexer(
    CatalogStore& store, int64_t repository_id) const {
  ASSIGN_OR_RETURN(std::vector<Repository> all, store.ListRepositories());
  for (const Repository& repo : all) {
    if (repo.id != repository_id) continue;
    ASSIGN_OR_RETURN(app::RepositoryDomain domain,
                     app::ResolveDomain(config_, repo));
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

Result<Repository> CliContext::FindRepository(const std::string& name) {
  ASSIGN_OR_RETURN(CatalogStore * store, Store());
  ASSIGN_OR_RETURN(auto repo, store->FindRepository(name));
  if (repo.has_value()) return *repo;
  ASSIGN_OR_RETURN(auto all, store->ListRepositories());
  std::string known;
  for (const Repository& r : all) known += (known.empty() ? "" : ", ") + r.name;
  return Status::NotFound(
      "no repository named '" + name + "' in " + db_display() +
      (known.empty() ? "; add one with 'tidemark repo add NAME PATH'"
                     : "; known repositories: " + known));
}

ExitCode CliContext::ReportError(const Status& status, bool json) {
  std::cerr << "tidemark: error: " << status.message() << "\n";
  if (json) {
    nlohmann::json j = {{"error", status.message()},
                        {"code", std::string(StatusCodeName(status.code()))}};
    std::cout << j.dump() << "\n";
  }
  return ExitCodeFor(status);
}

}  // namespace tidemark::cli
