// EventBridge: turns what the Gateway publishes (record change sets and
// notices) into seed 004's resource events on the EventHub:
//   one record changed            -> ResourceChanged {resource: "file"}
//   a change set of many records  -> ResourceBatchChanged (ids while the
//                                    set is small, counts always)
//   an operation ended            -> BulkOperationCompleted {operation}
//   an operation began, an entity's business fields, a repository added
//   or removed                    -> ResourceChanged
//   entities recomputed           -> ResourceBatchChanged {resource: "entity"}
// It also counts finished operations by type and status for /metrics.
//
// Subscribes in the constructor and unsubscribes in the destructor; borrows
// the gateway, the store and the hub, which must outlive it. Thread-safe:
// the callbacks run on whichever thread wrote.
#ifndef TIDEMARK_API_EVENT_BRIDGE_H_
#define TIDEMARK_API_EVENT_BRIDGE_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "catalog/catalog_store.h"
#include "server/event_hub.h"
#include "server/metrics.h"
#include "sync/gateway.h"

namespace tidemark::api {

class EventBridge {
 public:
  EventBridge(Gateway& gateway, CatalogStore& store, server::EventHub& hub);
  ~EventBridge();

  // tidemark_operations_total{type,status}: operations finished since start.
  server::Family OperationsFamily() const;

 private:
  void OnBatch(const ChangeBatch& batch);
  void OnNotice(const GatewayNotice& notice);
  std::string NameOf(int64_t repository_id);
  std::string Now();

  Gateway& gateway_;
  CatalogStore& store_;
  server::EventHub& hub_;
  int batch_handle_ = 0;
  int notice_handle_ = 0;
  mutable std::mutex mu_;
  std::map<int64_t, std::string> names_;
  std::map<std::pair<std::string, std::string>, int64_t> operations_;
};

}  // namespace tidemark::api

#endif  // TIDEMARK_API_EVENT_BRIDGE_H_
