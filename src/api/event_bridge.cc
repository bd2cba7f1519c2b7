#include "api/event_bridge.h"

#include "common/time_format.h"
#include "wire/catalog_json.h"

namespace tidemark::api {
namespace {

const char* ActionOf(ChangeEvent::Type type) {
  switch (type) {
    case ChangeEvent::Type::kAdded:
      return "created";
    case ChangeEvent::Type::kUpdated:
    case ChangeEvent::Type::kMoved:
      return "updated";
    case ChangeEvent::Type::kRemoved:
      return "deleted";
  }
  return "updated";
}

// Change sets up to this size list their record ids in the batch event.
constexpr size_t kListedIds = 100;

}  // namespace

EventBridge::EventBridge(Gateway& gateway, CatalogStore& store,
                         server::EventHub& hub)
    : gateway_(gateway), store_(store), hub_(hub) {
  batch_handle_ =
      gateway_.Subscribe([this](const ChangeBatch& b) { OnBatch(b); });
  notice_handle_ = gateway_.SubscribeNotices(
      [this](const GatewayNotice& n) { OnNotice(n); });
}

EventBridge::~EventBridge() {
  gateway_.Unsubscribe(batch_handle_);
  gateway_.UnsubscribeNotices(notice_handle_);
}

std::string EventBridge::Now() {
  return FormatIsoTime(gateway_.clock().NowNanos());
}

std::string EventBridge::NameOf(int64_t repository_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = names_.find(repository_id); it != names_.end()) {
    return it->second;
  }
  if (auto repos = store_.ListRepositories(); repos.ok()) {
    for (const Repository& r : *repos) names_[r.id] = r.name;
  }
  auto it = names_.find(repository_id);
  return it == names_.end() ? std::string() : it->second;
}

void EventBridge::OnBatch(const ChangeBatch& batch) {
  const std::string repository = NameOf(batch.repository_id);
  if (!batch.bulk && batch.events.size() == 1) {
    const ChangeEvent& e = batch.events.front();
    nlohmann::json data = {{"resource", "file"},
                           {"action", ActionOf(e.type)},
                           {"repository", repository},
                           {"id", e.record_id},
                           {"path", e.path}};
    if (e.type == ChangeEvent::Type::kMoved) data["old_path"] = e.old_path;
    hub_.Publish("ResourceChanged", std::move(data), Now());
    return;
  }
  nlohmann::json data = {{"resource", "file"},
                         {"repository", repository},
                         {"created", batch.added},
                         {"updated", batch.updated + batch.moved},
                         {"deleted", batch.removed}};
  if (!batch.bulk && batch.events.size() <= kListedIds) {
    nlohmann::json ids = nlohmann::json::array();
    for (const ChangeEvent& e : batch.events) ids.push_back(e.record_id);
    data["ids"] = std::move(ids);
  }
  hub_.Publish("ResourceBatchChanged", std::move(data), Now());
}

void EventBridge::OnNotice(const GatewayNotice& n) {
  using Kind = GatewayNotice::Kind;
  if (n.kind == Kind::kRepositoryAdded || n.kind == Kind::kRepositoryRemoved) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (n.kind == Kind::kRepositoryAdded) {
        names_[n.repository_id] = n.repository_name;
      } else {
        names_.erase(n.repository_id);
      }
    }
    hub_.Publish(
        "ResourceChanged",
        {{"resource", "repository"},
         {"action", n.kind == Kind::kRepositoryAdded ? "created" : "deleted"},
         {"repository", n.repository_name},
         {"id", n.repository_id}},
        Now());
    return;
  }
  const std::string repository = NameOf(n.repository_id);
  switch (n.kind) {
    case Kind::kOperationStarted:
      hub_.Publish("ResourceChanged",
                   {{"resource", "operation"},
                    {"action", "created"},
                    {"repository", repository},
                    {"id", n.operation.id},
                    {"data", wire::OperationJson(n.operation)}},
                   Now());
      break;
    case Kind::kOperationFinished: {
      {
        std::lock_guard<std::mutex> lock(mu_);
        ++operations_[{std::string(OperationTypeName(n.operation.type)),
                       std::string(OperationStatusName(n.operation.status))}];
      }
      nlohmann::json op = wire::OperationJson(n.operation);
      op["repository"] = repository;
      hub_.Publish("BulkOperationCompleted",
                   {{"repository", repository},
                    {"id", n.operation.id},
                    {"operation", std::move(op)}},
                   Now());
      break;
    }
    case Kind::kEntityChanged:
      hub_.Publish("ResourceChanged",
                   {{"resource", "entity"},
                    {"action", "updated"},
                    {"repository", repository},
                    {"id", n.entity_id}},
                   Now());
      break;
    case Kind::kEntitiesRecomputed:
      hub_.Publish("ResourceBatchChanged",
                   {{"resource", "entity"}, {"repository", repository}}, Now());
      break;
    default:
      break;
  }
}

server::Family EventBridge::OperationsFamily() const {
  server::Family f{"tidemark_operations_total",
                   "Sync operations finished since the server started, by "
                   "type and status",
                   "counter",
                   {}};
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, n] : operations_) {
    f.samples.push_back({{{"type", key.first}, {"status", key.second}},
                         static_cast<double>(n)});
  }
  return f;
}

}  // namespace tidemark::api
